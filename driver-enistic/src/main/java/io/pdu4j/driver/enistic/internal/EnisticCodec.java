package io.pdu4j.driver.enistic.internal;

import io.pdu4j.api.OutletState;
import io.pdu4j.api.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Enistic controller protocol as pure functions: a line to a {@link Reading}, a datagram to its
 * lines, and a switch command to its text. No I/O, no state.
 *
 * <p>A reading is {@code ControllerSerial:Reading:MeterSerial:Power:Channel:State}: a controller
 * serial of 1..12 hex digits (the document's own example has 11), the word {@code Reading}, a meter
 * or socket serial of 16 hex digits, the power in watts as a decimal number (0..{@value
 * #MAX_POWER}), the channel 1..16 and the state 0..99 (1 = on, 0 = off for Smart Sockets; ignored
 * for meters). Serials are kept exactly as read.
 */
public final class EnisticCodec {
  /** The longest line considered; longer ones are malformed. */
  public static final int MAX_LINE = 256;

  /** The most lines taken from one datagram; the rest are malformed. */
  public static final int MAX_LINES = 64;

  /** The largest power accepted, in watts. */
  public static final double MAX_POWER = 10_000_000;

  /** The controller serial that addresses every controller. */
  public static final String ALL_CONTROLLERS = "FFFFFFFFFFFF";

  private static final Pattern CONTROLLER = Pattern.compile("[0-9A-Fa-f]{1,12}");
  private static final Pattern METER = Pattern.compile("[0-9A-Fa-f]{16}");
  private static final Pattern POWER = Pattern.compile("\\d{1,9}(\\.\\d{1,9})?");
  private static final Pattern SMALL = Pattern.compile("\\d{1,2}");
  private static final Pattern EVENT = Pattern.compile("[A-Za-z][A-Za-z0-9_ -]{0,31}");

  private EnisticCodec() {}

  /**
   * One meter reading.
   *
   * @param controller the controller's serial, as read
   * @param meter the meter's or socket's serial, as read
   * @param power watts, finite and not negative
   * @param channel 1..16
   * @param state the raw state field, 0..99
   */
  public record Reading(String controller, String meter, double power, int channel, int state) {
    /** Validates every field. */
    public Reading {
      Objects.requireNonNull(controller, "controller");
      Objects.requireNonNull(meter, "meter");
      if (!Double.isFinite(power) || power < 0 || power > MAX_POWER) {
        throw new IllegalArgumentException("power out of range: " + power);
      }
      if (channel < 1 || channel > 16 || state < 0 || state > 99) {
        throw new IllegalArgumentException("channel or state out of range");
      }
    }

    /** The socket state this reading shows: ON for 1, OFF for 0, UNKNOWN otherwise. */
    public OutletState socketState() {
      return state == 1 ? OutletState.ON : state == 0 ? OutletState.OFF : OutletState.UNKNOWN;
    }
  }

  /** Whether the text is a controller serial: 1..12 hex digits, either case. */
  public static boolean isControllerSerial(String text) {
    return text != null && CONTROLLER.matcher(text).matches();
  }

  /** Whether the text is a meter or socket serial: 16 hex digits, either case. */
  public static boolean isMeterSerial(String text) {
    return text != null && METER.matcher(text).matches();
  }

  /** Whether two serials are the same (hex digits compare regardless of case). */
  public static boolean sameSerial(String a, String b) {
    return a.equalsIgnoreCase(b);
  }

  /** A serial's case-independent form, for keys. */
  public static String key(String serial) {
    return serial.toUpperCase(Locale.ROOT);
  }

  /**
   * The lines of a datagram, split at CR, LF or CRLF; empty lines are dropped. At most {@value
   * #MAX_LINES} lines: any further text is returned, unsplit, as one more element, which the caller
   * must skip as over-long however short it is.
   */
  public static List<String> lines(String payload) {
    List<String> out = new ArrayList<>();
    int start = 0;
    int n = payload.length();
    for (int i = 0; i <= n; i++) {
      if (i == n || payload.charAt(i) == '\r' || payload.charAt(i) == '\n') {
        if (i > start) {
          if (out.size() == MAX_LINES) {
            out.add(payload.substring(start));
            return out;
          }
          out.add(payload.substring(start, i));
        }
        start = i + 1;
      }
    }
    return out;
  }

  /**
   * Parses one line.
   *
   * @return the reading, or empty for a well-formed event that is not a reading ({@code
   *     Serial:Event:...} with another event word)
   * @throws ProtocolException when the line is neither
   */
  public static Optional<Reading> parse(String line) {
    Objects.requireNonNull(line, "line");
    if (line.length() > MAX_LINE) {
      throw malformed(line, "longer than " + MAX_LINE + " characters");
    }
    String text = line.strip();
    String[] f = text.split(":", -1);
    if (f.length < 2) {
      throw malformed(line, "not Serial:Event:...");
    }
    if (!f[1].equalsIgnoreCase("Reading")) {
      if (EVENT.matcher(f[1]).matches() && !f[0].isEmpty()) {
        return Optional.empty();
      }
      throw malformed(line, "no event word in the second field");
    }
    if (f.length != 6) {
      throw malformed(line, "a reading has 6 fields, this has " + f.length);
    }
    if (!isControllerSerial(f[0])) {
      throw malformed(line, "the controller serial is not 1..12 hex digits");
    }
    if (!isMeterSerial(f[2])) {
      throw malformed(line, "the meter serial is not 16 hex digits");
    }
    if (!POWER.matcher(f[3]).matches()) {
      throw malformed(line, "the power is not a decimal number of watts");
    }
    double power = Double.parseDouble(f[3]);
    if (power > MAX_POWER) {
      throw malformed(line, "the power is over " + (long) MAX_POWER + " W");
    }
    if (!SMALL.matcher(f[4]).matches()) {
      throw malformed(line, "the channel is not a number");
    }
    int channel = Integer.parseInt(f[4]);
    if (channel < 1 || channel > 16) {
      throw malformed(line, "the channel is not 1..16");
    }
    if (!SMALL.matcher(f[5]).matches()) {
      throw malformed(line, "the state is not a number 0..99");
    }
    return Optional.of(new Reading(f[0], f[2], power, channel, Integer.parseInt(f[5])));
  }

  /**
   * The command that switches a Smart Socket: {@code controller,event,socket;}.
   *
   * @param controller the controller's serial as read, or {@link #ALL_CONTROLLERS}
   * @param socket the socket's serial as read
   * @param on whether to switch it on
   * @param inverted whether the controller takes {@code 0} for on (the document's examples) rather
   *     than {@code 1} (its table)
   */
  public static String command(String controller, String socket, boolean on, boolean inverted) {
    if (!isControllerSerial(controller)) {
      throw new IllegalArgumentException("bad controller serial: " + controller);
    }
    if (!isMeterSerial(socket)) {
      throw new IllegalArgumentException("bad socket serial: " + socket);
    }
    return controller + "," + (on != inverted ? '1' : '0') + "," + socket + ";";
  }

  private static ProtocolException malformed(String line, String why) {
    String shown = line.length() > 80 ? line.substring(0, 80) + "..." : line;
    return new ProtocolException(
        "malformed Enistic event (" + why + "): " + shown.replaceAll("[^\\x20-\\x7e]", "?"));
  }
}
