package io.pdu4j.driver.isotek.internal;

import io.pdu4j.driver.isotek.internal.IsoTekFrame.Address;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Channel;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Clock;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Malformed;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Unknown;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The first, substring-based {@link IsoTekParser}, kept as the reference its index-based parse must
 * agree with on every line.
 */
final class ReferenceIsoTekParser {

  /** The longest line parsed; longer lines are cut to this and refused. */
  static final int MAX_LINE = 256;

  /** The most digits accepted before or after the decimal point of a reading. */
  static final int MAX_DIGITS = 6;

  /** An address line has six fields; a few more are tolerated, no more. */
  private static final int MAX_ADDRESS_FIELDS = 8;

  private ReferenceIsoTekParser() {}

  /** Parses one line (without its line end). Never throws; {@code null} reads as empty. */
  static IsoTekFrame parse(String line) {
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
      return parseChannel(text);
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

  private static boolean isChannelLike(String text) {
    return text.length() > 2
        && text.startsWith("CH")
        && (isDigit(text.charAt(2)) || text.charAt(2) == '=');
  }

  private static IsoTekFrame parseChannel(String text) {
    int eq = text.indexOf('=');
    if (eq < 0) {
      return new Malformed(text, "no '=' after the channel number", true);
    }
    String digits = text.substring(2, eq);
    if (digits.isEmpty() || digits.length() > 2 || !allDigits(digits)) {
      return new Malformed(text, "channel number is not 0..16", true);
    }
    int number = Integer.parseInt(digits);
    if (number > IsoTekFrame.MAX_CHANNEL) {
      return new Malformed(text, "channel number is not 0..16", true);
    }
    List<String> fields = fields(text.substring(eq + 1), 3);
    if (fields == null || fields.size() != 3) {
      return new Malformed(text, "expected three fields s|vvv|ppp|", true);
    }
    String state = fields.get(0);
    if (!state.equals("0") && !state.equals("1")) {
      return new Malformed(text, "state is not 0 or 1", true);
    }
    double volts = decimal(fields.get(1));
    double watts = decimal(fields.get(2));
    if (volts < 0) {
      return new Malformed(text, "voltage is not a number", true);
    }
    if (watts < 0) {
      return new Malformed(text, "power is not a number", true);
    }
    return new Channel(number, state.equals("1"), volts, watts);
  }

  private static IsoTekFrame parseClock(String text) {
    if (!text.startsWith("RTC=")) {
      return new Malformed(text, "no '=' after RTC", true);
    }
    String rest = text.substring(4);
    if (rest.length() < 5
        || !allDigits(rest.substring(0, 4))
        || (rest.charAt(4) != '/' && rest.charAt(4) != '|')) {
      return new Malformed(text, "expected yyyy/mm|dd|hh|min|ss|", true);
    }
    List<String> fields = fields(rest.substring(5), 5);
    if (fields == null || fields.size() != 5) {
      return new Malformed(text, "expected yyyy/mm|dd|hh|min|ss|", true);
    }
    int[] values = new int[5];
    for (int i = 0; i < 5; i++) {
      String f = fields.get(i);
      if (f.isEmpty() || f.length() > 2 || !allDigits(f)) {
        return new Malformed(text, "expected yyyy/mm|dd|hh|min|ss|", true);
      }
      values[i] = Integer.parseInt(f);
    }
    try {
      LocalDateTime time =
          LocalDateTime.of(
              Integer.parseInt(rest.substring(0, 4)),
              values[0],
              values[1],
              values[2],
              values[3],
              values[4]);
      return new Clock(time);
    } catch (DateTimeException e) {
      return new Malformed(text, "not a valid date and time", true);
    }
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
    int dot = text.indexOf('.');
    String whole = dot < 0 ? text : text.substring(0, dot);
    String fraction = dot < 0 ? "" : text.substring(dot + 1);
    if (whole.isEmpty()
        || whole.length() > MAX_DIGITS
        || !allDigits(whole)
        || (dot >= 0 && (fraction.isEmpty() || fraction.length() > MAX_DIGITS))
        || !allDigits(fraction)) {
      return -1;
    }
    return Double.parseDouble(text);
  }

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
