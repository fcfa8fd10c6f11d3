package io.pdu4j.driver.isotek.internal;

import io.pdu4j.driver.isotek.internal.IsoTekFrame.Address;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Channel;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Clock;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Malformed;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Unknown;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;

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
      ChannelLine channel = new ChannelLine();
      byte[] bytes = latin1(text);
      IsoTekFrame malformed = readChannel(bytes, 0, bytes.length, channel, text);
      return malformed != null ? malformed : channel.frame();
    }
    if (text.startsWith("RTC")) {
      byte[] bytes = latin1(text);
      return readClock(bytes, 0, bytes.length, new ChannelLine(), text);
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
   * {@link #parse(String)} parses the same text: {@link #read} and, for a channel line, its frame.
   *
   * @param line reused from line to line by one reader; it holds a channel line's values
   */
  static IsoTekFrame parse(byte[] bytes, int from, int length, ChannelLine line) {
    IsoTekFrame frame = read(bytes, from, length, line);
    return frame != null ? frame : line.frame();
  }

  /**
   * Reads one line given as ISO-8859-1 bytes, {@code bytes[from, from + length)}, as {@link
   * #parse(String)} parses the same text, but a well-formed channel line (the bulk of every status:
   * the unit sends 17 a second) makes no frame: its values go into {@code line} and this returns
   * null. Channel and clock lines with no blank around them are read where they are, without a
   * string; any other line is decoded and parsed as text.
   *
   * @param line reused from line to line by one reader; holds the channel line's values after a
   *     null return, until the next call
   * @return the line's frame, or null when it was a well-formed channel line, now in {@code line}
   */
  static IsoTekFrame read(byte[] bytes, int from, int length, ChannelLine line) {
    // starts with C or R and ends in printable ASCII: strip() would leave it as it is
    if (length > 2 && length <= MAX_LINE && bytes[from + length - 1] > ' ') {
      byte second = bytes[from + 1];
      byte third = bytes[from + 2];
      if (bytes[from] == 'C' && second == 'H' && (isDigit(third) || third == '=')) {
        return readChannel(bytes, from, from + length, line, null);
      }
      if (bytes[from] == 'R' && second == 'T' && third == 'C') {
        return readClock(bytes, from, from + length, line, null);
      }
    }
    return parse(new String(bytes, from, length, StandardCharsets.ISO_8859_1));
  }

  /**
   * A channel line's values as {@link #read} leaves them, and the field bounds it reads them with:
   * made once per reader and reused for every line, so that a status's 17 channel lines make no
   * object each. Not thread-safe.
   */
  static final class ChannelLine {
    // field bounds of a channel (3 fields) or clock (5 fields) line, and a clock line's numbers
    private final int[] bounds = new int[10];
    private final int[] values = new int[5];
    private LocalDate date; // of the last clock line read
    int number;
    boolean on;
    double volts;
    double watts;

    /** The frame of the channel line last read. */
    IsoTekFrame.Channel frame() {
      return new Channel(number, on, volts, watts);
    }
  }

  /**
   * {@code text} as ISO-8859-1 bytes. A char beyond ISO-8859-1 becomes {@code ?} (a surrogate pair
   * one {@code ?}, so the bytes may be fewer than the chars), which, like the char itself, is none
   * of the digits, {@code =}, {@code |}, {@code /} and {@code .} the status lines are read by: the
   * line reads the same.
   */
  private static byte[] latin1(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The line {@code bytes[from, to)} as text: {@code raw} when the caller has it. */
  private static String text(byte[] bytes, int from, int to, String raw) {
    return raw != null ? raw : new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
  }

  /** The index of the first {@code c} in {@code bytes[from, to)}, or -1. */
  private static int indexOf(byte[] bytes, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == c) {
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
   * {@code CHn=s|vvv|ppp|} in {@code bytes[from, to)}, read in place: field bounds by index,
   * numbers digit by digit, nothing cut out of the line. Its values go into {@code line}.
   *
   * @param raw the line as text when the caller has it, else null (made only for a malformed line)
   * @return null when the line is well-formed, else what is wrong with it
   */
  private static Malformed readChannel(
      byte[] bytes, int from, int to, ChannelLine line, String raw) {
    int eq = indexOf(bytes, '=', from, to);
    if (eq < 0) {
      return new Malformed(text(bytes, from, to, raw), "no '=' after the channel number", true);
    }
    int number = eq - from - 2 > 2 ? -1 : number(bytes, from + 2, eq);
    if (number < 0 || number > IsoTekFrame.MAX_CHANNEL) {
      return new Malformed(text(bytes, from, to, raw), "channel number is not 0..16", true);
    }
    int[] bounds = line.bounds;
    if (fieldBounds(bytes, eq + 1, to, 3, bounds) != 3) {
      return new Malformed(text(bytes, from, to, raw), "expected three fields s|vvv|ppp|", true);
    }
    byte state = bytes[bounds[0]];
    if (bounds[1] - bounds[0] != 1 || (state != '0' && state != '1')) {
      return new Malformed(text(bytes, from, to, raw), "state is not 0 or 1", true);
    }
    double volts = decimal(bytes, bounds[2], bounds[3]);
    double watts = decimal(bytes, bounds[4], bounds[5]);
    if (volts < 0) {
      return new Malformed(text(bytes, from, to, raw), "voltage is not a number", true);
    }
    if (watts < 0) {
      return new Malformed(text(bytes, from, to, raw), "power is not a number", true);
    }
    line.number = number;
    line.on = state == '1';
    line.volts = volts;
    line.watts = watts;
    return null;
  }

  /**
   * {@code RTC=yyyy/mm|dd|hh|min|ss|} in {@code bytes[from, to)}, read in place like a channel
   * line.
   *
   * @param raw the line as text when the caller has it, else null (made only for a malformed line)
   */
  private static IsoTekFrame readClock(
      byte[] bytes, int from, int to, ChannelLine line, String raw) {
    if (to - from < 4 || bytes[from + 3] != '=') {
      return new Malformed(text(bytes, from, to, raw), "no '=' after RTC", true);
    }
    if (to - from < 9
        || number(bytes, from + 4, from + 8) < 0
        || (bytes[from + 8] != '/' && bytes[from + 8] != '|')) {
      return new Malformed(text(bytes, from, to, raw), "expected yyyy/mm|dd|hh|min|ss|", true);
    }
    int[] bounds = line.bounds;
    if (fieldBounds(bytes, from + 9, to, 5, bounds) != 5) {
      return new Malformed(text(bytes, from, to, raw), "expected yyyy/mm|dd|hh|min|ss|", true);
    }
    int[] values = line.values;
    for (int i = 0; i < 5; i++) {
      int start = bounds[2 * i];
      int end = bounds[2 * i + 1];
      values[i] = end - start > 2 ? -1 : number(bytes, start, end);
      if (values[i] < 0) {
        return new Malformed(text(bytes, from, to, raw), "expected yyyy/mm|dd|hh|min|ss|", true);
      }
    }
    try {
      // LocalDateTime.of(year, month, day, hour, minute, second), with the date of the clock line
      // before when it is the same day (as it is all day long, a line a second)
      int year = number(bytes, from + 4, from + 8);
      LocalDate date = line.date;
      if (date == null
          || date.getDayOfMonth() != values[1]
          || date.getMonthValue() != values[0]
          || date.getYear() != year) {
        date = LocalDate.of(year, values[0], values[1]);
        line.date = date;
      }
      return new Clock(LocalDateTime.of(date, LocalTime.of(values[2], values[3], values[4])));
    } catch (DateTimeException e) {
      return new Malformed(text(bytes, from, to, raw), "not a valid date and time", true);
    }
  }

  /**
   * The fields of {@code a|b|c|} in {@code bytes[from, to)}, as {@link #fields(String, int)} cuts
   * them, but as bounds: field {@code i} runs from {@code bounds[2i]} to {@code bounds[2i + 1]}.
   * Returns how many fields there are, or -1 when there are more than {@code max}.
   */
  private static int fieldBounds(byte[] bytes, int from, int to, int max, int[] bounds) {
    int count = 0;
    int start = from;
    while (start < to) {
      int bar = indexOf(bytes, '|', start, to);
      int end = bar < 0 ? to : bar;
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
   * The whole number written by the digits {@code bytes[from, to)}, at least one; -1 if there are
   * none or something else is there. At most {@value #MAX_DIGITS} digits: callers bound it.
   */
  private static int number(byte[] bytes, int from, int to) {
    if (from >= to || to - from > MAX_DIGITS) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (!isDigit(b)) {
        return -1;
      }
      value = value * 10 + (b - '0');
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
    return decimal(latin1(text), 0, text.length());
  }

  /**
   * The decimal written in {@code bytes[from, to)}, -1 if it is not one. Read in fixed point: at
   * most {@value #MAX_DIGITS} digits each side make a numerator below 10^12, exact in a double, so
   * one division by an exact power of ten gives the double nearest the decimal, as {@link
   * Double#parseDouble} would.
   */
  private static double decimal(byte[] bytes, int from, int to) {
    int dot = indexOf(bytes, '.', from, to);
    int wholeEnd = dot < 0 ? to : dot;
    long whole = number(bytes, from, wholeEnd);
    if (whole < 0) {
      return -1;
    }
    if (dot < 0) {
      return whole;
    }
    int fraction = number(bytes, dot + 1, to);
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

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }
}
