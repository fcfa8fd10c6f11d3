package io.pdu4j.spi;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.InvalidArgumentException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A device address: {@code driver:transport://host:port/path?name=value&...}.
 *
 * <p>Examples: {@code isotek:tcp://10.0.0.5:501}, {@code isotek:serial:///dev/ttyUSB0?baud=115200},
 * {@code isotek:extron://10.0.0.9:23/3?password=env:IPCP_PASSWORD}. The driver and transport codes
 * are lower-case letters, digits, {@code +}, {@code -} and {@code .}, starting with a letter; an
 * IPv6 host goes in brackets. Option values are %-decoded. Parsing never touches the network.
 *
 * <p>{@link #toString()} is safe to log: the values of options that hold secrets ({@link
 * #isSecretOption}) are shown as {@code ****} unless they are references ({@code env:NAME}, {@code
 * file:PATH}), which name where the secret lives without revealing it.
 *
 * <p>An address is a {@link DeviceOptions.Source}: {@code
 * DeviceOptions.defaults().withOverrides(address)} reads the options every device has ({@link
 * DeviceOptions#NAMES}) from its query.
 */
public final class DeviceAddress implements DeviceOptions.Source {
  private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9+.-]{0,31}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._~%-]{1,253}");
  private static final Pattern OPTION_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");
  private static final int MAX_LENGTH = 2048;
  private static final Set<String> SECRET_WORDS = Set.of("password", "secret", "token", "passwd");

  private final String driver;
  private final String transport;
  private final String host;
  private final int port;
  private final String path;
  private final Map<String, String> options;

  private DeviceAddress(
      String driver,
      String transport,
      String host,
      int port,
      String path,
      Map<String, String> options) {
    // a handful of codes among all the devices of a fleet: one string each, not one a device
    this.driver = driver.intern();
    this.transport = transport.intern();
    this.host = host;
    this.port = port;
    this.path = path;
    this.options = Collections.unmodifiableMap(options);
  }

  /**
   * Parses an address.
   *
   * @throws InvalidArgumentException naming what is wrong and showing the expected shape
   */
  public static DeviceAddress parse(String uri) {
    if (uri == null || uri.isBlank()) {
      throw invalid("(empty)", "an address is required");
    }
    String text = uri.trim();
    if (text.length() > MAX_LENGTH) {
      throw invalid(text.substring(0, 40) + "...", "longer than " + MAX_LENGTH + " characters");
    }
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw invalid(text, "missing the driver (the part before the first ':')");
    }
    if (text.startsWith("://", colon)) {
      throw invalid(text, "needs both a driver and a transport before '://'");
    }
    String driver = text.substring(0, colon).toLowerCase(Locale.ROOT);
    if (!CODE.matcher(driver).matches()) {
      throw invalid(text, "bad driver code '" + text.substring(0, colon) + "'");
    }
    String rest = text.substring(colon + 1);
    int slashes = rest.indexOf("://");
    if (slashes <= 0) {
      throw invalid(text, "missing the transport and '://' after the driver");
    }
    String transport = rest.substring(0, slashes).toLowerCase(Locale.ROOT);
    if (!CODE.matcher(transport).matches()) {
      throw invalid(text, "bad transport code '" + rest.substring(0, slashes) + "'");
    }
    rest = rest.substring(slashes + 3);
    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    if (rest.indexOf('#') >= 0) {
      throw invalid(text, "a fragment ('#') is not allowed");
    }
    int slash = rest.indexOf('/');
    String authority = slash >= 0 ? rest.substring(0, slash) : rest;
    String path = slash >= 0 ? rest.substring(slash) : "";
    if (path.equals("/")) {
      path = "";
    }
    if (path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      throw invalid(text, "blanks and control characters are not allowed in the path");
    }
    if (authority.indexOf('@') >= 0) {
      throw invalid(
          redactAuthority(redactSecretOptions(text)),
          "user information ('user:password@') is not allowed; use ?password=env:NAME");
    }
    String host = null;
    int port = -1;
    if (!authority.isEmpty()) {
      String portText = null;
      if (authority.startsWith("[")) {
        int close = authority.indexOf(']');
        if (close < 0) {
          throw invalid(text, "unclosed '[' in IPv6 host");
        }
        host = authority.substring(1, close);
        String after = authority.substring(close + 1);
        if (!after.isEmpty()) {
          if (!after.startsWith(":")) {
            throw invalid(text, "unexpected text after IPv6 host: " + after);
          }
          portText = after.substring(1);
        }
        if (!host.matches("[0-9A-Fa-f:.%a-zA-Z]+")) {
          throw invalid(text, "bad IPv6 host '" + host + "'");
        }
      } else {
        int c = authority.lastIndexOf(':');
        if (c >= 0) {
          host = authority.substring(0, c);
          portText = authority.substring(c + 1);
        } else {
          host = authority;
        }
        if (host.isEmpty()) {
          throw invalid(text, "missing host before ':" + portText + "'");
        }
        if (!HOST.matcher(host).matches()) {
          throw invalid(text, "bad host '" + host + "'");
        }
      }
      if (portText != null) {
        port = parsePort(text, portText);
      }
    }
    Map<String, String> options = new LinkedHashMap<>();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&", -1)) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = eq >= 0 ? pair.substring(0, eq) : pair;
        String value = eq >= 0 ? decode(text, pair.substring(eq + 1)) : "";
        if (!OPTION_NAME.matcher(name).matches()) {
          throw invalid(text, "bad option name '" + name + "'");
        }
        if (options.put(name, value) != null) {
          throw invalid(redactQuery(text), "option '" + name + "' given twice");
        }
      }
    }
    return new DeviceAddress(driver, transport, host, port, path, options);
  }

  private static int parsePort(String text, String portText) {
    if (portText.isEmpty()
        || portText.length() > 5
        || !portText.chars().allMatch(Character::isDigit)) {
      throw invalid(text, "bad port '" + portText + "' (1..65535)");
    }
    int port = Integer.parseInt(portText);
    if (port > 65535) {
      throw invalid(text, "bad port '" + portText + "' (1..65535)");
    }
    return port;
  }

  private static String decode(String text, String value) {
    try {
      return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid(redactQuery(text), "bad %-encoding in an option value");
    }
  }

  private static InvalidArgumentException invalid(String text, String why) {
    return new InvalidArgumentException(
        "invalid device address "
            + redactSecretOptions(text)
            + ": "
            + why
            + " (expected driver:transport://host:port/path?option=value, e.g."
            + " isotek:tcp://10.0.0.5:501)");
  }

  private static String redactAuthority(String text) {
    return text.replaceAll("//[^/@]*@", "//****@");
  }

  /**
   * The text with the value of every secret option that is not a reference shown as {@code ****},
   * as {@link #toString()} does. Used on text that failed to parse, so it does not trust the first
   * {@code ?}: every {@code name=value} after any {@code ?} or {@code &} is judged by its name, and
   * a secret value is hidden up to the next {@code &}.
   */
  private static String redactSecretOptions(String text) {
    StringBuilder b = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i++);
      b.append(c);
      if (c != '?' && c != '&') {
        continue;
      }
      int amp = text.indexOf('&', i);
      int end = amp < 0 ? text.length() : amp;
      int eq = text.indexOf('=', i);
      if (eq >= 0
          && eq < end
          && isSecretOption(text.substring(i, eq))
          && !isReference(text.substring(eq + 1, end))) {
        b.append(text, i, eq + 1).append("****");
        i = end;
      }
    }
    return b.toString();
  }

  private static String redactQuery(String text) {
    int q = text.indexOf('?');
    return q < 0 ? text : text.substring(0, q) + "?...";
  }

  /** Whether an option of this name holds a secret (its name contains password, secret, token). */
  public static boolean isSecretOption(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return SECRET_WORDS.stream().anyMatch(n::contains);
  }

  /** The driver code, lower case, e.g. {@code isotek}. */
  public String driver() {
    return driver;
  }

  /** The transport code, lower case, e.g. {@code tcp}. */
  public String transport() {
    return transport;
  }

  /** The host, when the address has one ({@code serial:///dev/ttyS0} has none). */
  public Optional<String> host() {
    return Optional.ofNullable(host);
  }

  /** The host, or a clear error naming the address when there is none. */
  public String requireHost() {
    if (host == null) {
      throw new InvalidArgumentException("device address " + this + " needs a host");
    }
    return host;
  }

  /** The port, when given. */
  public OptionalInt port() {
    return port < 0 ? OptionalInt.empty() : OptionalInt.of(port);
  }

  /** The port, or {@code defaultPort} when none is given. Port 0 is refused. */
  public int portOr(int defaultPort) {
    int p = port < 0 ? defaultPort : port;
    if (p < 1 || p > 65535) {
      throw new InvalidArgumentException("device address " + this + ": port must be 1..65535");
    }
    return p;
  }

  /** The path after the authority, with its leading {@code /}, or empty. */
  public String path() {
    return path;
  }

  /** The options, in the order given; unmodifiable. */
  public Map<String, String> options() {
    return options;
  }

  /** One option's value. */
  @Override
  public Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name));
  }

  /** This address with one option set (replacing any given). */
  public DeviceAddress withOption(String name, String value) {
    if (!OPTION_NAME.matcher(name).matches()) {
      throw new InvalidArgumentException("bad option name '" + name + "'");
    }
    Map<String, String> copy = new LinkedHashMap<>(options);
    copy.put(name, value);
    return new DeviceAddress(driver, transport, host, port, path, copy);
  }

  /** This address with another transport code (used by tunnels that open an inner link). */
  public DeviceAddress withTransport(String newTransport) {
    if (!CODE.matcher(newTransport).matches()) {
      throw new InvalidArgumentException("bad transport code '" + newTransport + "'");
    }
    return new DeviceAddress(driver, newTransport, host, port, path, new LinkedHashMap<>(options));
  }

  /**
   * The address as text, safe to log: secret option values other than references are replaced by
   * {@code ****}.
   */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(driver).append(':').append(transport).append("://");
    if (host != null) {
      boolean bracketed = host.indexOf(':') >= 0 || !HOST.matcher(host).matches();
      b.append(bracketed ? "[" + host + "]" : host);
    }
    if (port >= 0) {
      b.append(':').append(port);
    }
    b.append(path);
    char sep = '?';
    for (Map.Entry<String, String> e : options.entrySet()) {
      b.append(sep).append(e.getKey());
      sep = '&';
      String v = e.getValue();
      if (isSecretOption(e.getKey()) && !isReference(v)) {
        v = "****";
      }
      if (!v.isEmpty()) {
        b.append('=').append(encodeValue(v));
      }
    }
    return b.toString();
  }

  /**
   * An option value as {@link #parse} reads it back: {@code %}, {@code &}, {@code #}, blanks and
   * control characters %-encoded (UTF-8), everything else as it is.
   */
  private static String encodeValue(String value) {
    StringBuilder b = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%' || c == '&' || c == '#' || c <= ' ' || c == 0x7f) {
        b.append(String.format(Locale.ROOT, "%%%02X", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isReference(String value) {
    return value.startsWith("env:") || value.startsWith("file:");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeviceAddress a
        && driver.equals(a.driver)
        && transport.equals(a.transport)
        && java.util.Objects.equals(host, a.host)
        && port == a.port
        && path.equals(a.path)
        && options.equals(a.options);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(driver, transport, host, port, path, options);
  }
}
