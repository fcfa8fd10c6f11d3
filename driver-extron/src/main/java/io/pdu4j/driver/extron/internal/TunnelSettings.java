package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Durations;
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
    Optional<SecretReference> password) {

  /** The Telnet port of an IPCP. */
  public static final int DEFAULT_PORT = 23;

  /** Under the IPCP's 300 s idle timeout, with room. */
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(60);

  /** The options the tunnel reads. */
  public static final Set<String> OPTIONS = Set.of("password", "t1", "t2", "crlf", "keepalive");

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
      Duration keepAlive =
          address
              .option("keepalive")
              .map(v -> Durations.parse(v, "keepalive"))
              .orElse(DEFAULT_KEEP_ALIVE);
      Optional<SecretReference> password =
          address.option("password").map(v -> SecretReference.parse("password", v));
      return new TunnelSettings(
          host, ipcpPort, com, t1, t2, delimiter, crlf.equals("appended"), keepAlive, password);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException(
          "invalid extron address " + address + ": " + e.getMessage(), e);
    }
  }

  /** A session with the IPCP itself ({@code extron:tcp://host:23}): no COM port, no tunnel. */
  public static TunnelSettings gateway(DeviceAddress address) {
    try {
      Duration keepAlive =
          address
              .option("keepalive")
              .map(v -> Durations.parse(v, "keepalive"))
              .orElse(DEFAULT_KEEP_ALIVE);
      Optional<SecretReference> password =
          address.option("password").map(v -> SecretReference.parse("password", v));
      return new TunnelSettings(
          address.requireHost(),
          address.portOr(DEFAULT_PORT),
          0,
          OptionalInt.empty(),
          OptionalInt.empty(),
          OptionalInt.empty(),
          true,
          keepAlive,
          password);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException(
          "invalid extron address " + address + ": " + e.getMessage(), e);
    }
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
    return SisCodec.sendData(comPort, t1, t2, delimiter, data);
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
