package io.pdu4j.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pdu4j.api.Durations;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the {@code devices.yaml} loader ({@link Pdu4jConfig#parse}) with small inputs: raw text,
 * and YAML built from likely keys and values.
 *
 * <p>Properties: only {@link ConfigException}, naming the source; an error never shows a literal
 * secret written in a uri; a loaded configuration written back (as JSON, which is YAML) loads to
 * the same configuration.
 */
class Pdu4jConfigFuzzTest {
  private static final Path BASE = Path.of("/etc/pdu4j");
  private static final List<String> KEYS =
      List.of(
          "devices",
          "metrics",
          "plugins",
          "prometheus",
          "uri",
          "timeout",
          "poll",
          "host",
          "port",
          "dir",
          "rack-a",
          "x");
  private static final List<String> URIS =
      List.of(
          "isotek:tcp://10.0.0.5:501",
          "isotek:extron://10.0.0.9:23/3?password=env:IPCP_PASSWORD",
          "enistic:udp://0.0.0.0:53005/004A3BB5B04?send=10.0.0.7:53004",
          "isotek:serial:///dev/ttyUSB0?baud=115200&timeout=2s",
          "extron:tcp://ipcp:23?password=file:/run/pw");
  private static final List<String> VALUES =
      List.of(
          "5s",
          "500ms",
          "0s",
          "PT5S",
          "1.5s",
          "9464",
          "127.0.0.1",
          "./plugins",
          "~",
          "[]",
          "{}",
          "&a x",
          "*a",
          "!!binary AAAA",
          "|\n  x",
          "'",
          "\"",
          "? x",
          "- y");

  @FuzzTest
  void load(FuzzedDataProvider data) {
    String secret = "Zq" + data.consumeInt(100_000, 999_999);
    boolean[] placed = {false};
    String yaml =
        data.consumeBoolean() ? structured(data, secret, placed) : data.consumeRemainingAsString();

    Pdu4jConfig config;
    try {
      config = Pdu4jConfig.parse(new StringReader(yaml), "devices.yaml", BASE);
    } catch (ConfigException e) {
      assertThat(e.getMessage()).startsWith("devices.yaml");
      assertThat(e.source()).isEqualTo("devices.yaml");
      // the one place the secret was written is a secret option of a uri
      if (placed[0] && yaml.indexOf(secret) == yaml.lastIndexOf(secret)) {
        assertThat(e.getMessage()).doesNotContain(secret);
      }
      return;
    }
    assertThat(config.devices()).isNotEmpty();
    String written = write(config);
    assertThat(Pdu4jConfig.parse(new StringReader(written), "devices.yaml", BASE))
        .as("%s written back as %s", yaml, written)
        .isEqualTo(config);
  }

  /** The configuration as JSON, which every YAML parser reads. */
  private static String write(Pdu4jConfig config) {
    StringBuilder b = new StringBuilder("{\"devices\": {");
    String sep = "";
    for (Map.Entry<String, DeviceConfig> e : config.devices().entrySet()) {
      DeviceConfig d = e.getValue();
      b.append(sep).append(quote(e.getKey())).append(": {\"uri\": ").append(quote(d.uri()));
      d.timeout().ifPresent(t -> b.append(", \"timeout\": ").append(quote(duration(t))));
      d.poll().ifPresent(p -> b.append(", \"poll\": ").append(quote(duration(p))));
      b.append('}');
      sep = ", ";
    }
    b.append('}');
    config
        .prometheus()
        .ifPresent(
            p ->
                b.append(", \"metrics\": {\"prometheus\": {\"host\": ")
                    .append(quote(p.host()))
                    .append(", \"port\": ")
                    .append(p.port())
                    .append("}}"));
    config
        .pluginsDir()
        .ifPresent(
            d -> b.append(", \"plugins\": {\"dir\": ").append(quote(d.toString())).append('}'));
    b.append(", \"runtime\": {\"max-opening\": ").append(config.runtime().maxOpening()).append('}');
    return b.append('}').toString();
  }

  private static String duration(Duration d) {
    String text = Durations.format(d);
    return Durations.parse(text, "t").equals(d) ? text : d.toString();
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** YAML from likely keys, values and indentation, with a literal secret in some uris. */
  private static String structured(FuzzedDataProvider data, String secret, boolean[] placed) {
    StringBuilder b = new StringBuilder();
    int lines = data.consumeInt(1, 30);
    for (int i = 0; i < lines && b.length() < 3000; i++) {
      b.append(" ".repeat(2 * data.consumeInt(0, 3)));
      b.append(data.consumeBoolean() ? data.pickValue(KEYS) : data.consumeString(10));
      b.append(':');
      switch (data.consumeInt(0, 3)) {
        case 0 -> {}
        case 1 -> b.append(' ').append(data.pickValue(VALUES));
        case 2 -> {
          String uri = data.pickValue(URIS);
          if (data.consumeBoolean()) {
            uri +=
                (uri.contains("?") ? "&" : "?")
                    + data.pickValue(List.of("password", "token", "apiSecret"))
                    + "="
                    + secret;
          }
          b.append(data.consumeBoolean() ? " " + uri : " \"" + uri + "\"");
        }
        default -> b.append(' ').append(data.consumeString(30));
      }
      b.append('\n');
    }
    return b.toString();
  }
}
