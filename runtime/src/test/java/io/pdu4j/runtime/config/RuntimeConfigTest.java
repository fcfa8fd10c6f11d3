package io.pdu4j.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pdu4j.api.InvalidArgumentException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code runtime:} section of devices.yaml and the configuration's {@code with...} copies. */
class RuntimeConfigTest {
  private static final String DEVICES = "devices:\n  a:\n    uri: isotek:tcp://h\n";

  private static Pdu4jConfig parse(String tail) {
    return Pdu4jConfig.parse(new StringReader(DEVICES + tail), "devices.yaml", Path.of("/etc"));
  }

  @Test
  void readsTheOpeningPace() {
    assertThat(parse("runtime:\n  max-opening: 8\n").runtime())
        .isEqualTo(RuntimeConfig.DEFAULTS.withMaxOpening(8));
    assertThat(parse("runtime: { max-opening: \"4096\" }\n").runtime().maxOpening())
        .isEqualTo(4096);
  }

  @Test
  void readsTheHistoryStep() {
    assertThat(parse("runtime:\n  history-step: 5s\n").runtime().historyStep())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(parse("runtime: { history-step: 2m, max-opening: 3 }\n").runtime())
        .isEqualTo(new RuntimeConfig(3, Duration.ofMinutes(2), Duration.ofMillis(10)));
    assertThat(parse("").runtime().historyStep()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void readsTheIoBatchWindow() {
    assertThat(parse("runtime:\n  io-batch-window: 12ms\n").runtime())
        .isEqualTo(RuntimeConfig.DEFAULTS.withIoBatchWindow(Duration.ofMillis(12)));
    assertThat(parse("runtime: { io-batch-window: 0 }\n").runtime().ioBatchWindow())
        .isEqualTo(Duration.ZERO);
    assertThat(parse("runtime: { io-batch-window: 50ms }\n").runtime().ioBatchWindow())
        .isEqualTo(Duration.ofMillis(50));
    assertThat(parse("").runtime().ioBatchWindow()).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void aBadIoBatchWindowIsAnErrorAtItsLine() {
    Map<String, String> bad =
        Map.of(
            "51ms", "the I/O batch window must be 0 to 50ms, got 51ms",
            "1s", "the I/O batch window must be 0 to 50ms, got 1s",
            "-1ms", "io-batch-window: not a duration: '-1ms' (use e.g. 500ms, 5s, 2m, 1h or PT5S)",
            "soon", "io-batch-window: not a duration: 'soon' (use e.g. 500ms, 5s, 2m, 1h or PT5S)");
    assertEachIsAnErrorAtLine5("io-batch-window", bad);
  }

  @Test
  void aBadHistoryStepIsAnErrorAtItsLine() {
    for (String bad : new String[] {"7s", "1s", "10m", "soon", "0"}) {
      ConfigException e =
          catchThrowableOfType(
              ConfigException.class, () -> parse("runtime:\n  history-step: " + bad + "\n"));
      assertThat(e).as(bad).isNotNull();
      assertThat(e.line()).as(bad).hasValue(5);
      assertThat(e.key()).as(bad).hasValue("runtime.history-step");
    }
    assertThat(
            catchThrowableOfType(
                ConfigException.class, () -> parse("runtime:\n  history-step: 7s\n")))
        .hasMessage(
            "devices.yaml:5: runtime.history-step: a power history step must be whole seconds from"
                + " 5s to 5m that divide an hour (5s, 10s, 15s, 30s, 1m, 2m, 5m, ...), got 7s");
  }

  @Test
  void noSectionOrNoKeyIsTheDefault() {
    assertThat(parse("").runtime()).isEqualTo(RuntimeConfig.DEFAULTS);
    assertThat(parse("runtime: {}\n").runtime().maxOpening()).isEqualTo(256);
  }

  @Test
  void badValuesAreErrorsAtTheirLineNamingTheKey() {
    Map<String, String> bad =
        Map.of(
            "0", "max-opening must be 1..4096, got 0",
            "-3", "max-opening must be 1..4096, got -3",
            "4097", "max-opening must be 1..4096, got 4097",
            "lots", "max-opening must be a whole number 1..4096, got 'lots'",
            "1.5", "max-opening must be a whole number 1..4096, got '1.5'",
            "99999999999", "max-opening must be a whole number 1..4096, got '99999999999'",
            "[1, 2]", "expected a value, found a list");
    assertEachIsAnErrorAtLine5("max-opening", bad);
  }

  /** Each value of {@code bad} for {@code runtime.KEY} is refused at its line with its problem. */
  private static void assertEachIsAnErrorAtLine5(String key, Map<String, String> bad) {
    bad.forEach(
        (value, problem) -> {
          ConfigException e =
              catchThrowableOfType(
                  ConfigException.class, () -> parse("runtime:\n  " + key + ": " + value + "\n"));
          assertThat(e).as(value).isNotNull();
          assertThat(e.line()).as(value).hasValue(5);
          assertThat(e.key()).as(value).hasValue("runtime." + key);
          assertThat(e.getMessage())
              .as(value)
              .isEqualTo("devices.yaml:5: runtime." + key + ": " + problem);
        });
  }

  @Test
  void anUnknownKeyOrAValueInsteadOfASectionIsAnError() {
    ConfigException unknown =
        catchThrowableOfType(ConfigException.class, () -> parse("runtime:\n  max-opens: 8\n"));
    assertThat(unknown)
        .hasMessage(
            "devices.yaml:5: runtime.max-opens: unknown key; known here: history-step, io-batch-window, max-opening");
    ConfigException value =
        catchThrowableOfType(ConfigException.class, () -> parse("runtime: 8\n"));
    assertThat(value).hasMessageStartingWith("devices.yaml:4: runtime: expected a mapping");
  }

  @Test
  void theRecordRefusesOutOfBounds() {
    assertThat(
            catchThrowableOfType(
                InvalidArgumentException.class, () -> RuntimeConfig.DEFAULTS.withMaxOpening(0)))
        .hasMessage("max-opening must be 1..4096, got 0");
  }

  @Test
  void eachCopyChangesItsPartAlone() {
    Pdu4jConfig base =
        parse("shard: 1/2\nruntime: { max-opening: 5 }\nmetrics: { prometheus: { port: 9100 } }\n");
    Pdu4jConfig copy =
        base.withMqtt(Optional.empty())
            .withApi(Optional.empty())
            .withPluginsDir(Optional.of(Path.of("/p")))
            .withRuntime(base.runtime().withMaxOpening(7));
    assertThat(copy.shard()).hasValue(new Shard(1, 2));
    assertThat(copy.prometheus()).hasValue(new PrometheusConfig("127.0.0.1", 9100));
    assertThat(copy.pluginsDir()).hasValue(Path.of("/p"));
    assertThat(copy.runtime().maxOpening()).isEqualTo(7);
    assertThat(base.runtime().maxOpening()).isEqualTo(5);
    assertThat(base.withShard(Optional.empty()).shard()).isEmpty();
    assertThat(base.withRuntime(base.runtime())).isEqualTo(base);

    Pdu4jConfig bare = Pdu4jConfig.of(base.devices());
    assertThat(bare).isEqualTo(parse(""));
    assertThat(
            bare.withPrometheus(base.prometheus())
                .withShard(base.shard())
                .withRuntime(base.runtime()))
        .isEqualTo(base);
  }
}
