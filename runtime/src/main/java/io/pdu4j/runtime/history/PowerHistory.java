package io.pdu4j.runtime.history;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The recent power of one device, as the runtime recorded it from the device's status reports: one
 * point per {@link #step()} over the last {@link #window()}, oldest first, in columns ({@link
 * #times()} and a {@link PowerSeries} per quantity, all of one length). A point is the mean of the
 * readings received in its step; a step without readings (the device was offline, or reports no
 * power) is a gap, never a zero.
 *
 * @param device the device's name
 * @param step the width of one point
 * @param times the start of each point, oldest first; the last one holds the time of the snapshot
 * @param watts the device's total power (W): its input reading when it reports one, else the sum of
 *     its outlets' readings
 * @param volts the device's voltage (V): its input reading when it reports one, else the mean of
 *     its outlets' readings; all gaps for a device that reports no voltage
 * @param outlets each outlet's own series, by outlet number (at most {@link #MAX_OUTLETS})
 */
public record PowerHistory(
    String device,
    Duration step,
    List<Instant> times,
    PowerSeries watts,
    PowerSeries volts,
    List<OutletHistory> outlets) {

  /** How long a history covers: the last hour. */
  public static final Duration WINDOW = Duration.ofHours(1);

  /**
   * The default width of one point: 1 min, 60 points an hour, about 8 KB for a 16-outlet unit
   * reporting power and voltage on every outlet (at 5 s, 720 points, about 75 KB), less with whole
   * readings or one mains voltage on every outlet.
   */
  public static final Duration DEFAULT_STEP = Duration.ofMinutes(1);

  /** The narrowest step a runtime may keep: 5 s. */
  public static final Duration MIN_STEP = Duration.ofSeconds(5);

  /** The widest step a runtime may keep: 5 min. */
  public static final Duration MAX_STEP = Duration.ofMinutes(5);

  /**
   * The most outlets of one device that get series of their own (their readings still count in the
   * device's total beyond this): 64. With two series per outlet and per device, a device's history
   * keeps at most (2 + 2 x 64) floats and counts a point, about 47 KB at the default step (560 KB
   * at 5 s), and usually far less: series are made when an outlet first reports them, and a series
   * that had a reading in every report keeps no counts of its own, and an outlet's voltage series
   * that equals the device's is the device's.
   */
  public static final int MAX_OUTLETS = 64;

  /**
   * Checks a step a runtime is to keep: whole seconds, {@link #MIN_STEP} to {@link #MAX_STEP}, and
   * an hour a whole number of steps (5 s, 10 s, 15 s, 20 s, 30 s, 1 min, 2 min, 5 min, ...).
   *
   * @return the step
   * @throws io.pdu4j.api.InvalidArgumentException when it is not one
   */
  public static Duration checkStep(Duration step) {
    Objects.requireNonNull(step, "step");
    if (step.compareTo(MIN_STEP) < 0
        || step.compareTo(MAX_STEP) > 0
        || step.getNano() != 0
        || WINDOW.getSeconds() % step.getSeconds() != 0) {
      throw new io.pdu4j.api.InvalidArgumentException(
          "a power history step must be whole seconds from 5s to 5m that divide an hour (5s, 10s,"
              + " 15s, 30s, 1m, 2m, 5m, ...), got "
              + io.pdu4j.api.Durations.format(step));
    }
    return step;
  }

  /** How many points an hour holds at {@code step}. */
  public static int points(Duration step) {
    return (int) (WINDOW.getSeconds() / checkStep(step).getSeconds());
  }

  /** The history of one outlet: its series and what it was last called. */
  public record OutletHistory(
      int number, String id, String name, PowerSeries watts, Optional<PowerSeries> volts) {
    /** Checks that every part is there. */
    public OutletHistory {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(watts, "watts");
      Objects.requireNonNull(volts, "volts");
    }
  }

  /** Checks that every series has one value per time, and copies the lists. */
  public PowerHistory {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(step, "step");
    times = List.copyOf(times);
    outlets = List.copyOf(outlets);
    int n = times.size();
    if (watts.size() != n || volts.size() != n) {
      throw new IllegalArgumentException("every series needs " + n + " values");
    }
    for (OutletHistory o : outlets) {
      if (o.watts().size() != n || o.volts().map(PowerSeries::size).orElse(n) != n) {
        throw new IllegalArgumentException("every series needs " + n + " values");
      }
    }
  }

  /** How long it covers: {@link #step()} times the number of points. */
  public Duration window() {
    return step.multipliedBy(times.size());
  }

  /** The outlet of this number, when it reported power. */
  public Optional<OutletHistory> outlet(int number) {
    return outlets.stream().filter(o -> o.number() == number).findFirst();
  }
}
