package io.pdu4j.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.StringReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MqttConfigTest {
  private static final Path BASE = Path.of("/etc/pdu4j");
  private static final String DEVICES = "devices:\n  a:\n    uri: isotek:tcp://h\n";

  private static Pdu4jConfig parse(String mqtt) {
    return Pdu4jConfig.parse(new StringReader(DEVICES + mqtt), "devices.yaml", BASE);
  }

  private static ConfigException error(String mqtt) {
    return catchThrowableOfType(ConfigException.class, () -> parse(mqtt));
  }

  @Test
  void readsTheWholeSection() {
    MqttConfig m =
        parse(
                """
                mqtt:
                  url: ssl://broker.lan
                  username: pdu4j
                  password: "env:MQTT_PASSWORD"
                  prefix: site/pdu4j
                  node: node-a
                  homeassistant: false
                  truststore: ca.p12
                  truststore-password: "file:/run/secrets/trust"
                """)
            .mqtt()
            .orElseThrow();
    assertThat(m.tls()).isTrue();
    assertThat(m.host()).isEqualTo("broker.lan");
    assertThat(m.port()).isEqualTo(8883);
    assertThat(m.username()).hasValue("pdu4j");
    assertThat(m.password()).hasValue("env:MQTT_PASSWORD");
    assertThat(m.prefix()).isEqualTo("site/pdu4j");
    assertThat(m.node()).isEqualTo("node-a");
    assertThat(m.homeAssistant()).isFalse();
    assertThat(m.trustStore()).hasValue(Path.of("/etc/pdu4j/ca.p12"));
    assertThat(m.trustStorePassword()).hasValue("file:/run/secrets/trust");
    assertThat(m.toString()).doesNotContain("MQTT_PASSWORD").doesNotContain("trust\"");
  }

  @Test
  void defaultsAreTheIssuesOnes() {
    MqttConfig m = parse("mqtt:\n  url: tcp://127.0.0.1\n").mqtt().orElseThrow();
    assertThat(m.port()).isEqualTo(1883);
    assertThat(m.tls()).isFalse();
    assertThat(m.prefix()).isEqualTo("pdu4j");
    assertThat(m.node()).isEqualTo(MqttConfig.defaultNode()).matches("[A-Za-z0-9][A-Za-z0-9._-]*");
    assertThat(m.homeAssistant()).isTrue();
    assertThat(m.username()).isEmpty();
    assertThat(parse("").mqtt()).isEmpty();
  }

  @Test
  void everyBadValueIsNamedAtItsLine() {
    assertThat(error("mqtt:\n  prefix: x\n"))
        .hasMessageStartingWith("devices.yaml:4: mqtt.url: missing");
    assertThat(error("mqtt:\n  url: http://h:1883\n"))
        .hasMessageStartingWith("devices.yaml:5: mqtt.url: ")
        .hasMessageContaining("tcp:// or ssl://");
    assertThat(error("mqtt:\n  url: tcp://h:70000\n")).hasMessageContaining("mqtt.url");
    assertThat(error("mqtt:\n  url: tcp://h:1883/x\n")).hasMessageContaining("no path");
    assertThat(error("mqtt:\n  url: tcp://\n")).hasMessageContaining("mqtt.url");
    assertThat(error("mqtt:\n  url: tcp://h\n  port: 3\n"))
        .hasMessageStartingWith("devices.yaml:6: mqtt.port: unknown key");
    assertThat(error("mqtt:\n  url: tcp://h\n  prefix: a/#\n"))
        .hasMessageStartingWith("devices.yaml:6: mqtt.prefix: bad prefix");
    assertThat(error("mqtt:\n  url: tcp://h\n  prefix: /a\n")).hasMessageContaining("mqtt.prefix");
    assertThat(error("mqtt:\n  url: tcp://h\n  node: a/b\n"))
        .hasMessageStartingWith("devices.yaml:6: mqtt.node: bad node name");
    assertThat(error("mqtt:\n  url: tcp://h\n  homeassistant: maybe\n"))
        .hasMessageContaining("mqtt.homeassistant: expected true or false");
    assertThat(error("mqtt:\n  url: tcp://h\n  truststore: ca.p12\n"))
        .hasMessageContaining("mqtt.truststore: a trust store needs an ssl:// url");
    assertThat(error("mqtt:\n  url: tcp://h\n  password: env:X\n"))
        .hasMessageContaining("mqtt.password: a password needs a username");
    assertThat(error("mqtt:\n  url: tcp://h\n  username: 'a b'\n"))
        .hasMessageContaining("mqtt.username:");
    assertThat(error("mqtt: tcp://h\n")).hasMessageContaining("mqtt: expected a mapping");
  }

  @Test
  void aLiteralPasswordIsRefusedWithoutEchoingIt() {
    ConfigException e = error("mqtt:\n  url: tcp://h\n  username: u\n  password: hunter2\n");
    assertThat(e).hasMessageStartingWith("devices.yaml:7: mqtt.password: password must be a");
    assertThat(e.getMessage()).doesNotContain("hunter2");

    ConfigException inUrl = error("mqtt:\n  url: tcp://u:hunter2@h:1883\n");
    assertThat(inUrl).hasMessageContaining("must not hold a user or password");
    assertThat(inUrl.getMessage()).doesNotContain("hunter2");

    ConfigException badScheme = error("mqtt:\n  url: mqtt://u:hunter2@h:1883\n");
    assertThat(badScheme.getMessage()).doesNotContain("hunter2");

    ConfigException trust =
        error("mqtt:\n  url: ssl://h\n  truststore: ca.p12\n  truststore-password: hunter2\n");
    assertThat(trust).hasMessageContaining("mqtt.truststore-password:");
    assertThat(trust.getMessage()).doesNotContain("hunter2");
  }
}
