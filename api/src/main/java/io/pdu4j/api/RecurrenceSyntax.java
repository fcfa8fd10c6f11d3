package io.pdu4j.api;

import java.time.DayOfWeek;
import java.util.Locale;
import java.util.regex.Pattern;

/** What {@link Recurrence#parse(String)} and {@link Recurrence#spec()} share. */
final class RecurrenceSyntax {
  static final Pattern DAY_OF_MONTH = Pattern.compile("(\\d{1,2})(st|nd|rd|th)?");

  private RecurrenceSyntax() {}

  static String abbreviation(DayOfWeek d) {
    return d.name().substring(0, 3).toLowerCase(Locale.ROOT);
  }
}
