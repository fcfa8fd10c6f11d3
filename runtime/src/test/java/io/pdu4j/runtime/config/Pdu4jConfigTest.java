package io.pdu4j.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Pdu4jConfigTest {
  private static final Path BASE = Path.of("/etc/pdu4j");

  private static Pdu4jConfig parse(String yaml) {
    return Pdu4jConfig.parse(new StringReader(yaml), "devices.yaml", BASE);
  }

  private static ConfigException error(String yaml) {
    return catchThrowableOfType(ConfigException.class, () -> parse(yaml));
  }

  @Test
  void readsTheWholeShape(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("devices.yaml");
    Files.writeString(
        file,
        """
        devices:
          rack-a:
            uri: "isotek:tcp://10.0.0.5:501"
            timeout: 5s            # per command
            poll: 10s
          av-rack:
            uri: "isotek:extron://10.0.0.9:23/3?password=env:IPCP_PASSWORD"
        metrics:
          prometheus:
            port: 9100
        plugins:
          dir: ./plugins
        """);
    Pdu4jConfig config = Pdu4jConfig.load(file);

    assertThat(config.devices()).containsOnlyKeys("rack-a", "av-rack");
    assertThat(config.devices().keySet()).containsExactly("rack-a", "av-rack");
    DeviceConfig a = config.devices().get("rack-a");
    assertThat(a.name()).isEqualTo("rack-a");
    assertThat(a.timeout()).hasValue(Duration.ofSeconds(5));
    assertThat(a.poll()).hasValue(Duration.ofSeconds(10));
    assertThat(a.address()).isEqualTo("isotek:tcp://10.0.0.5:501?timeout=5s&poll=10s");
    DeviceConfig av = config.devices().get("av-rack");
    assertThat(av.timeout()).isEmpty();
    assertThat(av.address()).isEqualTo("isotek:extron://10.0.0.9:23/3?password=env:IPCP_PASSWORD");
    assertThat(config.prometheus()).hasValue(new PrometheusConfig("127.0.0.1", 9100));
    assertThat(config.pluginsDir()).hasValue(dir.toAbsolutePath().resolve("plugins"));
  }

  @Test
  void metricsAndPluginsAreOptionalAndPrometheusHasDefaults() {
    Pdu4jConfig bare = parse("devices:\n  a:\n    uri: isotek:tcp://h\n");
    assertThat(bare.prometheus()).isEmpty();
    assertThat(bare.pluginsDir()).isEmpty();
    Pdu4jConfig defaults =
        parse("devices:\n  a:\n    uri: isotek:tcp://h\nmetrics:\n  prometheus: {}\n");
    assertThat(defaults.prometheus()).hasValue(PrometheusConfig.defaults());
  }

  @Test
  void anUnknownKeyIsAnErrorAtItsLine() {
    ConfigException top = error("devices:\n  a:\n    uri: isotek:tcp://h\nmetric:\n  x: 1\n");
    assertThat(top).hasMessageStartingWith("devices.yaml:4: metric: unknown key");
    assertThat(top.line()).hasValue(4);
    assertThat(top.key()).hasValue("metric");
    assertThat(top).hasMessageContaining("devices, metrics, plugins");

    ConfigException device = error("devices:\n  a:\n    uri: isotek:tcp://h\n    timout: 5s\n");
    assertThat(device).hasMessageStartingWith("devices.yaml:4: devices.a.timout: unknown key");
    assertThat(device).hasMessageContaining("poll, timeout, uri");

    ConfigException prom =
        error("devices:\n  a:\n    uri: isotek:tcp://h\nmetrics:\n  prometheus:\n    bind: x\n");
    assertThat(prom).hasMessageStartingWith("devices.yaml:6: metrics.prometheus.bind: unknown key");

    ConfigException plugins =
        error("devices:\n  a:\n    uri: isotek:tcp://h\nplugins:\n  path: x\n");
    assertThat(plugins).hasMessageStartingWith("devices.yaml:5: plugins.path: unknown key");
  }

  @Test
  void aMissingUriNamesTheDevice() {
    assertThat(error("devices:\n  a:\n    timeout: 5s\n"))
        .hasMessageStartingWith("devices.yaml:2: devices.a.uri: missing");
  }

  @Test
  void badDurationsNameTheKey() {
    assertThat(error("devices:\n  a:\n    uri: isotek:tcp://h\n    timeout: soon\n"))
        .hasMessageStartingWith("devices.yaml:4: devices.a.timeout: timeout: not a duration");
    assertThat(error("devices:\n  a:\n    uri: isotek:tcp://h\n    poll: 0s\n"))
        .hasMessageStartingWith("devices.yaml:4: devices.a.poll: poll must be more than 0");
  }

  @Test
  void badDeviceNamesAreRefused() {
    assertThat(error("devices:\n  \"rack a\":\n    uri: isotek:tcp://h\n"))
        .hasMessageStartingWith("devices.yaml:2: devices.rack a: bad device name 'rack a'");
  }

  @Test
  void aKeyGivenTwiceIsAnError() {
    ConfigException e =
        error("devices:\n  a:\n    uri: isotek:tcp://h\n  a:\n    uri: isotek:tcp://g\n");
    assertThat(e).hasMessage("devices.yaml:4: devices.a: given twice (first on line 2)");
  }

  @Test
  void aLiteralSecretIsRefusedWithoutEchoingIt() {
    ConfigException e =
        error("devices:\n  av:\n    uri: \"isotek:extron://10.0.0.9:23/3?password=hunter2\"\n");
    assertThat(e).hasMessageStartingWith("devices.yaml:3: devices.av.uri: option 'password'");
    assertThat(e).hasMessageContaining("password=env:VARIABLE");
    assertThat(e.getMessage()).doesNotContain("hunter2");

    // even when the address is broken in other ways too
    ConfigException broken =
        error("devices:\n  av:\n    uri: \"isotek:extron://h:99999/3?secret=hunter2&x\"\n");
    assertThat(broken.getMessage()).doesNotContain("hunter2").contains("'secret'");

    // and when the YAML around it is broken
    ConfigException syntax = error("devices:\n  av:\n    uri: a?password=hunter2: b: c\n");
    assertThat(syntax.getMessage()).doesNotContain("hunter2");
    assertThat(syntax.line()).hasValue(3);
  }

  @Test
  void badAddressesAndAddressOptionsAreReported() {
    assertThat(error("devices:\n  a:\n    uri: not-an-address\n"))
        .hasMessageStartingWith("devices.yaml:3: devices.a.uri: invalid device address");
    assertThat(error("devices:\n  a:\n    uri: isotek:tcp://h?timeout=soon\n"))
        .hasMessageStartingWith("devices.yaml:3: devices.a.uri:")
        .hasMessageContaining("not a duration");
    assertThat(error("devices:\n  a:\n    uri: isotek:tcp://h?timeout=2s\n    timeout: 5s\n"))
        .hasMessageContaining("devices.a.uri: timeout is set both here and in the uri");
  }

  @Test
  void badPortsAreRefused() {
    String head = "devices:\n  a:\n    uri: isotek:tcp://h\nmetrics:\n  prometheus:\n";
    assertThat(error(head + "    port: 70000\n"))
        .hasMessage("devices.yaml:6: metrics.prometheus.port: port must be 0..65535, got 70000");
    assertThat(error(head + "    port: http\n"))
        .hasMessageStartingWith("devices.yaml:6: metrics.prometheus.port: not a port number");
    assertThat(error(head + "    host: \"\"\n"))
        .hasMessageStartingWith("devices.yaml:6: metrics.prometheus.host: must not be empty");
  }

  @Test
  void valuesOfTheWrongKindAreNamed() {
    assertThat(error("devices: rack-a\n"))
        .hasMessageStartingWith("devices.yaml:1: devices: expected a mapping")
        .hasMessageContaining("found a value");
    assertThat(error("devices:\n  a:\n    - uri\n"))
        .hasMessageStartingWith("devices.yaml:3: devices.a: expected a mapping")
        .hasMessageContaining("found a list");
    assertThat(error("devices:\n  a:\n    uri:\n      x: 1\n"))
        .hasMessageStartingWith("devices.yaml:4: devices.a.uri: expected a value, found a mapping");
    assertThat(error("devices:\n  a:\n    uri:\n"))
        .hasMessageStartingWith("devices.yaml:3: devices.a.uri: expected a value, found nothing");
    assertThat(error("- a\n- b\n")).hasMessageStartingWith("devices.yaml:1: expected a mapping");
  }

  @Test
  void emptyFilesAndMissingDevicesAreErrors() {
    assertThat(error("")).hasMessageStartingWith("devices.yaml: the file is empty");
    assertThat(error("# nothing\n")).hasMessageStartingWith("devices.yaml: the file is empty");
    assertThat(error("metrics:\n  prometheus: {}\n"))
        .hasMessageStartingWith("devices.yaml:1: devices: missing");
    assertThat(error("devices: {}\n"))
        .hasMessageStartingWith("devices.yaml:1: devices: no devices");
  }

  @Test
  void yamlSyntaxErrorsGiveTheLine() {
    ConfigException e = error("devices:\n  a:\n    uri: \"unclosed\n");
    assertThat(e).hasMessageContaining("not valid YAML");
    assertThat(e.line()).isPresent();
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    assertThat(catchThrowableOfType(ConfigException.class, () -> Pdu4jConfig.load(missing)))
        .hasMessage(missing + ": no such file");
  }

  @Test
  void deviceConfigsValidateOnTheirOwnToo() {
    assertThat(DeviceConfig.of("pdu-1", "isotek:tcp://h").address()).isEqualTo("isotek:tcp://h");
    assertThat(
            catchThrowableOfType(
                io.pdu4j.api.InvalidArgumentException.class,
                () -> DeviceConfig.of("x", "isotek:tcp://h?token=abc")))
        .hasMessageNotContaining("abc");
  }
}
