package io.pdu4j.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SoakSettingsTest {
  @Test
  void readsTheOptionsOverTheDefaults() {
    SoakSettings s =
        SoakSettings.parse(
            "--devices", "40", "--duration", "90s", "--faults-per-second", "0.5", "--seed", "7");

    assertThat(s.devices()).isEqualTo(40);
    assertThat(s.duration()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.faultsPerSecond()).isEqualTo(0.5);
    assertThat(s.seed()).isEqualTo(7);
    assertThat(s.commandsPerSecond()).isEqualTo(SoakSettings.defaults().commandsPerSecond());
  }

  @Test
  void refusesWhatItDoesNotKnowNamingIt() {
    assertThatThrownBy(() -> SoakSettings.parse("--devcies", "4"))
        .hasMessage("unknown option --devcies");
    assertThatThrownBy(() -> SoakSettings.parse("--duration", "30 minutes"))
        .hasMessageContaining("bad duration '30 minutes'");
    assertThatThrownBy(() -> SoakSettings.parse("--mix", "isotek=40,pdu=3"))
        .hasMessageContaining("bad mix part 'pdu=3'");
    assertThatThrownBy(() -> SoakSettings.parse("--devices", "0"))
        .hasMessageContaining("devices must be 1..5000");
    assertThatThrownBy(() -> SoakSettings.parse("--devices"))
        .hasMessage("option --devices needs a value");
  }
}
