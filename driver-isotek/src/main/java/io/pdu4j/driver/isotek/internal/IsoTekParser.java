package io.pdu4j.driver.isotek.internal;

import io.pdu4j.driver.isotek.internal.IsoTekFrame.Address;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Channel;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Clock;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Malformed;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Unknown;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads one line from an IsoTek unit into an {@link IsoTekFrame}: where the {@code CHn=} status
 * lines, the {@code RTC=} clock, {@code OK}, the {@code >} prompt and the {@code A=} address line
 * are parsed.
 *
 * <p>Pure and total: {@link #parse(String)} never throws. A line that starts like a known line but
 * breaks its shape becomes {@link Malformed} (so it can be counted and its status block dropped);
 * anything else becomes {@link Unknown}. Bounded: lines are cut at {@link #MAX_LINE} characters,
 * lines are split into at most a handful of fields, numbers have at most {@value #MAX_DIGITS}
 * digits on either side of the point.
 *
 * <p>Leniency, and why: surrounding blanks are ignored (a prompt written as {@code "> "} leaves a
 * blank before the next line); the trailing {@code |} may be missing; the clock's year may be
 * followed by {@code /} (the document) or {@code |}. Anything after the last expected field is
 * refused, not ignored: it would mean a unit speaking another dialect.
 */
public final class IsoTekParser {

  /** The longest line parsed; longer lines are cut to this and refused. */
  public static final int MAX_LINE = 256;

  /** The most digits accepted before or after the decimal point of a reading. */
  static final int MAX_DIGITS = 6;

  /** An address line has six fields; a few more are tolerated, no more. */
  private static final int MAX_ADDRESS_FIELDS = 8;

  private IsoTekParser() {}

  /** Parses one line (without its line end). Never throws; {@code null} reads as empty. */
  public static IsoTekFrame parse(String line) {
    if (line == null) {
      return new Unknown("");
    }
    String text = line.strip();
    boolean statusLike = isChannelLike(text) || text.startsWith("RTC");
    if (text.length() > MAX_LINE) {
      String cut = text.substring(0, MAX_LINE) + "...";
      return statusLike || text.startsWith("A=")
          ? new Malformed(cut, "longer than " + MAX_LINE + " characters", statusLike)
          : new Unknown(cut);
    }
    if (text.equals("OK")) {
      return IsoTekFrame.OK;
    }
    if (text.equals(">")) {
      return IsoTekFrame.PROMPT;
    }
    if (isChannelLike(text)) {
      return parseChannel(text, new int[6]);
    }
    if (text.startsWith("RTC")) {
      return parseClock(text);
    }
    if (text.startsWith("A=")) {
      return parseAddress(text);
    }
    if (isNumbered(text, 'C')) {
      return parseSetting(text);
    }
    if (isNumbered(text, 'P')) {
      return parseSchedule(text);
    }
    return new Unknown(text);
  }

  /**
   * Parses one line given as ISO-8859-1 bytes, {@code bytes[from, from + length)}, exactly as
   * {@link #parse(String)} parses the same text. A channel line with no blank around it (the bulk
   * of every status: the unit sends 17 a second) is read in place through {@code view}, without
   * making a string of it; any other line is decoded and parsed as text.
   *
   * @param view reused from line to line by one reader; it holds the bytes only during the call
   */
  static IsoTekFrame parse(byte[] bytes, int from, int length, Latin1 view) {
    if (length > 2
        && length <= MAX_LINE
        && bytes[from] == 'C'
        && bytes[from + 1] == 'H'
        && (isDigit((char) bytes[from + 2]) || bytes[from + 2] == '=')
        && bytes[from + length - 1] > ' ') {
      // starts with C and ends in printable ASCII: strip() would leave it as it is
      IsoTekFrame frame = parseChannel(view.of(bytes, from, length), view.bounds);
      view.of(null, 0, 0);
      return frame;
    }
    return parse(new String(bytes, from, length, StandardCharsets.ISO_8859_1));
  }

  /**
   * A line's bytes read as ISO-8859-1 text where they are, one char per byte, as the line framer
   * decodes them. Not thread-safe: one per reader, reused for every line.
   */
  static final class Latin1 implements CharSequence {
    // a channel line's field bounds, reused: an array per line would be 17 a push
    private final int[] bounds = new int[6];
    private byte[] bytes;
    private int from;
    private int length;

    Latin1 of(byte[] bytes, int from, int length) {
      this.bytes = bytes;
      this.from = from;
      this.length = length;
      return this;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public char charAt(int index) {
      return (char) (bytes[from + Objects.checkIndex(index, length)] & 0xFF);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return toString().substring(start, end);
    }

    @Override
    public String toString() {
      return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
    }
  }

  /** {@code text.indexOf(c, from)} for any text. */
  private static int indexOf(CharSequence text, char c, int from) {
    if (text instanceof String s) {
      return s.indexOf(c, from);
    }
    for (int i = Math.max(from, 0); i < text.length(); i++) {
      if (text.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isChannelLike(String text) {
    return text.length() > 2
        && text.startsWith("CH")
        && (isDigit(text.charAt(2)) || text.charAt(2) == '=');
  }

  /**
   * {@code CHn=s|vvv|ppp|}, read in place: field bounds by index, numbers digit by digit, nothing
   * cut out of the line.
   */
  private static IsoTekFrame parseChannel(CharSequence text, int[] bounds) {
    int eq = indexOf(text, '=', 0);
    if (eq < 0) {
      return new Malformed(text.toString(), "no '=' after the channel number", true);
    }
    int number = eq - 2 > 2 ? -1 : number(text, 2, eq);
    if (number < 0 || number > IsoTekFrame.MAX_CHANNEL) {
      return new Malformed(text.toString(), "channel number is not 0..16", true);
    }
    if (fieldBounds(text, eq + 1, 3, bounds) != 3) {
      return new Malformed(text.toString(), "expected three fields s|vvv|ppp|", true);
    }
    if (bounds[1] - bounds[0] != 1
        || (text.charAt(bounds[0]) != '0' && text.charAt(bounds[0]) != '1')) {
      return new Malformed(text.toString(), "state is not 0 or 1", true);
    }
    double volts = decimal(text, bounds[2], bounds[3]);
    double watts = decimal(text, bounds[4], bounds[5]);
    if (volts < 0) {
      return new Malformed(text.toString(), "voltage is not a number", true);
    }
    if (watts < 0) {
      return new Malformed(text.toString(), "power is not a number", true);
    }
    return new Channel(number, text.charAt(bounds[0]) == '1', volts, watts);
  }

  /** {@code RTC=yyyy/mm|dd|hh|min|ss|}, read in place like a channel line. */
  private static IsoTekFrame parseClock(String text) {
    if (!text.startsWith("RTC=")) {
      return new Malformed(text, "no '=' after RTC", true);
    }
    if (text.length() < 9
        || number(text, 4, 8) < 0
        || (text.charAt(8) != '/' && text.charAt(8) != '|')) {
      return new Malformed(text, "expected yyyy/mm|dd|hh|min|ss|", true);
    }
    int[] bounds = new int[10];
    if (fieldBounds(text, 9, 5, bounds) != 5) {
      return new Malformed(text, "expected yyyy/mm|dd|hh|min|ss|", true);
    }
    int[] values = new int[5];
    for (int i = 0; i < 5; i++) {
      int from = bounds[2 * i];
      int to = bounds[2 * i + 1];
      values[i] = to - from > 2 ? -1 : number(text, from, to);
      if (values[i] < 0) {
        return new Malformed(text, "expected yyyy/mm|dd|hh|min|ss|", true);
      }
    }
    try {
      LocalDateTime time =
          LocalDateTime.of(
              number(text, 4, 8), values[0], values[1], values[2], values[3], values[4]);
      return new Clock(time);
    } catch (DateTimeException e) {
      return new Malformed(text, "not a valid date and time", true);
    }
  }

  /**
   * The fields of {@code a|b|c|} from {@code from} to the end of {@code text}, as {@link
   * #fields(String, int)} cuts them, but as bounds: field {@code i} runs from {@code bounds[2i]} to
   * {@code bounds[2i + 1]}. Returns how many fields there are, or -1 when there are more than
   * {@code max}.
   */
  private static int fieldBounds(CharSequence text, int from, int max, int[] bounds) {
    int count = 0;
    int start = from;
    int length = text.length();
    while (start < length) {
      int bar = indexOf(text, '|', start);
      int end = bar < 0 ? length : bar;
      if (count == max) {
        return -1;
      }
      bounds[2 * count] = start;
      bounds[2 * count + 1] = end;
      count++;
      if (bar < 0) {
        break;
      }
      start = bar + 1;
    }
    return count;
  }

  /**
   * The whole number written by the digits {@code text[from, to)}, at least one; -1 if there are
   * none or something else is there. At most {@value #MAX_DIGITS} digits: callers bound it.
   */
  private static int number(CharSequence text, int from, int to) {
    if (from >= to || to - from > MAX_DIGITS) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isNumbered(String text, char letter) {
    return text.length() > 2 && text.charAt(0) == letter && isDigit(text.charAt(1));
  }

  /** {@code Cn=nnnnnnnn|t|d|}; a name shorter than 8 is tolerated, a longer one is not. */
  private static IsoTekFrame parseSetting(String text) {
    int eq = text.indexOf('=');
    String digits = eq < 0 ? "" : text.substring(1, eq);
    if (digits.isEmpty() || digits.length() > 2 || !allDigits(digits)) {
      return new Malformed(text, "expected Cn=nnnnnnnn|t|d|", false);
    }
    int number = Integer.parseInt(digits);
    List<String> fields = fields(text.substring(eq + 1), 3);
    if (number < 1 || number > IsoTekFrame.MAX_CHANNEL) {
      return new Malformed(text, "outlet number is not 1..16", false);
    }
    if (fields == null || fields.size() != 3) {
      return new Malformed(text, "expected three fields nnnnnnnn|t|d|", false);
    }
    String name = fields.get(0);
    if (name.length() > 8) {
      return new Malformed(text, "name longer than 8 characters", false);
    }
    int type = small(fields.get(1), 1);
    int delay = small(fields.get(2), 5);
    if (type < 1 || type > 3) {
      return new Malformed(text, "outlet type is not 1, 2 or 3", false);
    }
    if (delay < 0) {
      return new Malformed(text, "delay is not a number of seconds", false);
    }
    return new IsoTekFrame.OutletSetting(number, name.stripTrailing(), type, delay);
  }

  /** {@code Pn=id|type|name|hh:min|dd|power|operator|channel|status_value|status_slot|setup|}. */
  private static IsoTekFrame parseSchedule(String text) {
    int eq = text.indexOf('=');
    String digits = eq < 0 ? "" : text.substring(1, eq);
    if (digits.isEmpty() || digits.length() > 3 || !allDigits(digits)) {
      return new Malformed(text, "expected Pn=id|type|name|hh:min|...", false);
    }
    List<String> f = fields(text.substring(eq + 1), 11);
    if (f == null || f.size() != 11) {
      return new Malformed(text, "expected eleven fields", false);
    }
    int id = small(f.get(0), 3);
    int type = small(f.get(1), 1);
    String name = f.get(2);
    String time = f.get(3);
    int colon = time.indexOf(':');
    int hour = colon < 0 ? -1 : small(time.substring(0, colon), 2);
    int minute = colon < 0 ? -1 : small(time.substring(colon + 1), 2);
    int day = small(f.get(4), 2);
    double watts = decimal(f.get(5));
    int operator = small(f.get(6), 1);
    int channel = small(f.get(7), 2);
    int setup = small(f.get(10), 1);
    String problem = null;
    if (id < 0) {
      problem = "id is not a number";
    } else if (type < 1 || type > 2) {
      problem = "type is not 1 or 2";
    } else if (name.length() > 8) {
      problem = "name longer than 8 characters";
    } else if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
      problem = "time is not hh:min";
    } else if (day < 0 || day > 31) {
      problem = "day is not 0..31";
    } else if (watts < 0) {
      problem = "power is not a number";
    } else if (operator < 0 || operator > 2) {
      problem = "operator is not 1 or 2";
    } else if (channel < 1 || channel > IsoTekFrame.MAX_CHANNEL) {
      problem = "channel is not 1..16";
    } else if (setup < 1 || setup > 3) {
      problem = "setup is not 1, 2 or 3";
    }
    if (problem != null) {
      return new Malformed(text, problem, false);
    }
    return new IsoTekFrame.ScheduleRecord(
        Integer.parseInt(digits),
        id,
        type,
        name.stripTrailing(),
        hour,
        minute,
        day,
        watts,
        operator,
        channel,
        setup);
  }

  /** A whole number of at most {@code maxDigits} digits; -1 if it is not. */
  private static int small(String text, int maxDigits) {
    if (text.isEmpty() || text.length() > maxDigits || !allDigits(text)) {
      return -1;
    }
    return Integer.parseInt(text);
  }

  private static IsoTekFrame parseAddress(String text) {
    List<String> fields = fields(text.substring(2), MAX_ADDRESS_FIELDS);
    if (fields == null) {
      return new Malformed(text, "more than " + MAX_ADDRESS_FIELDS + " fields", false);
    }
    if (fields.isEmpty() || fields.get(0).isEmpty()) {
      return new Malformed(text, "no serial number", false);
    }
    return new Address(fields);
  }

  /**
   * Splits {@code a|b|c|} into its fields; the last {@code |} is optional. Returns null when there
   * are more than {@code max} fields, so a hostile line costs at most {@code max} substrings.
   */
  private static List<String> fields(String text, int max) {
    List<String> out = new ArrayList<>(max);
    int start = 0;
    while (start < text.length()) {
      int bar = text.indexOf('|', start);
      int end = bar < 0 ? text.length() : bar;
      if (out.size() == max) {
        return null;
      }
      out.add(text.substring(start, end));
      if (bar < 0) {
        break;
      }
      start = bar + 1;
    }
    return out;
  }

  /** A non-negative decimal such as {@code 230}, {@code 0.25}, {@code 1234.5}; -1 if it is not. */
  private static double decimal(String text) {
    return decimal(text, 0, text.length());
  }

  /**
   * The decimal written in {@code text[from, to)}, -1 if it is not one. Read in fixed point: at
   * most {@value #MAX_DIGITS} digits each side make a numerator below 10^12, exact in a double, so
   * one division by an exact power of ten gives the double nearest the decimal, as {@link
   * Double#parseDouble} would.
   */
  private static double decimal(CharSequence text, int from, int to) {
    int dot = indexOf(text, '.', from);
    if (dot >= to) {
      dot = -1;
    }
    int wholeEnd = dot < 0 ? to : dot;
    long whole = number(text, from, wholeEnd);
    if (whole < 0) {
      return -1;
    }
    if (dot < 0) {
      return whole;
    }
    int fraction = number(text, dot + 1, to);
    if (fraction < 0) {
      return -1;
    }
    int digits = to - dot - 1;
    return (whole * POWERS_OF_TEN[digits] + fraction) / (double) POWERS_OF_TEN[digits];
  }

  private static final long[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

  private static boolean allDigits(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (!isDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
