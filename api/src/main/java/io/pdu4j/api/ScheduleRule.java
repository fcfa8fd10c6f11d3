package io.pdu4j.api;

import java.time.LocalTime;
import java.util.Objects;

/**
 * A rule a device keeps and runs by itself. A sealed family of {@link TimePlan} and {@link
 * PowerPlan}. Compact constructors check what every device shares (outlet 1 or more, a {@link
 * Recurrence}, power not negative); drivers check the rest (outlet count, name length, the kinds of
 * recurrence the device keeps) before sending.
 */
public sealed interface ScheduleRule {

  /** The rule's name (may be empty). */
  String name();

  /** The outlet the rule acts on, 1-based. */
  int outlet();

  /** What the rule does when it fires. */
  ScheduleAction action();

  /** Whether a power plan fires above or below its threshold. */
  enum Comparison {
    /** Fires when the outlet's power is greater than the threshold. */
    ABOVE,
    /** Fires when the outlet's power is less than the threshold. */
    BELOW
  }

  /**
   * Fires at a time of day.
   *
   * @param name the rule's name
   * @param at the time of day in the device's clock (minute precision)
   * @param recurrence on which days it fires
   * @param outlet the target outlet
   * @param action what to do
   */
  record TimePlan(
      String name, LocalTime at, Recurrence recurrence, int outlet, ScheduleAction action)
      implements ScheduleRule {
    /** Validates the fields, naming the one that is wrong. */
    public TimePlan {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(recurrence, "recurrence");
      Objects.requireNonNull(action, "action");
      Values.requirePositive(outlet, "outlet");
      at = at.withSecond(0).withNano(0);
    }
  }

  /**
   * Fires when the target outlet's power crosses a threshold.
   *
   * @param name the rule's name
   * @param comparison above or below
   * @param watts the threshold in watts, not negative
   * @param outlet the target outlet
   * @param action what to do
   */
  record PowerPlan(
      String name, Comparison comparison, double watts, int outlet, ScheduleAction action)
      implements ScheduleRule {
    /** Validates the fields, naming the one that is wrong. */
    public PowerPlan {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(comparison, "comparison");
      Objects.requireNonNull(action, "action");
      if (!Double.isFinite(watts) || watts < 0) {
        throw new InvalidArgumentException("power must be 0 W or more, got " + watts);
      }
      Values.requirePositive(outlet, "outlet");
    }
  }
}
