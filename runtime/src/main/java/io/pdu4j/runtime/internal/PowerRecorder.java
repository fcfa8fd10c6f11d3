package io.pdu4j.runtime.internal;

import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.runtime.history.PowerHistory;
import io.pdu4j.runtime.history.PowerSeries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The power history of one device: ring buffers of an hour's slots of one step each (the runtime's
 * {@link PowerHistory#checkStep step}, {@link PowerHistory#DEFAULT_STEP 1 min} by default), fed by
 * the device's {@link DeviceEvent.StatusReported status reports} (never by asking the device). Slot
 * {@code k} holds the step that starts at {@code k * step} since the epoch, modulo the ring; a slot
 * still holding an older step reads as a gap, so a device that went quiet leaves gaps, not old or
 * zero values. Each slot keeps the mean of the readings in its step. Memory is bounded: see {@link
 * PowerHistory#MAX_OUTLETS}.
 *
 * <p>Thread-safe: reports arrive on the device's I/O thread, snapshots are taken on others.
 */
public final class PowerRecorder {
  private static final int SMALL = 128;

  private final String device;
  private final Clock clock;
  private final Duration step;
  private final long stepMillis;
  private final int n; // slots
  private final long[] slotStep; // the step each slot holds; guarded by this
  private final int[] reports; // reports recorded in each slot's step; guarded by this
  private int sequence; // counts reports, to see which series missed one; guarded by this
  private final Ring watts;
  private final Ring volts;
  private final Map<Integer, OutletRings> outlets = new TreeMap<>(); // guarded by this
  // the same rings by number for numbers 0 to 127, grown to the highest seen: a report looks its
  // outlets up here rather than in the tree; guarded by this
  private OutletRings[] byNumber = new OutletRings[0];

  /**
   * The mean of the readings of each step. Compact while the series had a reading in every report
   * since it was made (the usual case: a unit reports all its outlets every time): then it keeps
   * only the sums, a gap as {@link Float#NaN}, and its count in a slot is that slot's {@link
   * #reports}. The first time it misses a report, or starts in the middle of a step, it gets counts
   * of its own.
   */
  private final class Ring {
    final float[] sum = new float[n];
    short[] count; // null while compact
    int lastReport = -1; // the sequence of the last report that gave it a reading

    Ring() {
      Arrays.fill(sum, Float.NaN);
    }

    /** Adds a reading to the report being recorded, in {@code slot} ({@link #reports} so far). */
    void add(int slot, double value) {
      boolean again = lastReport == sequence; // a second reading in one report
      lastReport = sequence;
      if (count == null) {
        int before = reports[slot];
        if (!again && before == 0) {
          sum[slot] = (float) value;
          return;
        }
        if (!again && !Float.isNaN(sum[slot]) && before < Short.MAX_VALUE) {
          sum[slot] += (float) value;
          return;
        }
        ownCounts(slot, again);
      }
      if (count[slot] < Short.MAX_VALUE) {
        sum[slot] += (float) value;
        count[slot]++;
      }
    }

    /** After a report: a compact series that had readings in this step but none in it. */
    void afterReport(int slot) {
      if (count == null && lastReport != sequence && reports[slot] > 0 && !Float.isNaN(sum[slot])) {
        ownCounts(slot, false);
      }
    }

    /**
     * Counts of its own, from the slots' report counts (a gap counts none; {@code inThisReport}: it
     * already has a reading of the report being recorded, which {@link #reports} does not count
     * yet).
     */
    private void ownCounts(int slot, boolean inThisReport) {
      count = new short[n];
      for (int s = 0; s < n; s++) {
        if (Float.isNaN(sum[s])) {
          sum[s] = 0;
        } else {
          int n = reports[s] + (s == slot && inThisReport ? 1 : 0);
          count[s] = (short) Math.min(n, Short.MAX_VALUE);
        }
      }
    }

    void clear(int slot) {
      if (count == null) {
        sum[slot] = Float.NaN;
      } else {
        sum[slot] = 0;
        count[slot] = 0;
      }
    }

    double mean(int slot) {
      if (count == null) {
        return Float.isNaN(sum[slot]) ? Double.NaN : sum[slot] / reports[slot];
      }
      return count[slot] == 0 ? Double.NaN : sum[slot] / count[slot];
    }
  }

  private final class OutletRings {
    String id;
    String name;
    final Ring watts = new Ring();
    Ring volts; // made when the outlet first reports a voltage

    OutletRings(String id, String name) {
      this.id = id;
      this.name = name;
    }
  }

  /**
   * @param device the device's name, as its snapshots carry it
   * @param clock the runtime's clock: the end of every snapshot
   * @param step the width of one point ({@link PowerHistory#checkStep})
   */
  public PowerRecorder(String device, Clock clock, Duration step) {
    this.device = Objects.requireNonNull(device, "device");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.n = PowerHistory.points(step);
    this.step = step;
    this.stepMillis = step.toMillis();
    this.slotStep = new long[n];
    this.reports = new int[n];
    Arrays.fill(slotStep, Long.MIN_VALUE);
    this.watts = new Ring();
    this.volts = new Ring();
  }

  /** Records the readings of a status report; other events carry no readings to record. */
  public void onEvent(DeviceEvent event) {
    if (event instanceof DeviceEvent.StatusReported s) {
      record(s.status());
    }
  }

  /**
   * Records one status report in the step of its {@link DeviceStatus#receivedAt()}; a report older
   * than the step its slot holds now (over an hour late) is dropped.
   */
  public synchronized void record(DeviceStatus status) {
    long step = Math.floorDiv(status.receivedAt().toEpochMilli(), stepMillis);
    int slot = (int) Math.floorMod(step, (long) n);
    if (slotStep[slot] > step) {
      return;
    }
    if (slotStep[slot] != step) {
      slotStep[slot] = step;
      reports[slot] = 0;
      watts.clear(slot);
      volts.clear(slot);
      for (OutletRings o : outlets.values()) {
        o.watts.clear(slot);
        if (o.volts != null) {
          o.volts.clear(slot);
        }
      }
    }
    double wattSum = 0;
    int wattCount = 0;
    double voltSum = 0;
    int voltCount = 0;
    for (OutletStatus o : status.outlets()) {
      int number = o.number();
      boolean small = number >= 0 && number < SMALL;
      OutletRings rings =
          small ? (number < byNumber.length ? byNumber[number] : null) : outlets.get(number);
      if (rings == null && o.power().isPresent() && outlets.size() < PowerHistory.MAX_OUTLETS) {
        rings = new OutletRings(o.id(), o.name());
        outlets.put(number, rings);
        if (small) {
          if (number >= byNumber.length) {
            byNumber = Arrays.copyOf(byNumber, number + 1);
          }
          byNumber[number] = rings;
        }
      }
      if (rings != null) {
        rings.id = o.id();
        rings.name = o.name();
      }
      if (o.power().isPresent()) {
        wattSum += o.power().getAsDouble();
        wattCount++;
        if (rings != null) {
          rings.watts.add(slot, o.power().getAsDouble());
        }
      }
      if (o.voltage().isPresent()) {
        voltSum += o.voltage().getAsDouble();
        voltCount++;
        if (rings != null) {
          if (rings.volts == null) {
            rings.volts = new Ring();
          }
          rings.volts.add(slot, o.voltage().getAsDouble());
        }
      }
    }
    OptionalDouble inputWatts = status.input().map(r -> r.power()).orElse(OptionalDouble.empty());
    OptionalDouble inputVolts = status.input().map(r -> r.voltage()).orElse(OptionalDouble.empty());
    if (inputWatts.isPresent()) {
      watts.add(slot, inputWatts.getAsDouble());
    } else if (wattCount > 0) {
      watts.add(slot, wattSum);
    }
    if (inputVolts.isPresent()) {
      volts.add(slot, inputVolts.getAsDouble());
    } else if (voltCount > 0) {
      volts.add(slot, voltSum / voltCount);
    }
    watts.afterReport(slot);
    volts.afterReport(slot);
    for (OutletRings o : outlets.values()) {
      o.watts.afterReport(slot);
      if (o.volts != null) {
        o.volts.afterReport(slot);
      }
    }
    if (reports[slot] < Integer.MAX_VALUE) {
      reports[slot]++;
    }
    sequence++;
  }

  /** The last hour up to the clock's now, oldest point first. */
  public synchronized PowerHistory snapshot() {
    long last = Math.floorDiv(clock.instant().toEpochMilli(), stepMillis);
    long first = last - n + 1;
    List<Instant> times = new ArrayList<>(n);
    int[] slots = new int[n];
    boolean[] held = new boolean[n];
    for (int i = 0; i < n; i++) {
      long s = first + i;
      times.add(Instant.ofEpochMilli(s * stepMillis));
      slots[i] = (int) Math.floorMod(s, (long) n);
      held[i] = slotStep[slots[i]] == s;
    }
    List<PowerHistory.OutletHistory> list = new ArrayList<>(outlets.size());
    for (Map.Entry<Integer, OutletRings> e : outlets.entrySet()) {
      OutletRings o = e.getValue();
      list.add(
          new PowerHistory.OutletHistory(
              e.getKey(),
              o.id,
              o.name,
              series(o.watts, slots, held),
              Optional.ofNullable(o.volts).map(r -> series(r, slots, held))));
    }
    return new PowerHistory(
        device, step, times, series(watts, slots, held), series(volts, slots, held), list);
  }

  private PowerSeries series(Ring ring, int[] slots, boolean[] held) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = held[i] ? ring.mean(slots[i]) : Double.NaN;
    }
    return PowerSeries.of(values);
  }
}
