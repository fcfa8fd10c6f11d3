package io.pdu4j.runtime.internal;

import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerReading;
import io.pdu4j.runtime.history.PowerHistory;
import io.pdu4j.runtime.history.PowerSeries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The power history of one device: ring buffers of an hour's slots of one step each (the runtime's
 * {@link PowerHistory#checkStep step}, {@link PowerHistory#DEFAULT_STEP 1 min} by default), fed by
 * the device's {@link DeviceEvent.StatusReported status reports} (never by asking the device). Slot
 * {@code k} holds the step that starts at {@code k * step} since the epoch, modulo the ring; a slot
 * still holding an older step reads as a gap, so a device that went quiet leaves gaps, not old or
 * zero values. Each slot keeps the mean of the readings in its step. Memory is bounded: see {@link
 * PowerHistory#MAX_OUTLETS}; an outlet whose voltage series would be a copy of the device's (one
 * mains voltage on the input and every outlet, as most units report) shares the device's until the
 * two differ.
 *
 * <p>Thread-safe: reports arrive on the device's I/O thread, snapshots are taken on others.
 */
public final class PowerRecorder {
  private static final char GAP = 0xFFFF; // a gap in a series whose sums are whole numbers
  private static final byte NEAR_GAP = Byte.MIN_VALUE; // a gap in a series kept near VOLTS
  private static final int WATTS = 0; // the device's series, by index
  private static final int VOLTS = 1;
  private static final int NONE = -1; // an outlet without a voltage series
  private static final int EMPTY = Integer.MIN_VALUE; // a slot that never held a step
  private static final char REPORTS_MAX = Character.MAX_VALUE;

  private final String device;
  private final Clock clock;
  private final Duration step;
  private final long stepMillis;
  private final int n; // slots
  // the step each slot holds, EMPTY while none: steps since the epoch fit an int for centuries at
  // the shortest step (5 s); guarded by this
  private final int[] slotStep;
  // reports recorded in each slot's step, up to REPORTS_MAX (past Short.MAX_VALUE every series
  // with readings in the slot keeps counts of its own, so more is never read); guarded by this
  private final char[] reports;
  private int sequence; // counts reports, to see which series missed one; guarded by this
  // every series, by index (WATTS, VOLTS, then the outlets' in the order they were made), in
  // parallel arrays (no object per series): its history (sums, counts; see histSum), and what a
  // report touches, so that recording a report reads and writes a few small arrays, not a ring
  // buffer per series. The sums and counts of the slot a report last went to (`cur`) are kept in
  // `curSum`, `curCount`, and written to the history when a report goes to another slot (once a
  // step, as a rule); guarded by this
  private int series;
  private int capacity; // series the arrays below have room for
  // the two-byte sums of every series that has them, series r's n slots at slice[r] * n: one
  // array for the device, not one per series (a 16-outlet unit has 34 series; an array's header and
  // its reference cost as much as 10 of its sums). Its length is n times `slices`, the slices in
  // use, plus one for each series there is room for (capacity - series)
  private char[] small = new char[0];
  // series r's slice of small (0 and up), -1 once it is wide, or its slice k of near as -2 - k
  private int[] slice = new int[0];
  private int slices;
  // an outlet's voltage series kept near the device's (VOLTS): each sum as its difference from
  // the device's sum in the same slot, in one signed byte (an outlet on the mains reads within a
  // volt or two of the unit's, as IsoTek units report them), series r's at near(r) * n. Laid out
  // as small is, its length n times nearSlices plus the room; see histSum
  private byte[] near = new byte[0];
  private int nearSlices;
  private float[][] wide; // null until a series widens; then wide[r] is series r's sums, or null
  private short[][] counts; // null until a series keeps counts; then counts[r], null while compact
  private float[] curSum = new float[0]; // the sum in slot `cur`, NaN a gap while compact
  // the count in slot `cur` once it keeps counts of its own, -1 while it does not
  private short[] curCount = new short[0];
  private int[] lastReport = new int[0]; // the last report that gave it a reading, or -1
  private int cur = -1; // the slot whose sums are in curSum and curCount, or -1
  // the outlets with series, by ascending number, of which the first `outletCount` are in use
  // (no map, no object per outlet): each outlet's ints side by side in one array, OUTLET of them
  // at at * OUTLET, and its id and name side by side in another, so that a report, which reads
  // them all for every outlet, reads two arrays rather than six; guarded by this
  private int outletCount;
  private int[] outlets = new int[0];
  private String[] labels = new String[0]; // an outlet's id at 2 * at, its name after it
  private static final int OUTLET = 4; // ints an outlet
  private static final int NUMBER = 0; // the outlet's number
  private static final int OUTLET_WATTS = 1; // its watts series' index
  // its voltage series' index: NONE until the outlet reports a voltage; VOLTS, the device's own
  // series, while every voltage the outlet reported equals the device's (one mains voltage on
  // every outlet, as most units have): the two series are then the same series, kept once (see
  // record)
  private static final int OUTLET_VOLTS = 2;
  private static final int VOLT_REPORT = 3; // the report a sharing outlet last gave its voltage in
  private int hint; // where the next outlet's number is likely to be: outlets come in order

  /*
   * The history of one series, in its slice of small (or wide[r]) and counts[r]: the sum of the readings of each step, and
   * their count. Compact while the series had a reading in every report since it was made (the
   * usual case: a unit reports all its outlets every time): then it keeps only the sums, a gap as
   * NaN, and no counts (null): its count in a slot is that slot's `reports`. The first time it
   * misses a report, or starts in the middle of a step, it gets counts of its own.
   *
   * The sums are kept in two bytes each (in `small`) while every one is a whole number from 0 to
   * 65,534 (units that report whole volts and watts, as IsoTek units do, over a step of a minute or
   * so): a float holds such a sum exactly, and adding whole readings to it stays exact, so the
   * series is the same as with floats. The first sum that is not one widens the series to a
   * float[] of its own (wide[r]) for good.
   *
   * An outlet's voltage series starts near the device's: its sums in one byte each, as the
   * difference from VOLTS's sum in the same slot, while that is a whole number from -127 to 127
   * and VOLTS has a sum there (the sums as floats are then exactly VOLTS's plus the difference). The
   * first sum that is not so moves the series to two bytes (and maybe on to floats) for good. VOLTS
   * is series 1, before every outlet's: moveTo writes its history of a slot before theirs, and
   * nothing else changes a sum of its history that one of theirs is kept against (ownCounts turns
   * only its gaps into zeros, where theirs are gaps too).
   *
   * Slot `cur` of the history is stale: curSum and curCount hold it.
   */

  /** The sum in slot {@code slot} of series {@code r}'s history. */
  private float histSum(int r, int slot) {
    float[] w = wide(r);
    if (w != null) {
      return w[slot];
    }
    int ns = near(r);
    if (ns >= 0) {
      byte b = near[ns * n + slot];
      return b == NEAR_GAP ? Float.NaN : histSum(VOLTS, slot) + b;
    }
    char c = small[slice[r] * n + slot];
    return c == GAP ? Float.NaN : c;
  }

  private void histSum(int r, int slot, float value) {
    int ns = near(r);
    if (ns >= 0) {
      if (Float.isNaN(value)) {
        near[ns * n + slot] = NEAR_GAP;
        return;
      }
      float base = histSum(VOLTS, slot);
      float d = value - base;
      if (d >= -127
          && d <= 127
          && d == (int) d
          && Float.floatToRawIntBits(base + (int) d) == Float.floatToRawIntBits(value)) {
        near[ns * n + slot] = (byte) (int) d;
        return;
      }
      leaveNear(r);
    }
    float[] w = wide(r);
    if (w == null) {
      int at = slice[r] * n + slot;
      if (Float.isNaN(value)) {
        small[at] = GAP;
        return;
      }
      // whole, in range, and not -0 (which a char would turn into +0)
      if (value >= 0
          && value < GAP
          && Float.floatToRawIntBits((float) (int) value) == Float.floatToRawIntBits(value)) {
        small[at] = (char) (int) value;
        return;
      }
      w = new float[n];
      for (int s = 0; s < n; s++) {
        w[s] = histSum(r, s);
      }
      widen(r, w);
    }
    w[slot] = value;
  }

  /** Series {@code r} keeps the floats {@code sums} from here, and gives its slice of small up. */
  private void widen(int r, float[] sums) {
    if (wide == null) {
      wide = new float[capacity][];
    }
    wide[r] = sums;
    int gone = slice[r];
    slice[r] = -1;
    System.arraycopy(small, (gone + 1) * n, small, gone * n, small.length - (gone + 1) * n);
    small = Arrays.copyOf(small, small.length - n);
    slices--;
    for (int q = 0; q < series; q++) {
      if (slice[q] > gone) {
        slice[q]--;
      }
    }
  }

  /** Series {@code r}, kept near VOLTS, moves to a slice of small with the sums it has. */
  private void leaveNear(int r) {
    float[] sums = new float[n];
    for (int s = 0; s < n; s++) {
      sums[s] = histSum(r, s);
    }
    int gone = near(r);
    System.arraycopy(near, (gone + 1) * n, near, gone * n, near.length - (gone + 1) * n);
    near = Arrays.copyOf(near, near.length - n);
    nearSlices--;
    for (int q = 0; q < series; q++) {
      if (near(q) > gone) {
        slice[q]++; // the slice before
      }
    }
    // a slice of small for it, before the room kept for new series
    char[] grown = new char[small.length + n];
    System.arraycopy(small, 0, grown, 0, slices * n);
    System.arraycopy(small, slices * n, grown, (slices + 1) * n, small.length - slices * n);
    small = grown;
    slice[r] = slices++;
    for (int s = 0; s < n; s++) {
      histSum(r, s, sums[s]);
    }
  }

  /** Series {@code r}'s slice of near, or -1. */
  private int near(int r) {
    int v = slice[r];
    return v <= -2 ? -2 - v : -1;
  }

  private float[] wide(int r) {
    return wide == null ? null : wide[r];
  }

  private short[] counts(int r) {
    return counts == null ? null : counts[r];
  }

  /** Room for {@code room} series in every per-series array. */
  private void resize(int room) {
    small = Arrays.copyOf(small, (slices + room - series) * n);
    slice = Arrays.copyOf(slice, room);
    near = Arrays.copyOf(near, (nearSlices + room - series) * n);
    if (wide != null) {
      wide = Arrays.copyOf(wide, room);
    }
    if (counts != null) {
      counts = Arrays.copyOf(counts, room);
    }
    curSum = Arrays.copyOf(curSum, room);
    curCount = Arrays.copyOf(curCount, room);
    lastReport = Arrays.copyOf(lastReport, room);
    capacity = room;
  }

  /** A new series, empty: every slot a gap. */
  private int newSeries() {
    return newSeries(false);
  }

  /** A new series, empty, kept near VOLTS when {@code nearVolts} (an outlet's voltage). */
  private int newSeries(boolean nearVolts) {
    if (series == capacity) {
      // room to grow while a report adds its outlets, trimmed to what is used after it (trim)
      resize(series + Math.max(2, series / 2));
    }
    int r = series++;
    if (nearVolts) {
      int k = nearSlices++;
      slice[r] = -2 - k;
      Arrays.fill(near, k * n, k * n + n, NEAR_GAP);
    } else {
      slice[r] = slices++;
      Arrays.fill(small, slice[r] * n, slice[r] * n + n, GAP);
    }
    if (wide != null) {
      wide[r] = null;
    }
    if (counts != null) {
      counts[r] = null;
    }
    curSum[r] = Float.NaN;
    curCount[r] = -1;
    lastReport[r] = -1;
    return r;
  }

  /** A copy of VOLTS for an outlet's voltage, which goes its own way from here. */
  private int copyVolts() {
    int r = VOLTS;
    int copy = newSeries(true);
    for (int s = 0; s < n; s++) {
      histSum(copy, s, histSum(r, s)); // near VOLTS: no difference, or VOLTS's own floats
    }
    short[] c = counts(r);
    if (c != null) {
      counts[copy] = c.clone();
    }
    curSum[copy] = curSum[r];
    curCount[copy] = curCount[r];
    lastReport[copy] = lastReport[r];
    return copy;
  }

  /** Writes the sums and counts of slot {@link #cur} to the history, and keeps {@code slot}'s. */
  private void moveTo(int slot) {
    for (int r = 0; r < series; r++) {
      short[] count = counts(r);
      if (cur >= 0) {
        histSum(r, cur, curSum[r]);
        if (count != null) {
          count[cur] = curCount[r];
        }
      }
      curSum[r] = histSum(r, slot);
      curCount[r] = count != null ? count[slot] : -1;
    }
    cur = slot;
  }

  private float sum(int r, int slot) {
    return slot == cur ? curSum[r] : histSum(r, slot);
  }

  private void sum(int r, int slot, float value) {
    if (slot == cur) {
      curSum[r] = value;
    } else {
      histSum(r, slot, value);
    }
  }

  private short count(int r, int slot) {
    return slot == cur ? curCount[r] : counts[r][slot];
  }

  private void count(int r, int slot, short value) {
    if (slot == cur) {
      curCount[r] = value;
    } else {
      counts[r][slot] = value;
    }
  }

  /** Adds a reading of series {@code r} to the report being recorded, in {@code slot}. */
  private void add(int r, int slot, double value) {
    boolean again = lastReport[r] == sequence; // a second reading in one report
    lastReport[r] = sequence;
    if (curCount[r] < 0) {
      int before = reports[slot];
      if (!again && before == 0) {
        sum(r, slot, (float) value);
        return;
      }
      float s = sum(r, slot);
      if (!again && !Float.isNaN(s) && before < Short.MAX_VALUE) {
        sum(r, slot, s + (float) value);
        return;
      }
      ownCounts(r, slot, again);
    }
    short c = count(r, slot);
    if (c < Short.MAX_VALUE) {
      sum(r, slot, sum(r, slot) + (float) value);
      count(r, slot, (short) (c + 1));
    }
  }

  /** After a report: a compact series that had readings in this step but none in it. */
  private void afterReport(int r, int slot) {
    if (curCount[r] < 0
        && lastReport[r] != sequence
        && reports[slot] > 0
        && !Float.isNaN(sum(r, slot))) {
      ownCounts(r, slot, false);
    }
  }

  /**
   * Counts of its own for series {@code r}, from the slots' report counts (a gap counts none;
   * {@code inThisReport}: it already has a reading of the report being recorded, which {@link
   * #reports} does not count yet).
   */
  private void ownCounts(int r, int slot, boolean inThisReport) {
    if (counts == null) {
      counts = new short[capacity][];
    }
    counts[r] = new short[n];
    curCount[r] = 0;
    for (int s = 0; s < n; s++) {
      if (Float.isNaN(sum(r, s))) {
        sum(r, s, 0);
        count(r, s, (short) 0);
      } else {
        int k = reports[s] + (s == slot && inThisReport ? 1 : 0);
        count(r, s, (short) Math.min(k, Short.MAX_VALUE));
      }
    }
  }

  private void clear(int r, int slot) {
    if (curCount[r] < 0) {
      sum(r, slot, Float.NaN);
    } else {
      sum(r, slot, 0);
      count(r, slot, (short) 0);
    }
  }

  private double mean(int r, int slot) {
    float s = sum(r, slot);
    if (curCount[r] < 0) {
      return Float.isNaN(s) ? Double.NaN : s / reports[slot];
    }
    short c = count(r, slot);
    return c == 0 ? Double.NaN : s / c;
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
    this.slotStep = new int[n];
    this.reports = new char[n];
    Arrays.fill(slotStep, EMPTY);
    newSeries(); // WATTS
    newSeries(); // VOLTS
  }

  /** Records the readings of a status report; other events carry no readings to record. */
  public void onEvent(DeviceEvent event) {
    if (event instanceof DeviceEvent.StatusReported s) {
      record(s.status());
    }
  }

  /**
   * Records one status report in the step of its {@link DeviceStatus#receivedAt()}; a report older
   * than the step its slot holds now (over an hour late) is dropped. Allocates nothing once the
   * device's outlets are known.
   */
  public synchronized void record(DeviceStatus status) {
    long step = Math.floorDiv(status.receivedAt().toEpochMilli(), stepMillis);
    if (step <= EMPTY || step > Integer.MAX_VALUE) {
      return; // centuries away from the epoch: no clock of a running device says so
    }
    int slot = (int) Math.floorMod(step, (long) n);
    if (slotStep[slot] > step) {
      return;
    }
    int seriesBefore = series;
    if (slot != cur) {
      moveTo(slot);
    }
    if (slotStep[slot] != step) {
      slotStep[slot] = (int) step;
      reports[slot] = 0;
      for (int r = 0; r < series; r++) {
        clear(r, slot);
      }
    }
    List<OutletStatus> list = status.outlets(); // an immutable list: get(i) allocates nothing
    int size = list.size();
    Optional<PowerReading> input = status.input();
    OptionalDouble inputWatts = input.isPresent() ? input.get().power() : OptionalDouble.empty();
    OptionalDouble inputVolts = input.isPresent() ? input.get().voltage() : OptionalDouble.empty();
    // the voltage the device's series gets from this report, known before its outlets are
    // recorded, so that an outlet sharing that series can be checked against it
    double deviceVolts = Double.NaN;
    if (inputVolts.isPresent()) {
      deviceVolts = inputVolts.getAsDouble();
    } else {
      double voltSum = 0;
      int voltCount = 0;
      for (int i = 0; i < size; i++) {
        OptionalDouble v = list.get(i).voltage();
        if (v.isPresent()) {
          voltSum += v.getAsDouble();
          voltCount++;
        }
      }
      if (voltCount > 0) {
        deviceVolts = voltSum / voltCount;
      }
    }
    boolean deviceHasVolts = inputVolts.isPresent() || !Double.isNaN(deviceVolts);
    // pristine: the device's voltage series has never had a reading, so an outlet's new one would
    // be the same series if it gets the same reading now
    boolean voltsPristine = lastReport[VOLTS] < 0;
    double wattSum = 0;
    int wattCount = 0;
    for (int i = 0; i < size; i++) {
      OutletStatus o = list.get(i);
      OptionalDouble power = o.power();
      OptionalDouble voltage = o.voltage();
      int at = find(o.number());
      if (at < 0 && power.isPresent() && outletCount < PowerHistory.MAX_OUTLETS) {
        at = insert(-at - 1, o.number());
      }
      if (at >= 0) {
        // written only when they differ: a driver hands the same strings report after report,
        // and a reference stored into an old array is work for the collector
        if (labels[2 * at] != o.id()) {
          labels[2 * at] = o.id();
        }
        if (labels[2 * at + 1] != o.name()) {
          labels[2 * at + 1] = o.name();
        }
      }
      if (power.isPresent()) {
        wattSum += power.getAsDouble();
        wattCount++;
        if (at >= 0) {
          add(outlets[at * OUTLET + OUTLET_WATTS], slot, power.getAsDouble());
        }
      }
      if (voltage.isPresent() && at >= 0) {
        recordVolts(at, slot, voltage.getAsDouble(), deviceVolts, voltsPristine);
      }
    }
    // a sharing outlet without a voltage in a report that gave the device one goes its own way
    // before the device's series takes the reading
    if (deviceHasVolts) {
      for (int i = 0; i < outletCount; i++) {
        int o = i * OUTLET;
        if (outlets[o + OUTLET_VOLTS] == VOLTS && outlets[o + VOLT_REPORT] != sequence) {
          outlets[o + OUTLET_VOLTS] = copyVolts();
        }
      }
    }
    if (inputWatts.isPresent()) {
      add(WATTS, slot, inputWatts.getAsDouble());
    } else if (wattCount > 0) {
      add(WATTS, slot, wattSum);
    }
    if (deviceHasVolts) {
      add(VOLTS, slot, deviceVolts);
    }
    for (int r = 0; r < series; r++) {
      afterReport(r, slot);
    }
    if (reports[slot] < REPORTS_MAX) {
      reports[slot]++;
    }
    sequence++;
    if (series != seriesBefore) {
      resize(series); // the outlets came in this report: no room kept for more
    }
  }

  /**
   * One voltage reading of the outlet at {@code at}. While the outlet shares the device's series,
   * that series takes the report's device voltage after the outlets (see {@link #record}); the
   * outlet stays in it only with exactly one reading per report, equal as stored (a float) to the
   * device's, and otherwise gets a copy of it, as it stood before this report, to go on with.
   */
  private void recordVolts(int at, int slot, double value, double deviceVolts, boolean pristine) {
    int o = at * OUTLET;
    int r = outlets[o + OUTLET_VOLTS];
    boolean same = Float.floatToIntBits((float) value) == Float.floatToIntBits((float) deviceVolts);
    if (r == NONE) {
      if (pristine && same) {
        outlets[o + OUTLET_VOLTS] = VOLTS;
        outlets[o + VOLT_REPORT] = sequence;
        return;
      }
      r = newSeries(true);
      outlets[o + OUTLET_VOLTS] = r;
    } else if (r == VOLTS) {
      boolean first = outlets[o + VOLT_REPORT] != sequence;
      if (first && same) {
        outlets[o + VOLT_REPORT] = sequence;
        return;
      }
      // its own series from here: the device's before this report, and the reading it already
      // gave in this report, if any, which the device's series has not taken yet
      r = copyVolts();
      outlets[o + OUTLET_VOLTS] = r;
      if (!first) {
        add(r, slot, deviceVolts);
      }
    }
    add(r, slot, value);
  }

  /**
   * Where outlet {@code number} is: its index, or {@code -(insertion point) - 1}. Units list their
   * outlets in order, so the place after the last one found is tried first.
   */
  private int find(int number) {
    int h = hint;
    if (h < outletCount && outlets[h * OUTLET + NUMBER] == number) {
      hint = h + 1;
      return h;
    }
    int low = 0;
    int high = outletCount - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int m = outlets[mid * OUTLET + NUMBER];
      if (m < number) {
        low = mid + 1;
      } else if (m > number) {
        high = mid - 1;
      } else {
        hint = mid + 1;
        return mid;
      }
    }
    return -(low + 1);
  }

  /** Makes the series of a new outlet at {@code at}, keeping the numbers in order. */
  private int insert(int at, int number) {
    if (outletCount * OUTLET == outlets.length) {
      int capacity = Math.min(PowerHistory.MAX_OUTLETS, Math.max(4, outletCount * 2));
      outlets = Arrays.copyOf(outlets, capacity * OUTLET);
      labels = Arrays.copyOf(labels, capacity * 2);
    }
    int tail = outletCount - at;
    System.arraycopy(outlets, at * OUTLET, outlets, (at + 1) * OUTLET, tail * OUTLET);
    System.arraycopy(labels, at * 2, labels, (at + 1) * 2, tail * 2);
    int o = at * OUTLET;
    outlets[o + NUMBER] = number;
    labels[2 * at] = null;
    labels[2 * at + 1] = null;
    outlets[o + OUTLET_WATTS] = newSeries();
    outlets[o + OUTLET_VOLTS] = NONE;
    outlets[o + VOLT_REPORT] = -1;
    outletCount++;
    hint = at + 1;
    return at;
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
    List<PowerHistory.OutletHistory> list = new ArrayList<>(outletCount);
    for (int i = 0; i < outletCount; i++) {
      int o = i * OUTLET;
      int v = outlets[o + OUTLET_VOLTS];
      list.add(
          new PowerHistory.OutletHistory(
              outlets[o + NUMBER],
              labels[2 * i],
              labels[2 * i + 1],
              series(outlets[o + OUTLET_WATTS], slots, held),
              v == NONE ? Optional.empty() : Optional.of(series(v, slots, held))));
    }
    return new PowerHistory(
        device, step, times, series(WATTS, slots, held), series(VOLTS, slots, held), list);
  }

  private PowerSeries series(int r, int[] slots, boolean[] held) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = held[i] ? mean(r, slots[i]) : Double.NaN;
    }
    return PowerSeries.of(values);
  }
}
