package io.pdu4j.sim.isotek;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/** The unit without I/O answers byte for byte as the simulator with the same settings does. */
class IsoTekUnitTest {

  private static final LocalDateTime START = LocalDateTime.of(2024, 5, 17, 9, 3, 7);

  private static IsoTekSimulator.Builder quiet() {
    return IsoTekSimulator.builder()
        .jitter(false)
        .clock(START)
        .outletConfig(2, "Router", 2, 30)
        .initialState(4, false);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, ISO_8859_1);
  }

  @Test
  void answersAsTheSimulatorOnItsSocket() {
    IsoTekUnit unit = quiet().buildUnit();
    try (IsoTekSimulator sim = quiet().build()) {
      sim.pausePushes();
      sim.start();
      try (TestClient client = TestClient.connect(sim.port())) {
        for (String command : new String[] {"C?", "S3=0", "S9=7", "P?", "bogus"}) {
          assertThat(text(unit.answer(command))).as(command).isEqualTo(client.request(command));
        }
        // the status block differs only in the running clock's seconds
        String status = client.request("?");
        assertThat(text(unit.answer("?")).replaceAll("RTC=[^\n]*", "RTC"))
            .isEqualTo(status.replaceAll("RTC=[^\n]*", "RTC"));
      }
    }
  }

  @Test
  void switchesChangeTheStateThePushShows() {
    IsoTekUnit unit = quiet().buildUnit();

    assertThat(text(unit.answer("S3=0"))).isEqualTo("OK\n>\n");

    assertThat(unit.outletState(3)).isFalse();
    assertThat(unit.outletState(4)).isFalse();
    assertThat(unit.outletState(1)).isTrue();
    String push = text(unit.push());
    assertThat(push).contains("\nCH3=0|230|0|\n").contains("\nCH4=0|230|0|\n");
    assertThat(push).startsWith("CH0=").doesNotContain("OK").endsWith("|\n");
    assertThat(push.split("\n")).hasSize(18);
  }

  @Test
  void aSilentUnitSendsNothingForARejectedCommand() {
    IsoTekUnit unit = IsoTekSimulator.builder().silentOnError(true).buildUnit();

    assertThat(unit.answer("S99=1")).isEmpty();
    assertThat(text(unit.answer("S1=1"))).isEqualTo("OK\n>\n");
  }

  @Test
  void outletSettingsBeyondTheUnitAreRefused() {
    assertThatThrownBy(() -> IsoTekSimulator.builder().outlets(8).loadWatts(12, 5).buildUnit())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outlet 12");
  }
}
