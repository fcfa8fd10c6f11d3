package io.pdu4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.spi.DeviceAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeviceOptionsTest {

  @Test
  void addressOverridesDefaults() {
    DeviceOptions o =
        DeviceOptions.defaults()
            .withOverrides(
                DeviceAddress.parse("isotek:tcp://h?timeout=2s&poll=10s&queue=8&stale=30s"));
    assertThat(o.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.pollInterval()).contains(Duration.ofSeconds(10));
    assertThat(o.queueCapacity()).isEqualTo(8);
    assertThat(o.staleAfter()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.connectTimeout()).isEqualTo(DeviceOptions.defaults().connectTimeout());
  }

  /** Options come from any source, not only an address: a configuration file's entry, say. */
  @Test
  void anySourceOverridesDefaultsAndIsNamedWhenAValueIsBad() {
    Map<String, String> entry = Map.of("timeout", "750ms", "quiet", "off", "max-frame", "64");
    DeviceOptions o =
        DeviceOptions.defaults().withOverrides(name -> Optional.ofNullable(entry.get(name)));
    assertThat(o.commandTimeout()).isEqualTo(Duration.ofMillis(750));
    assertThat(o.watchesQuiet()).isFalse();
    assertThat(o.maxFrameLength()).isEqualTo(64);
    assertThat(o.readyTimeout()).isEqualTo(DeviceOptions.defaults().readyTimeout());

    DeviceOptions.Source pdu7 =
        new DeviceOptions.Source() {
          @Override
          public Optional<String> option(String name) {
            return name.equals("stale") ? Optional.of("-1s") : Optional.empty();
          }

          @Override
          public String toString() {
            return "devices.yaml: pdu7";
          }
        };
    assertThatThrownBy(() -> DeviceOptions.defaults().withOverrides(pdu7))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("devices.yaml: pdu7: ")
        .hasMessageContaining("stale");
  }

  @Test
  void badValuesNameTheOptionAndTheAddress() {
    assertThatThrownBy(
            () ->
                DeviceOptions.defaults()
                    .withOverrides(DeviceAddress.parse("isotek:tcp://h?timeout=soon")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("isotek:tcp://h")
        .hasMessageContaining("timeout");
    assertThatThrownBy(
            () ->
                DeviceOptions.defaults()
                    .withOverrides(DeviceAddress.parse("isotek:tcp://h?queue=0")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("queue must be 1..10000");
    assertThatThrownBy(
            () ->
                DeviceOptions.defaults()
                    .withOverrides(DeviceAddress.parse("isotek:tcp://h?timeout=0s")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("timeout must be positive");
  }

  @Test
  void quietIsOnByDefaultAndCanBeSetOrTurnedOff() {
    assertThat(DeviceOptions.defaults().quietAfter()).isEqualTo(Duration.ofSeconds(30));
    assertThat(DeviceOptions.defaults().watchesQuiet()).isTrue();
    DeviceOptions set =
        DeviceOptions.defaults().withOverrides(DeviceAddress.parse("isotek:tcp://h?quiet=3s"));
    assertThat(set.quietAfter()).isEqualTo(Duration.ofSeconds(3));
    DeviceOptions off =
        DeviceOptions.defaults().withOverrides(DeviceAddress.parse("isotek:tcp://h?quiet=off"));
    assertThat(off.watchesQuiet()).isFalse();
    assertThat(off.withCommandTimeout(Duration.ofSeconds(1)).watchesQuiet()).isFalse();
    assertThatThrownBy(
            () ->
                DeviceOptions.defaults()
                    .withOverrides(DeviceAddress.parse("isotek:tcp://h?quiet=never")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("quiet");
  }

  @Test
  void pollBelowOneHundredMillisecondsIsRefusedNamingTheBound() {
    assertThatThrownBy(
            () ->
                DeviceOptions.defaults()
                    .withOverrides(DeviceAddress.parse("isotek:tcp://h?poll=10ms")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("isotek:tcp://h")
        .hasMessageContaining("poll must be at least 100ms, got 10ms");
    assertThatThrownBy(
            () ->
                DeviceOptions.defaults()
                    .withOverrides(DeviceAddress.parse("isotek:tcp://h?poll=99ms")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("poll must be at least 100ms");
    assertThat(
            DeviceOptions.defaults()
                .withOverrides(DeviceAddress.parse("isotek:tcp://h?poll=100ms"))
                .pollInterval())
        .contains(Duration.ofMillis(100));
  }
}
