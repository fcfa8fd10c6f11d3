package io.pdu4j.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.StringReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code shard:} key of devices.yaml, {@code serve --shard}'s counterpart. */
class ShardConfigTest {
  private static final String DEVICES = "devices:\n  a:\n    uri: isotek:tcp://h\n";

  private static Pdu4jConfig parse(String tail) {
    return Pdu4jConfig.parse(new StringReader(DEVICES + tail), "devices.yaml", Path.of("/etc"));
  }

  @Test
  void readsTheShard() {
    assertThat(parse("shard: 1/3\n").shard()).hasValue(new Shard(1, 3));
    assertThat(parse("shard: \"2/4\"\n").shard()).hasValue(new Shard(2, 4));
  }

  @Test
  void noKeyIsNoShard() {
    assertThat(parse("").shard()).isEmpty();
  }

  @Test
  void keptByWithMqtt() {
    assertThat(parse("shard: 0/2\n").withMqtt(java.util.Optional.empty()).shard())
        .hasValue(new Shard(0, 2));
  }

  @Test
  void badValuesAreErrorsAtTheirLine() {
    for (String bad : new String[] {"3/3", "1/0", "x/2", "1", "-1/2", "[1, 2]"}) {
      ConfigException e =
          catchThrowableOfType(ConfigException.class, () -> parse("\nshard: " + bad + "\n"));
      assertThat(e).as(bad).isNotNull();
      assertThat(e.line()).as(bad).hasValue(5);
      assertThat(e.getMessage()).as(bad).contains("devices.yaml:5").contains("shard");
    }
  }
}
