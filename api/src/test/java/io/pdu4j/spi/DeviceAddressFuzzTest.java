package io.pdu4j.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.support.Outcome;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes {@link DeviceAddress#parse}: only its documented {@link InvalidArgumentException}, secret
 * option values never shown by {@code toString()} or an error message, and a parsed address without
 * literal secrets reads back the same from its {@code toString()}.
 *
 * <p>Secrets are checked by changing them: the letters and digits of every literal secret value are
 * swapped for others of the same kind; the outcome (the error message, or the text of the address)
 * must not change, since it must not show them.
 */
class DeviceAddressFuzzTest {
  private static final List<String> CODES =
      List.of("isotek", "enistic", "extron", "tcp", "udp", "serial", "extron+http", "Tcp", "1x");
  private static final List<String> HOSTS =
      List.of("10.0.0.5", "[::1]", "[fe80::1%eth0]", "ipcp", "", "[", "a b", "h@x", "ipcp:23");
  private static final List<String> NAMES =
      List.of("password", "token", "apiSecret", "Passwd", "baud", "send", "x", "=", "", "p w");
  private static final int MAX_INPUT = 2200;

  @FuzzTest
  void parse(FuzzedDataProvider data) {
    String uri = data.consumeBoolean() ? structured(data) : data.consumeRemainingAsString();
    uri = uri.trim();
    String swapped = swapSecretValues(uri);

    Outcome original = outcome(uri);
    Outcome other = outcome(swapped);
    assertThat(other)
        .as("changing the secret values of %s must not change what parsing shows", uri)
        .isEqualTo(original);

    if (original.address != null) {
      DeviceAddress a = original.address;
      boolean literalSecret =
          a.options().entrySet().stream()
              .anyMatch(e -> DeviceAddress.isSecretOption(e.getKey()) && !isReference(e));
      if (!literalSecret) {
        assertThat(DeviceAddress.parse(a.toString()))
            .as("%s read back from its text %s", uri, a)
            .isEqualTo(a);
      }
    }
  }

  /** What parsing shows: the address text, or the error message. */
  private record Outcome(String shown, DeviceAddress address) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Outcome other && shown.equals(other.shown);
    }

    @Override
    public int hashCode() {
      return shown.hashCode();
    }

    @Override
    public String toString() {
      return shown;
    }
  }

  private static Outcome outcome(String uri) {
    try {
      DeviceAddress a = DeviceAddress.parse(uri);
      return new Outcome("ok: " + a, a);
    } catch (InvalidArgumentException e) {
      assertThat(e.getMessage()).startsWith("invalid device address ");
      return new Outcome("error: " + e.getMessage(), null);
    }
  }

  private static boolean isReference(Map.Entry<String, String> option) {
    return option.getValue().startsWith("env:") || option.getValue().startsWith("file:");
  }

  /**
   * The same text with the letters and digits of every literal secret option value swapped for
   * others of the same kind (hex digit for hex digit, so %-escapes stay valid or invalid alike).
   * Values that are references or hold a % escape are left alone: changing them could change
   * whether they are a reference.
   */
  static String swapSecretValues(String uri) {
    // the query as the parser finds it: the first '?' after the first "://" after the driver
    int colon = uri.indexOf(':');
    int slashes = colon < 0 ? -1 : uri.indexOf("://", colon + 1);
    int q = slashes < 0 ? -1 : uri.indexOf('?', slashes + 3);
    if (q < 0) {
      return uri;
    }
    StringBuilder b = new StringBuilder(uri.substring(0, q + 1));
    String[] pairs = uri.substring(q + 1).split("&", -1);
    for (int i = 0; i < pairs.length; i++) {
      if (i > 0) {
        b.append('&');
      }
      String pair = pairs[i];
      int eq = pair.indexOf('=');
      if (eq < 0) {
        b.append(pair);
        continue;
      }
      String name = pair.substring(0, eq);
      String value = pair.substring(eq + 1);
      boolean literal =
          DeviceAddress.isSecretOption(name)
              && value.indexOf('%') < 0
              && !value.startsWith("env:")
              && !value.startsWith("file:");
      b.append(name).append('=').append(literal ? swap(value) : value);
    }
    return b.toString();
  }

  private static String swap(String value) {
    StringBuilder b = new StringBuilder(value.length());
    for (char c : value.toCharArray()) {
      b.append(swap(c));
    }
    return b.toString();
  }

  private static char swap(char c) {
    if (c >= '0' && c <= '9') {
      return (char) ('0' + (c - '0' + 1) % 10);
    }
    if (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
      char base = c <= 'F' ? 'A' : 'a';
      return (char) (base + (c - base + 1) % 6);
    }
    if (c >= 'g' && c <= 'z' || c >= 'G' && c <= 'Z') {
      char base = c <= 'Z' ? 'G' : 'g';
      return (char) (base + (c - base + 1) % 20);
    }
    return c;
  }

  /** An address built from likely and unlikely parts, so most inputs get past the first checks. */
  private static String structured(FuzzedDataProvider data) {
    StringBuilder b = new StringBuilder();
    b.append(data.consumeBoolean() ? data.pickValue(CODES) : data.consumeString(12));
    b.append(':');
    b.append(data.consumeBoolean() ? data.pickValue(CODES) : data.consumeString(12));
    b.append("://");
    b.append(data.consumeBoolean() ? data.pickValue(HOSTS) : data.consumeString(40));
    if (data.consumeBoolean()) {
      b.append(':')
          .append(data.consumeBoolean() ? data.consumeInt(0, 70000) : data.consumeString(6));
    }
    if (data.consumeBoolean()) {
      b.append('/').append(data.consumeString(30));
    }
    int options = data.consumeInt(0, 5);
    for (int i = 0; i < options; i++) {
      b.append(i == 0 ? '?' : '&');
      b.append(data.consumeBoolean() ? data.pickValue(NAMES) : data.consumeString(12));
      if (data.consumeBoolean()) {
        b.append('=').append(data.consumeString(data.consumeInt(0, 80)));
      }
    }
    if (data.consumeBoolean()) {
      b.append(data.consumeString(MAX_INPUT));
    }
    return b.toString();
  }
}
