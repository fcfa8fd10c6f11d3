package io.pdu4j.runtime.config;

import io.pdu4j.api.InvalidArgumentException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A schedule the host runs ({@code schedules:} in the file): at a time of day, on some days of the
 * week, switch outlets, for any device, including ones with no schedule store of their own.
 *
 * @param name the schedule's name
 * @param at the time of day, in the host's time zone
 * @param days the days it runs on; every day when the file lists none
 * @param action {@code on}, {@code off} or {@code cycle} (the outlet's own reset delay)
 * @param outlets the outlets, switched in order
 */
public record HostScheduleConfig(
    String name, LocalTime at, Set<DayOfWeek> days, String action, List<OutletRef> outlets) {
  /** Validates the action and copies the collections. */
  public HostScheduleConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(action, "action");
    days = days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(days);
    days = Set.copyOf(days);
    outlets = List.copyOf(outlets);
    if (!List.of("on", "off", "cycle").contains(action)) {
      throw new InvalidArgumentException(
          "unknown action '" + action + "'; the actions are on, off, cycle");
    }
    if (outlets.isEmpty()) {
      throw new InvalidArgumentException("a schedule needs at least one outlet");
    }
  }

  /** A day written as {@code mon} … {@code sun} (or the full English name). */
  public static DayOfWeek day(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      String full = d.name().toLowerCase(Locale.ROOT);
      if (t.equals(full) || t.equals(full.substring(0, 3))) {
        return d;
      }
    }
    throw new InvalidArgumentException(
        "not a day: '" + text + "'; write mon, tue, wed, thu, fri, sat or sun");
  }

  /** A time of day written {@code HH:MM} (24 h). */
  public static LocalTime time(String text) {
    try {
      LocalTime t = LocalTime.parse(text.strip());
      if (t.getSecond() != 0 || t.getNano() != 0) {
        throw new InvalidArgumentException("at: whole minutes only, HH:MM, got '" + text + "'");
      }
      return t;
    } catch (java.time.format.DateTimeParseException e) {
      throw new InvalidArgumentException(
          "not a time of day: '" + text + "'; write HH:MM, e.g. 23:00");
    }
  }
}
