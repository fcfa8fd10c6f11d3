package io.pdu4j.sim.isotek.internal;

/**
 * One schedule record as {@code PW=} writes it and {@code P?} reads it back.
 *
 * @param id the record id
 * @param type 1 time plan, 2 power plan
 * @param name at most 8 printable ASCII characters without {@code |}
 * @param hour 0..23
 * @param minute 0..59
 * @param day 0 every day, else the day of the month 1..31
 * @param watts the power threshold
 * @param operator 1 greater than, 2 less than
 * @param channel the target outlet
 * @param statusValue unused, kept as written
 * @param statusSlot unused, kept as written
 * @param setup 1 on, 2 off, 3 restart
 */
public record ScheduleEntry(
    int id,
    int type,
    String name,
    int hour,
    int minute,
    int day,
    int watts,
    int operator,
    int channel,
    int statusValue,
    int statusSlot,
    int setup) {

  /** Validates every field. */
  public ScheduleEntry {
    new OutletConfig(name, OutletConfig.NORMAL, 0); // the same name rules as an outlet's
    check(type >= 1 && type <= 2, "type must be 1 or 2, was " + type);
    check(hour >= 0 && hour <= 23, "hour must be 0..23, was " + hour);
    check(minute >= 0 && minute <= 59, "minute must be 0..59, was " + minute);
    check(day >= 0 && day <= 31, "day must be 0..31, was " + day);
    check(watts >= 0, "power must be at least 0, was " + watts);
    check(operator >= 0 && operator <= 2, "operator must be 1 or 2, was " + operator);
    check(setup >= 1 && setup <= 3, "setup must be 1..3, was " + setup);
  }

  /** The record as {@code P?} lists it, after {@code Pn=}. */
  public String wire() {
    return id
        + "|"
        + type
        + "|"
        + String.format("%-8s", name)
        + "|"
        + String.format("%02d:%02d", hour, minute)
        + "|"
        + day
        + "|"
        + watts
        + "|"
        + operator
        + "|"
        + channel
        + "|"
        + statusValue
        + "|"
        + statusSlot
        + "|"
        + setup
        + "|";
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
