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

  /** The width of one point: 5 s. */
  public static final Duration STEP = Duration.ofSeconds(5);

  /** How many points a history holds: 720, one hour at {@link #STEP}. */
  public static final int POINTS = 720;

  /**
   * The most outlets of one device that get series of their own (their readings still count in the
   * device's total beyond this): 64. With two series per outlet and per device, a device's history
   * keeps at most (2 + 2 x 64) x 720 floats and counts, about 560 KB, and usually far less: series
   * are made when an outlet first reports them, and a series that had a reading in every report
   * keeps no counts of its own (about 110 KB for a 16-outlet unit reporting power and voltage on
   * every outlet).
   */
  public static final int MAX_OUTLETS = 64;

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
