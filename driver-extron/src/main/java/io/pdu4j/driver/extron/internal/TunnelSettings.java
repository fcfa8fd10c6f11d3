package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.Durations;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.SecretReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The tunnel's settings, read from an {@code extron} address.
 *
 * @param host the IPCP
 * @param ipcpPort its Telnet port (default 23)
 * @param comPort the port the device hangs on, 1..16, from the path ({@code /3})
 * @param t1 tens of ms to wait for the first reply byte, or empty for the IPCP's default
 * @param t2 tens of ms allowed between reply bytes, or empty for the IPCP's default
 * @param delimiter the reply's last byte, from the inner driver, or empty ({@code 0L})
 * @param crlfAppended whether the IPCP appends CR LF to each reply
 * @param keepAlive the longest silence before a {@code Q} is sent
 * @param password the secret reference, if the IPCP has a password
 * @param inline whether the data goes inside the command, before its CR, %-encoded ({@code
 *     data=inline}), instead of after it ({@code data=after}, the guide's example)
 * @param prefix a fixed text the IPCP puts before the device's data in each reply, empty for none
 * @param busyRetries how many times a request the IPCP answers E22 (busy) is sent again
 * @param busyPause the wait before each such retry
 * @param user the user name of the web form's HTTP Basic authentication
 * @param serial serial settings to give the port when the link opens, if any
 */
public record TunnelSettings(
    String host,
    int ipcpPort,
    int comPort,
    OptionalInt t1,
    OptionalInt t2,
    OptionalInt delimiter,
    boolean crlfAppended,
    Duration keepAlive,
    Optional<SecretReference> password,
    boolean inline,
    String prefix,
    int busyRetries,
    Duration busyPause,
    String user,
    Optional<SerialSetup> serial) {

  /** The Telnet port of an IPCP. */
  public static final int DEFAULT_PORT = 23;

  /** Under the IPCP's 300 s idle timeout, with room. */
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(60);

  /** Retries after E22 (busy) unless {@code busy-retries} says otherwise. */
  public static final int DEFAULT_BUSY_RETRIES = 3;

  /** The pause before a retry after E22 unless {@code busy-pause} says otherwise. */
  public static final Duration DEFAULT_BUSY_PAUSE = Duration.ofMillis(250);

  /** The web form's user unless {@code user} says otherwise (a guess: see docs/extron.md). */
  public static final String DEFAULT_USER = "admin";

  /** The options the Telnet tunnel reads. */
  public static final Set<String> OPTIONS =
      Set.of(
          "password",
          "t1",
          "t2",
          "crlf",
          "keepalive",
          "data",
          "prefix",
          "busy-retries",
          "busy-pause",
          "serial");

  /** The options the web tunnel reads: no keep-alive (HTTP needs none), a user. */
  public static final Set<String> HTTP_OPTIONS =
      Set.of(
          "password",
          "t1",
          "t2",
          "crlf",
          "data",
          "prefix",
          "busy-retries",
          "busy-pause",
          "serial",
          "user");

  /** The options of a session with the IPCP itself (the relays). */
  public static final Set<String> GATEWAY_OPTIONS =
      Set.of("password", "keepalive", "busy-retries", "busy-pause");

  /** Validates the combination. */
  public TunnelSettings {
    if (comPort != 0) { // 0: a session with the IPCP itself, no tunnel
      SisCodec.validatePort(comPort);
    }
    SisCodec.validateTimes(t1, t2);
    if (keepAlive.compareTo(Duration.ofSeconds(1)) < 0
        || keepAlive.compareTo(Duration.ofSeconds(290)) > 0) {
      throw new InvalidArgumentException(
          "keepalive must be 1s..290s (the IPCP drops a Telnet session after 300 s of silence)");
    }
    if (busyRetries < 0 || busyRetries > 20) {
      throw new InvalidArgumentException("busy-retries must be 0..20, got " + busyRetries);
    }
    if (busyPause.compareTo(Duration.ofMillis(10)) < 0
        || busyPause.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new InvalidArgumentException(
          "busy-pause must be 10ms..10s, got " + busyPause.toMillis() + " ms");
    }
    if (prefix.length() > 64 || prefix.indexOf('\r') >= 0 || prefix.indexOf('\n') >= 0) {
      throw new InvalidArgumentException(
          "prefix must be at most 64 characters without CR or LF, got "
              + prefix.length()
              + " characters");
    }
    if (user.isEmpty() || user.length() > 64 || user.indexOf(':') >= 0) {
      throw new InvalidArgumentException("user must be 1..64 characters without ':'");
    }
  }

  /** Reads an address such as {@code isotek:extron://10.0.0.9:23/3?password=env:IPCP_PW}. */
  public static TunnelSettings from(DeviceAddress address, OptionalInt delimiter) {
    return from(address, delimiter, DEFAULT_PORT);
  }

  /** As {@link #from(DeviceAddress, OptionalInt)}, with another default port (80 for the web). */
  public static TunnelSettings from(DeviceAddress address, OptionalInt delimiter, int defaultPort) {
    try {
      String host = address.requireHost();
      int ipcpPort = address.portOr(defaultPort);
      String path = address.path();
      if (!path.matches("/\\d{1,2}")) {
        throw new InvalidArgumentException(
            "the path must name the IPCP port the device is on, /1../16 (e.g. /3 for COM3), got '"
                + path
                + "'");
      }
      int com = Integer.parseInt(path.substring(1));
      OptionalInt t1 = intOption(address, "t1");
      OptionalInt t2 = intOption(address, "t2");
      String crlf = address.option("crlf").orElse("appended").toLowerCase(Locale.ROOT);
      if (!crlf.equals("appended") && !crlf.equals("none")) {
        throw new InvalidArgumentException("crlf must be 'appended' or 'none', got '" + crlf + "'");
      }
      String data = address.option("data").orElse("after").toLowerCase(Locale.ROOT);
      if (!data.equals("after") && !data.equals("inline")) {
        throw new InvalidArgumentException("data must be 'after' or 'inline', got '" + data + "'");
      }
      return new TunnelSettings(
          host,
          ipcpPort,
          com,
          t1,
          t2,
          delimiter,
          crlf.equals("appended"),
          keepAlive(address),
          password(address),
          data.equals("inline"),
          address.option("prefix").orElse(""),
          busyRetries(address),
          busyPause(address),
          address.option("user").orElse(DEFAULT_USER),
          address.option("serial").map(SerialSetup::parse));
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException(
          "invalid extron address " + address + ": " + e.getMessage(), e);
    }
  }

  /** A session with the IPCP itself ({@code extron:tcp://host:23}): no COM port, no tunnel. */
  public static TunnelSettings gateway(DeviceAddress address) {
    try {
      return new TunnelSettings(
          address.requireHost(),
          address.portOr(DEFAULT_PORT),
          0,
          OptionalInt.empty(),
          OptionalInt.empty(),
          OptionalInt.empty(),
          true,
          keepAlive(address),
          password(address),
          false,
          "",
          busyRetries(address),
          busyPause(address),
          DEFAULT_USER,
          Optional.empty());
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException(
          "invalid extron address " + address + ": " + e.getMessage(), e);
    }
  }

  private static Duration keepAlive(DeviceAddress address) {
    return address
        .option("keepalive")
        .map(v -> Durations.parse(v, "keepalive"))
        .orElse(DEFAULT_KEEP_ALIVE);
  }

  private static Optional<SecretReference> password(DeviceAddress address) {
    return address.option("password").map(v -> SecretReference.parse("password", v));
  }

  private static int busyRetries(DeviceAddress address) {
    Optional<String> v = address.option("busy-retries");
    if (v.isEmpty()) {
      return DEFAULT_BUSY_RETRIES;
    }
    try {
      return Integer.parseInt(v.get().trim());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(
          "busy-retries must be a whole number 0..20, got '" + v.get() + "'", e);
    }
  }

  private static Duration busyPause(DeviceAddress address) {
    return address
        .option("busy-pause")
        .map(v -> Durations.parse(v, "busy-pause"))
        .orElse(DEFAULT_BUSY_PAUSE);
  }

  private static OptionalInt intOption(DeviceAddress address, String name) {
    Optional<String> v = address.option(name);
    if (v.isEmpty()) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(v.get().trim()));
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(
          name + " must be a whole number of tens of ms, got '" + v.get() + "'", e);
    }
  }

  /** The header and data of one request. */
  public byte[] request(byte[] data) {
    return SisCodec.sendData(comPort, t1, t2, delimiter, data, inline);
  }

  /** The least quiet that ends a {@code 0L} reply (see {@link #replyQuiet()}). */
  public static final Duration MIN_REPLY_QUIET = Duration.ofMillis(150);

  /**
   * How long the IPCP must stay quiet after a CR LF before a reply without a delimiter ({@code 0L})
   * is taken as complete: twice the inter-character time t2 (the IPCP's default 20 ms when not
   * given), at least {@link #MIN_REPLY_QUIET} for network jitter, at most 2 s.
   */
  public Duration replyQuiet() {
    long t2Millis = 10L * t2.orElse(2);
    long millis = Math.max(MIN_REPLY_QUIET.toMillis(), Math.min(2 * t2Millis, 2000));
    return Duration.ofMillis(millis);
  }

  /** The prefix's bytes, empty for none. */
  public byte[] prefixBytes() {
    return prefix.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Safe to log. */
  public String describe() {
    return "extron://"
        + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
        + ":"
        + ipcpPort
        + "/"
        + comPort;
  }
}
