package io.pdu4j.api;

import java.time.DayOfWeek;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

/**
 * On which days a {@link ScheduleRule.TimePlan} fires: every day, one day of each month, or some
 * days of each week. Immutable values, validated when made; a device that cannot keep a kind of
 * recurrence refuses the rule before anything is sent (see the driver's documentation for what each
 * device keeps).
 */
public sealed interface Recurrence {

  /** Every day. */
  static Recurrence daily() {
    return Daily.INSTANCE;
  }

  /**
   * On one day of each month.
   *
   * @param dayOfMonth 1..31; a month without that day has no firing
   * @throws InvalidArgumentException when it is out of range
   */
  static Recurrence monthly(int dayOfMonth) {
    return new Monthly(dayOfMonth);
  }

  /**
   * On the given days of each week.
   *
   * @param days one or more days
   * @throws InvalidArgumentException when there is none
   */
  static Recurrence weekly(Set<DayOfWeek> days) {
    return new Weekly(days);
  }

  /**
   * The recurrence a short text names, as configuration files and the command line write it: {@code
   * day} (or {@code daily}) every day; {@code 15th} (or {@code 15}) that day of each month; {@code
   * mon,fri} those days of each week (three letters or whole names, any case). {@link #spec()}
   * writes it back.
   *
   * @throws InvalidArgumentException when the text is none of these
   */
  static Recurrence parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("day") || t.equals("daily")) {
      return daily();
    }
    Matcher m = RecurrenceSyntax.DAY_OF_MONTH.matcher(t);
    if (m.matches()) {
      return monthly(Integer.parseInt(m.group(1)));
    }
    EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (String part : t.split(",", -1)) {
      String p = part.strip();
      DayOfWeek found = null;
      for (DayOfWeek d : DayOfWeek.values()) {
        String full = d.name().toLowerCase(Locale.ROOT);
        if (p.equals(full) || p.equals(full.substring(0, 3))) {
          found = d;
        }
      }
      if (found == null) {
        throw new InvalidArgumentException(
            "a recurrence must be day, a day of the month (1st..31st) or days of the week"
                + " (mon,tue,...,sun), got '"
                + text
                + "'");
      }
      days.add(found);
    }
    return weekly(days);
  }

  /**
   * This recurrence in {@link #parse(String)}'s syntax: {@code day}, {@code 15th}, {@code mon,fri}.
   */
  String spec();

  /** As {@link #weekly(Set)}. */
  static Recurrence weekly(DayOfWeek first, DayOfWeek... more) {
    Objects.requireNonNull(first, "first");
    return new Weekly(EnumSet.of(first, more));
  }

  /**
   * Every day.
   *
   * <p>{@code toString()}: {@code every day}.
   */
  record Daily() implements Recurrence {
    private static final Daily INSTANCE = new Daily();

    @Override
    public String spec() {
      return "day";
    }

    @Override
    public String toString() {
      return "every day";
    }
  }

  /**
   * On one day of each month.
   *
   * @param dayOfMonth 1..31
   */
  record Monthly(int dayOfMonth) implements Recurrence {
    /** Validates the day. */
    public Monthly {
      if (dayOfMonth < 1 || dayOfMonth > 31) {
        throw new InvalidArgumentException("day of month must be 1..31, got " + dayOfMonth);
      }
    }

    @Override
    public String spec() {
      int d = dayOfMonth;
      String suffix =
          d % 10 == 1 && d != 11
              ? "st"
              : d % 10 == 2 && d != 12 ? "nd" : d % 10 == 3 && d != 13 ? "rd" : "th";
      return d + suffix;
    }

    /** {@code on day 15 of each month}. */
    @Override
    public String toString() {
      return "on day " + dayOfMonth + " of each month";
    }
  }

  /**
   * On some days of each week.
   *
   * @param days one or more days, unmodifiable, in week order when iterated
   */
  record Weekly(Set<DayOfWeek> days) implements Recurrence {
    /** Validates and copies the days. */
    public Weekly {
      Objects.requireNonNull(days, "days");
      if (days.isEmpty()) {
        throw new InvalidArgumentException("a weekly recurrence needs at least one day");
      }
      days = Collections.unmodifiableSet(EnumSet.copyOf(days));
    }

    @Override
    public String spec() {
      return days.stream().map(RecurrenceSyntax::abbreviation).collect(Collectors.joining(","));
    }

    /** {@code every mon, fri}. */
    @Override
    public String toString() {
      return "every "
          + days.stream().map(RecurrenceSyntax::abbreviation).collect(Collectors.joining(", "));
    }
  }
}
