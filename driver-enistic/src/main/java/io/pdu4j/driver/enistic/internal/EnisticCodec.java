package io.pdu4j.driver.enistic.internal;

import io.pdu4j.api.OutletState;
import io.pdu4j.api.ProtocolException;
import java.nio.charset.StandardCharsets;
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
      return EnisticCodec.socketState(state);
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

  /** Receives the lines of a datagram, as ranges of its bytes. */
  @FunctionalInterface
  public interface LineSink {
    /** One line: {@code data[from..to)}, not empty, without its line end. */
    void line(byte[] data, int from, int to);
  }

  /**
   * The lines of a datagram as {@link #lines(String)} splits them, without copying: each goes to
   * {@code sink} in order, at most {@value #MAX_LINES} of them.
   *
   * @return whether text followed the {@value #MAX_LINES}th line: the caller must count that rest
   *     as one over-long line, however short it is
   */
  public static boolean lines(byte[] payload, LineSink sink) {
    int start = 0;
    int count = 0;
    int n = payload.length;
    for (int i = 0; i <= n; i++) {
      if (i == n || payload[i] == '\r' || payload[i] == '\n') {
        if (i > start) {
          if (count == MAX_LINES) {
            return true;
          }
          count++;
          sink.line(payload, start, i);
        }
        start = i + 1;
      }
    }
    return false;
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
    // a datagram's bytes are ISO-8859-1 characters: any other character is malformed here
    return parse(line.getBytes(StandardCharsets.ISO_8859_1), 0, line.length());
  }

  /**
   * Parses one line given as bytes, {@code data[from..to)}, each byte an ISO-8859-1 character: the
   * same as {@link #parse(String)} of that text, without making strings of anything but a reading's
   * two serials.
   *
   * @return the reading, or empty for a well-formed event that is not a reading
   * @throws ProtocolException when the line is neither
   */
  public static Optional<Reading> parse(byte[] data, int from, int to) {
    Line line = new Line();
    return line.parse(data, from, to) ? Optional.of(line.reading()) : Optional.empty();
  }

  /**
   * One parsed line, its fields read in place from the datagram's bytes, for a reader that parses
   * many: {@link #parse} fills it again for every line, and only what is asked for ({@link
   * #controller()}, {@link #meter()}) becomes a string. Not thread-safe; valid until the next
   * {@link #parse} or until the bytes change.
   */
  public static final class Line {
    private byte[] data;
    private int controllerFrom;
    private int controllerTo;
    private int meterFrom;
    private int meterTo;
    private long meterKey;
    private double power;
    private int channel;
    private int state;
    // the field bounds: field i is data[bounds[i] .. bounds[i + 1] - 1)
    private final int[] bounds = new int[7];

    /** An empty line, to be filled by {@link #parse}. */
    public Line() {}

    /**
     * Parses {@code data[from..to)} as {@link EnisticCodec#parse(byte[], int, int)} does.
     *
     * @return true for a reading (its fields are then this line's), false for a well-formed event
     *     that is not a reading
     * @throws ProtocolException when the line is neither
     */
    public boolean parse(byte[] data, int from, int to) {
      Objects.checkFromToIndex(from, to, data.length);
      if (to - from > MAX_LINE) {
        throw malformed(data, from, to, "longer than " + MAX_LINE + " characters");
      }
      int start = from;
      int end = to;
      while (start < end && isWhitespace(data[start])) {
        start++;
      }
      while (end > start && isWhitespace(data[end - 1])) {
        end--;
      }
      int[] bounds = this.bounds;
      bounds[0] = start;
      int fields = 1;
      for (int i = start; i < end; i++) {
        if (data[i] == ':') {
          if (fields < 6) {
            bounds[fields] = i + 1;
          }
          fields++;
        }
      }
      if (fields < 2) {
        throw malformed(data, from, to, "not Serial:Event:...");
      }
      int eventEnd = fields > 2 ? bounds[2] - 1 : end;
      if (!isReadingWord(data, bounds[1], eventEnd)) {
        if (isEventWord(data, bounds[1], eventEnd) && bounds[1] - 1 > start) {
          return false;
        }
        throw malformed(data, from, to, "no event word in the second field");
      }
      if (fields != 6) {
        throw malformed(data, from, to, "a reading has 6 fields, this has " + fields);
      }
      bounds[6] = end + 1;
      if (!hexDigits(data, bounds[0], bounds[1] - 1, 1, 12)) {
        throw malformed(data, from, to, "the controller serial is not 1..12 hex digits");
      }
      if (!hexDigits(data, bounds[2], bounds[3] - 1, 16, 16)) {
        throw malformed(data, from, to, "the meter serial is not 16 hex digits");
      }
      double power = EnisticCodec.power(data, bounds[3], bounds[4] - 1);
      if (Double.isNaN(power)) {
        throw malformed(data, from, to, "the power is not a decimal number of watts");
      }
      if (power > MAX_POWER) {
        throw malformed(data, from, to, "the power is over " + (long) MAX_POWER + " W");
      }
      int channel = EnisticCodec.small(data, bounds[4], bounds[5] - 1);
      if (channel < 0) {
        throw malformed(data, from, to, "the channel is not a number");
      }
      if (channel < 1 || channel > 16) {
        throw malformed(data, from, to, "the channel is not 1..16");
      }
      int state = small(data, bounds[5], bounds[6] - 1);
      if (state < 0) {
        throw malformed(data, from, to, "the state is not a number 0..99");
      }
      this.data = data;
      this.controllerFrom = bounds[0];
      this.controllerTo = bounds[1] - 1;
      this.meterFrom = bounds[2];
      this.meterTo = bounds[3] - 1;
      this.meterKey = hexValue(data, meterFrom, meterTo);
      this.power = power;
      this.channel = channel;
      this.state = state;
      return true;
    }

    /** The controller's serial, as read (a new string). */
    public String controller() {
      return text(data, controllerFrom, controllerTo);
    }

    /**
     * Whether the controller's serial is {@code serial}, hex digits compared regardless of case.
     */
    public boolean controllerIs(String serial) {
      return sameText(serial, true);
    }

    /** Whether the controller's serial is exactly {@code serial}, case included. */
    public boolean controllerReadsAs(String serial) {
      return sameText(serial, false);
    }

    private boolean sameText(String serial, boolean ignoreCase) {
      int n = controllerTo - controllerFrom;
      if (serial.length() != n) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        int a = data[controllerFrom + i];
        int b = serial.charAt(i);
        // ASCII case folding is exact for hex digits, and the serial read is hex digits only
        if (a != b && (!ignoreCase || (a | 0x20) != (b | 0x20))) {
          return false;
        }
      }
      return true;
    }

    /** The meter's or socket's serial, as read (a new string). */
    public String meter() {
      return text(data, meterFrom, meterTo);
    }

    /**
     * The meter's or socket's serial as a number: its 16 hex digits, so that serials that differ
     * only in case have the same key.
     */
    public long meterKey() {
      return meterKey;
    }

    /** Watts. */
    public double power() {
      return power;
    }

    /** 1..16. */
    public int channel() {
      return channel;
    }

    /** The raw state field, 0..99. */
    public int state() {
      return state;
    }

    /** The socket state this reading shows: ON for 1, OFF for 0, UNKNOWN otherwise. */
    public OutletState socketState() {
      return EnisticCodec.socketState(state);
    }

    /** This line as a {@link Reading}. */
    public Reading reading() {
      return new Reading(controller(), meter(), power, channel, state);
    }
  }

  private static OutletState socketState(int state) {
    return state == 1 ? OutletState.ON : state == 0 ? OutletState.OFF : OutletState.UNKNOWN;
  }

  /** The value of hex digits already checked, at most 16 of them. */
  private static long hexValue(byte[] data, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      int b = data[i];
      v = (v << 4) | (b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10);
    }
    return v;
  }

  /**
   * {@link Character#isWhitespace} for an ISO-8859-1 character, as {@link String#strip} uses it.
   */
  private static boolean isWhitespace(byte b) {
    return (b >= 9 && b <= 13) || (b >= 28 && b <= 32);
  }

  private static boolean isReadingWord(byte[] data, int from, int to) {
    if (to - from != READING.length) {
      return false;
    }
    for (int i = 0; i < READING.length; i++) {
      // ASCII case folding: no other ISO-8859-1 character folds to a letter of "reading"
      if ((data[from + i] | 0x20) != READING[i]) {
        return false;
      }
    }
    return true;
  }

  private static final byte[] READING = "reading".getBytes(StandardCharsets.US_ASCII);

  /** {@code [A-Za-z][A-Za-z0-9_ -]{0,31}}. */
  private static boolean isEventWord(byte[] data, int from, int to) {
    if (to - from < 1 || to - from > 32 || !isLetter(data[from])) {
      return false;
    }
    for (int i = from + 1; i < to; i++) {
      byte b = data[i];
      if (!isLetter(b) && !isDigit(b) && b != '_' && b != ' ' && b != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLetter(byte b) {
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static boolean hexDigits(byte[] data, int from, int to, int min, int max) {
    int n = to - from;
    if (n < min || n > max) {
      return false;
    }
    for (int i = from; i < to; i++) {
      byte b = data[i];
      if (!isDigit(b) && !((b >= 'A' && b <= 'F') || (b >= 'a' && b <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

  /**
   * {@code \d{1,9}(\.\d{1,9})?} as {@link Double#parseDouble} reads it, NaN when the text is not
   * that. Digits that make an integer below 2^53 are divided by a power of ten, both exact, so the
   * one rounding of the division gives what {@code parseDouble} gives; longer ones go to it.
   */
  private static double power(byte[] data, int from, int to) {
    int dot = -1;
    long digits = 0;
    for (int i = from; i < to; i++) {
      byte b = data[i];
      if (b == '.' && dot < 0) {
        dot = i;
      } else if (isDigit(b)) {
        digits = digits * 10 + (b - '0');
      } else {
        return Double.NaN;
      }
    }
    int whole = (dot < 0 ? to : dot) - from;
    int fraction = dot < 0 ? 0 : to - dot - 1;
    if (whole < 1 || whole > 9 || (dot >= 0 && (fraction < 1 || fraction > 9))) {
      return Double.NaN;
    }
    if (digits < (1L << 53)) {
      return digits / POWERS_OF_TEN[fraction];
    }
    return Double.parseDouble(text(data, from, to));
  }

  /** {@code \d{1,2}} as a number, -1 when the text is not that. */
  private static int small(byte[] data, int from, int to) {
    int n = to - from;
    if (n < 1 || n > 2) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < to; i++) {
      if (!isDigit(data[i])) {
        return -1;
      }
      v = v * 10 + (data[i] - '0');
    }
    return v;
  }

  private static String text(byte[] data, int from, int to) {
    return new String(data, from, to - from, StandardCharsets.ISO_8859_1);
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

  private static ProtocolException malformed(byte[] data, int from, int to, String why) {
    return malformed(text(data, from, Math.min(to, from + 81)), why);
  }

  private static ProtocolException malformed(String line, String why) {
    String shown = line.length() > 80 ? line.substring(0, 80) + "..." : line;
    return new ProtocolException(
        "malformed Enistic event (" + why + "): " + shown.replaceAll("[^\\x20-\\x7e]", "?"));
  }
}
