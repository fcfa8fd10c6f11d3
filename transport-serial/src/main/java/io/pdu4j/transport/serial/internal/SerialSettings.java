package io.pdu4j.transport.serial.internal;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A serial port's path and line settings, read from an address such as {@code
 * isotek:serial:///dev/ttyUSB0?baud=115200&parity=none&data=8&stop=1&flow=none}.
 *
 * @param path the port's path, e.g. {@code /dev/ttyUSB0} (or {@code COM3} on Windows)
 * @param baud bits per second, {@value #MIN_BAUD}..{@value #MAX_BAUD}
 * @param dataBits 5..8
 * @param parity the parity bit
 * @param stopBits the stop bits
 * @param flow the flow control
 */
public record SerialSettings(
    String path, int baud, int dataBits, Parity parity, StopBits stopBits, Flow flow) {

  /** The option names read by {@link #of(DeviceAddress)}. */
  public static final Set<String> OPTION_NAMES = Set.of("baud", "parity", "data", "stop", "flow");

  /** The lowest baud rate accepted. */
  public static final int MIN_BAUD = 50;

  /** The highest baud rate accepted. */
  public static final int MAX_BAUD = 4_000_000;

  /** Parity settings, named as in an address. */
  public enum Parity {
    /** No parity bit. */
    NONE,
    /** Even parity. */
    EVEN,
    /** Odd parity. */
    ODD,
    /** The parity bit is always 1. */
    MARK,
    /** The parity bit is always 0. */
    SPACE;

    String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Stop bit settings, named as in an address. */
  public enum StopBits {
    /** One stop bit. */
    ONE("1"),
    /** One and a half stop bits. */
    ONE_POINT_FIVE("1.5"),
    /** Two stop bits. */
    TWO("2");

    private final String text;

    StopBits(String text) {
      this.text = text;
    }

    String text() {
      return text;
    }
  }

  /** Flow control settings, named as in an address. */
  public enum Flow {
    /** No flow control. */
    NONE("none"),
    /** Hardware flow control on RTS/CTS. */
    RTSCTS("rtscts"),
    /** Software flow control with XON/XOFF characters. */
    XONXOFF("xonxoff");

    private final String text;

    Flow(String text) {
      this.text = text;
    }

    String text() {
      return text;
    }
  }

  /** Validates every field. */
  public SerialSettings {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(parity, "parity");
    Objects.requireNonNull(stopBits, "stopBits");
    Objects.requireNonNull(flow, "flow");
    if (path.isBlank()) {
      throw new InvalidArgumentException("a serial port path is required");
    }
    if (baud < MIN_BAUD || baud > MAX_BAUD) {
      throw new InvalidArgumentException(
          "baud must be " + MIN_BAUD + ".." + MAX_BAUD + ", got " + baud);
    }
    if (dataBits < 5 || dataBits > 8) {
      throw new InvalidArgumentException("data must be 5..8, got " + dataBits);
    }
  }

  /**
   * The settings an address gives, defaults filling the rest (115200 8N1, no flow control).
   *
   * @throws InvalidArgumentException naming the address and what is wrong with it
   */
  public static SerialSettings of(DeviceAddress address) {
    Objects.requireNonNull(address, "address");
    if (address.host().isPresent()) {
      throw new InvalidArgumentException(
          "device address "
              + address
              + ": a serial address has no host; write the port's path after three slashes, e.g. "
              + address.driver()
              + ":serial:///dev/ttyUSB0");
    }
    String path = address.path();
    if (path.isEmpty()) {
      throw new InvalidArgumentException(
          "device address "
              + address
              + " needs the serial port's path, e.g. "
              + address.driver()
              + ":serial:///dev/ttyUSB0?baud=115200");
    }
    // serial:///COM3 reads as the path "/COM3"; Windows names have no leading slash
    if (path.matches("/(?i:COM)\\d+")) {
      path = path.substring(1);
    }
    try {
      return new SerialSettings(
          path,
          address.option("baud").map(v -> parseInt(v, "baud")).orElse(115_200),
          address.option("data").map(v -> parseInt(v, "data")).orElse(8),
          address.option("parity").map(SerialSettings::parity).orElse(Parity.NONE),
          address.option("stop").map(SerialSettings::stopBits).orElse(StopBits.ONE),
          address.option("flow").map(SerialSettings::flow).orElse(Flow.NONE));
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException("device address " + address + ": " + e.getMessage(), e);
    }
  }

  private static int parseInt(String value, String name) {
    String v = value.trim();
    if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(Character::isDigit)) {
      throw new InvalidArgumentException(name + " must be a whole number, got '" + value + "'");
    }
    return Integer.parseInt(v);
  }

  private static Parity parity(String value) {
    for (Parity p : Parity.values()) {
      if (p.text().equalsIgnoreCase(value.trim())) {
        return p;
      }
    }
    throw new InvalidArgumentException(
        "parity must be none, even, odd, mark or space, got '" + value + "'");
  }

  private static StopBits stopBits(String value) {
    for (StopBits s : StopBits.values()) {
      if (s.text().equals(value.trim())) {
        return s;
      }
    }
    throw new InvalidArgumentException("stop must be 1, 1.5 or 2, got '" + value + "'");
  }

  private static Flow flow(String value) {
    for (Flow f : Flow.values()) {
      if (f.text().equalsIgnoreCase(value.trim())) {
        return f;
      }
    }
    throw new InvalidArgumentException("flow must be none, rtscts or xonxoff, got '" + value + "'");
  }

  /** The port and its settings as an address-like text, e.g. {@code serial:///dev/ttyS0?baud=…}. */
  public String describe() {
    return "serial://"
        + (path.startsWith("/") ? "" : "/")
        + path
        + "?baud="
        + baud
        + "&parity="
        + parity.text()
        + "&data="
        + dataBits
        + "&stop="
        + stopBits.text()
        + "&flow="
        + flow.text();
  }
}
