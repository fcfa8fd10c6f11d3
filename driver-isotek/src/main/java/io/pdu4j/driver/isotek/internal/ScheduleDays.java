package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Recurrence;
import io.pdu4j.api.UnsupportedCapabilityException;
import java.time.DayOfWeek;
import java.util.Locale;
import java.util.Optional;

/**
 * How a unit reads the {@code dd} field of a time plan, which the vendor document leaves open
 * (PROTOCOLS.md): the address option {@code days=month} (the default: 0 every day, 1..31 that day
 * of each month) or {@code days=weekday} (0 every day, 1..7 Monday..Sunday, ISO numbering). A unit
 * keeps one day number per record either way, so a rule the reading cannot express is refused
 * before anything is sent.
 */
public enum ScheduleDays {
  /** {@code dd} 0 every day, 1..31 that day of each month. */
  MONTH,
  /** {@code dd} 0 every day, 1..7 that day of each week, Monday = 1. */
  WEEKDAY;

  /** The address option that chooses the reading. */
  public static final String OPTION = "days";

  /** The reading an address asks for: {@code days=month} (the default) or {@code days=weekday}. */
  public static ScheduleDays of(Optional<String> option) {
    if (option.isEmpty()) {
      return MONTH;
    }
    return switch (option.get().toLowerCase(Locale.ROOT)) {
      case "month" -> MONTH;
      case "weekday" -> WEEKDAY;
      default ->
          throw new InvalidArgumentException(
              "days must be 'month' or 'weekday' (how the unit reads a schedule record's day"
                  + " field), got '"
                  + option.get()
                  + "'");
    };
  }

  /** The day field for {@code recurrence}; refused when this reading cannot express it. */
  int field(Recurrence recurrence) {
    if (recurrence instanceof Recurrence.Daily) {
      return 0;
    }
    if (this == MONTH && recurrence instanceof Recurrence.Monthly m) {
      return m.dayOfMonth();
    }
    if (this == WEEKDAY && recurrence instanceof Recurrence.Weekly w && w.days().size() == 1) {
      return w.days().iterator().next().getValue();
    }
    throw new UnsupportedCapabilityException(
        "an IsoTek unit keeps one day number per schedule rule ("
            + (this == MONTH
                ? "every day, or one day of the month"
                : "every day, or one day of the week, as days=weekday reads it")
            + "), so it cannot run a rule "
            + recurrence
            + "; use a host-side schedule (schedules: in devices.yaml, run by pdu4j serve)"
            + " for such rules");
  }

  /** A time plan's day field read back; empty when the field means nothing in this reading. */
  Optional<Recurrence> recurrence(int day) {
    if (day == 0) {
      return Optional.of(Recurrence.daily());
    }
    if (this == MONTH) {
      return day <= 31 ? Optional.of(Recurrence.monthly(day)) : Optional.empty();
    }
    return day <= 7 ? Optional.of(Recurrence.weekly(DayOfWeek.of(day))) : Optional.empty();
  }
}
