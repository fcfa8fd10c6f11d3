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
  void prometheusOutletsChooseThePerOutletSeries() {
    String head = "devices:\n  a:\n    uri: isotek:tcp://h\nmetrics:\n  prometheus:\n";
    assertThat(parse(head + "    port: 9100\n").prometheus().orElseThrow().outlets())
        .containsExactlyInAnyOrder("power", "voltage", "state", "energy");
    assertThat(parse(head + "    outlets: [power, energy]\n").prometheus().orElseThrow().outlets())
        .containsExactlyInAnyOrder("power", "energy");
    assertThat(parse(head + "    outlets: []\n").prometheus().orElseThrow().outlets()).isEmpty();
    assertThat(error(head + "    outlets: [power, volts]\n"))
        .hasMessageStartingWith(
            "devices.yaml:6: metrics.prometheus.outlets: no outlet series 'volts': power, voltage,"
                + " state, energy");
    assertThat(error(head + "    outlets: [state, state]\n"))
        .hasMessageContaining("metrics.prometheus.outlets: 'state' is named twice");
    assertThat(error(head + "    outlets: power\n"))
        .hasMessageContaining("metrics.prometheus.outlets");
  }

  @Test
  void anUnknownKeyIsAnErrorAtItsLine() {
    ConfigException top = error("devices:\n  a:\n    uri: isotek:tcp://h\nmetric:\n  x: 1\n");
    assertThat(top).hasMessageStartingWith("devices.yaml:4: metric: unknown key");
    assertThat(top.line()).hasValue(4);
    assertThat(top.key()).hasValue("metric");
    assertThat(top)
        .hasMessageContaining(
            "api, devices, groups, metrics, mqtt, pdudaemon, plugins, runtime, schedules, shard");

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

  private static final String ONE_DEVICE = "devices:\n  a:\n    uri: isotek:tcp://h\n";

  @Test
  void aFleetOfTenThousandDevicesFitsInOneFile(@TempDir Path dir) throws Exception {
    StringBuilder yaml = new StringBuilder("devices:\n");
    for (int i = 0; i < 10_000; i++) {
      yaml.append(String.format(java.util.Locale.ROOT, "  rack-%05d:%n", i))
          .append(
              String.format(
                  java.util.Locale.ROOT,
                  "    uri: \"isotek:tcp://10.%d.%d.%d:501\"%n    timeout: 5s%n",
                  i / 62500,
                  i / 250 % 250,
                  1 + i % 250));
    }
    Path file = Files.writeString(dir.resolve("devices.yaml"), yaml);

    Pdu4jConfig c = Pdu4jConfig.load(file);

    assertThat(c.devices()).hasSize(10_000).containsKeys("rack-00000", "rack-09999");
  }

  @Test
  void aFileOverTheSizeLimitIsRefusedBeforeItIsParsed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("devices.yaml");
    // one comment line, no line end: a parser reading lines would take it all in
    byte[] comment = new byte[Pdu4jConfig.MAX_FILE_BYTES + 1];
    java.util.Arrays.fill(comment, (byte) 'x');
    comment[0] = '#';
    try (java.io.OutputStream out = Files.newOutputStream(file)) {
      out.write(ONE_DEVICE.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(comment);
    }
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> Pdu4jConfig.load(file));
    assertThat(e)
        .hasMessage(
            file
                + ": the file is larger than the limit of "
                + Pdu4jConfig.MAX_FILE_BYTES
                + " bytes (4 MiB); a configuration of ten thousand devices takes about 1 MiB");

    // exactly at the limit is fine
    Files.write(
        file,
        java.util.Arrays.copyOf(
            (ONE_DEVICE + "#").getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            Pdu4jConfig.MAX_FILE_BYTES),
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
    byte[] text = Files.readAllBytes(file);
    java.util.Arrays.fill(text, ONE_DEVICE.length() + 1, text.length, (byte) 'x');
    Files.write(file, text);
    assertThat(Pdu4jConfig.load(file).devices()).containsOnlyKeys("a");
  }

  @Test
  void anEndlessFileIsReadOnlyUpToTheLimit() {
    Path zero = Path.of("/dev/zero");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(zero));
    assertThat(catchThrowableOfType(ConfigException.class, () -> Pdu4jConfig.load(zero)))
        .hasMessageStartingWith("/dev/zero: the file is larger than the limit of");
  }

  @Test
  void anchorsAndAliasesAreRefusedSoNoAliasBombCanExpand() {
    StringBuilder laughs = new StringBuilder("a0: &a0 [\"lol\", \"lol\"]\n");
    for (int i = 1; i < 30; i++) {
      laughs.append("a").append(i).append(": &a").append(i).append(" [");
      laughs.append("*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
    }
    assertThat(error(laughs + ONE_DEVICE))
        .hasMessage(
            "devices.yaml:1: a0: anchors and aliases (&name, *name) are not supported;"
                + " write each value out");
    assertThat(error("x: &u \"isotek:tcp://h\"\ndevices:\n  a:\n    uri: *u\n"))
        .hasMessageStartingWith("devices.yaml:4: devices.a.uri: anchors and aliases");
    assertThat(error("devices:\n  a:\n    uri: *u\n"))
        .hasMessageStartingWith("devices.yaml:3: devices.a.uri: anchors and aliases");
  }

  @Test
  void deepNestingIsRefusedAtALowDepth() {
    String deep = "x: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n";
    assertThat(error(ONE_DEVICE + deep))
        .hasMessageStartingWith("devices.yaml:4: ")
        .hasMessageContaining("nested deeper than " + Pdu4jConfig.MAX_DEPTH);
    String flowMaps = "x: " + "{a: ".repeat(50) + "1" + "}".repeat(50) + "\n";
    assertThat(error(ONE_DEVICE + flowMaps)).hasMessageContaining("nested deeper than");
    StringBuilder block = new StringBuilder(ONE_DEVICE + "x:\n");
    for (int i = 1; i <= 40; i++) {
      block.append("  ".repeat(i)).append("k").append(i).append(":\n");
    }
    assertThat(error(block.toString())).hasMessageContaining("nested deeper than");
  }

  @Test
  void hugeKeysAndValuesAreRefusedWithoutBeingQuoted() {
    String key = "k".repeat(20_000);
    // SnakeYAML itself limits a simple key to 1024 characters
    assertThat(error(ONE_DEVICE + key + ": 1\n").getMessage())
        .hasSizeLessThan(300)
        .contains("not valid YAML: while scanning a simple key")
        .doesNotContain("kkk");
    // an explicit key has no such limit; ours applies
    assertThat(error(ONE_DEVICE + "? " + key + "\n: 1\n").getMessage())
        .hasSizeLessThan(300)
        .contains("a key longer than 16384 characters (20000)");
    String value = "v".repeat(20_000);
    ConfigException v = error("devices:\n  a:\n    uri: \"" + value + "\"\n");
    assertThat(v.getMessage())
        .hasSizeLessThan(300)
        .startsWith("devices.yaml:3: devices.a.uri: a value longer than 16384 characters");
  }
}
