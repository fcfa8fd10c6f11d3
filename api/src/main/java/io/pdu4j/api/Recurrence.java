package io.pdu4j.api;

import java.time.DayOfWeek;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
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

    /** {@code every mon, fri}. */
    @Override
    public String toString() {
      return "every "
          + days.stream()
              .map(d -> d.name().substring(0, 3).toLowerCase(Locale.ROOT))
              .collect(Collectors.joining(", "));
    }
  }
}
