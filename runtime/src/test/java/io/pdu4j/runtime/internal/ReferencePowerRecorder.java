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
 * The first {@link PowerRecorder}, with counts for every series, kept as the reference its compact
 * series must agree with.
 */
final class ReferencePowerRecorder {
  private final Duration stepWidth;
  private final long stepMillis;
  private final int points;
  private final String device;
  private final Clock clock;
  private final long[] slotStep; // the step each slot holds; guarded by this
  private final Ring watts;
  private final Ring volts;
  private final Map<Integer, OutletRings> outlets = new TreeMap<>(); // guarded by this

  /** The mean of the readings of each step: sums and counts, allocated once. */
  private final class Ring {
    final float[] sum = new float[points];
    final short[] count = new short[points];

    void add(int slot, double value) {
      if (count[slot] < Short.MAX_VALUE) {
        sum[slot] += (float) value;
        count[slot]++;
      }
    }

    void clear(int slot) {
      sum[slot] = 0;
      count[slot] = 0;
    }

    double mean(int slot) {
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
   */
  ReferencePowerRecorder(String device, Clock clock, Duration step) {
    this.device = Objects.requireNonNull(device, "device");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.stepWidth = step;
    this.stepMillis = step.toMillis();
    this.points = PowerHistory.points(step);
    this.slotStep = new long[points];
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
    int slot = (int) Math.floorMod(step, (long) points);
    if (slotStep[slot] > step) {
      return;
    }
    if (slotStep[slot] != step) {
      slotStep[slot] = step;
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
      OutletRings rings = outlets.get(o.number());
      if (rings == null && o.power().isPresent() && outlets.size() < PowerHistory.MAX_OUTLETS) {
        rings = new OutletRings(o.id(), o.name());
        outlets.put(o.number(), rings);
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
  }

  /** The last hour up to the clock's now, oldest point first. */
  public synchronized PowerHistory snapshot() {
    long last = Math.floorDiv(clock.instant().toEpochMilli(), stepMillis);
    long first = last - points + 1;
    List<Instant> times = new ArrayList<>(points);
    int[] slots = new int[points];
    boolean[] held = new boolean[points];
    for (int i = 0; i < points; i++) {
      long step = first + i;
      times.add(Instant.ofEpochMilli(step * stepMillis));
      slots[i] = (int) Math.floorMod(step, (long) points);
      held[i] = slotStep[slots[i]] == step;
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
        device, stepWidth, times, series(watts, slots, held), series(volts, slots, held), list);
  }

  private PowerSeries series(Ring ring, int[] slots, boolean[] held) {
    double[] values = new double[points];
    for (int i = 0; i < points; i++) {
      values[i] = held[i] ? ring.mean(slots[i]) : Double.NaN;
    }
    return PowerSeries.of(values);
  }
}
