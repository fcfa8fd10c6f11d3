package io.pdu4j.sim.isotek.internal;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * The simulated unit: relay states, loads, outlet configuration and the running device clock.
 *
 * <p>Thread-safe: every method is synchronized, so a status snapshot never shows half of a {@code
 * G} or {@code H}. Outlets are numbered from 1.
 */
public final class DeviceModel {

  private final int outletCount;
  private final boolean[] on;
  private final int[] loadWatts;
  private final OutletConfig[] configs;
  private final int mainsVolts;
  private final boolean jitter;
  private final Random random;
  private final LongSupplier nanoClock;

  private final List<ScheduleEntry> schedule = new ArrayList<>();
  private final List<LocalDateTime> lastFired = new ArrayList<>();
  private final List<Boolean> conditionHeld = new ArrayList<>();
  private final long[] pendingOnAt;
  private int scheduleCapacity;
  private boolean dayOfWeek; // the dd field is a day of the week (1 = Monday), not of the month

  private LocalDateTime clockBase;
  private long clockBaseNanos;

  /**
   * Creates the model.
   *
   * @param initiallyOn relay state per outlet, index 0 = outlet 1
   * @param loadWatts the load each outlet draws when on, index 0 = outlet 1
   * @param configs the configuration per outlet, index 0 = outlet 1
   * @param mainsVolts the nominal mains voltage
   * @param jitter whether readings vary slightly from one snapshot to the next
   * @param random the source of the jitter
   * @param clockStart the device clock's value now
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} outside tests)
   */
  public DeviceModel(
      boolean[] initiallyOn,
      int[] loadWatts,
      OutletConfig[] configs,
      int mainsVolts,
      boolean jitter,
      Random random,
      LocalDateTime clockStart,
      LongSupplier nanoClock) {
    this.outletCount = initiallyOn.length;
    if (loadWatts.length != outletCount || configs.length != outletCount) {
      throw new IllegalArgumentException("one state, load and config per outlet");
    }
    this.on = initiallyOn.clone();
    this.loadWatts = loadWatts.clone();
    this.configs = configs.clone();
    this.mainsVolts = mainsVolts;
    this.jitter = jitter;
    this.random = random;
    this.nanoClock = nanoClock;
    this.clockBase = clockStart.truncatedTo(ChronoUnit.SECONDS);
    this.clockBaseNanos = nanoClock.getAsLong();
    this.pendingOnAt = new long[outletCount];
  }

  /** {@code P=nn}: clears the schedule; up to {@code count} records may then be written. */
  public synchronized void resetSchedule(int count) {
    schedule.clear();
    lastFired.clear();
    conditionHeld.clear();
    scheduleCapacity = count;
  }

  /**
   * {@code PW=}: appends a record.
   *
   * @return false when the count set by {@code P=nn} is already reached
   */
  public synchronized boolean addSchedule(ScheduleEntry entry) {
    if (schedule.size() >= scheduleCapacity) {
      return false;
    }
    index(entry.channel());
    schedule.add(entry);
    lastFired.add(null);
    conditionHeld.add(false);
    return true;
  }

  /** The stored schedule records, in order. */
  public synchronized List<ScheduleEntry> schedule() {
    return List.copyOf(schedule);
  }

  /**
   * How a time plan's day field is read: as a day of the week 1..7, Monday = 1 (true), or of the
   * month 1..31 (false, the default); 0 is every day either way.
   */
  public synchronized void dayOfWeek(boolean dayOfWeek) {
    this.dayOfWeek = dayOfWeek;
  }

  /**
   * Runs the schedule once; called every few hundred milliseconds. A time plan fires once in the
   * minute its {@code hh:min} shows on the device clock, every day when its day is 0, else on that
   * day of the month (or of the week, see {@link #dayOfWeek}). A power plan fires when its
   * condition (the target outlet's load, as the next status would show it without jitter, greater
   * or less than the threshold) becomes true, including at the first run after it was written.
   * Restart is off, the outlet's reset delay, on.
   */
  public synchronized void runSchedule() {
    long nanos = nanoClock.getAsLong();
    for (int i = 0; i < outletCount; i++) {
      if (pendingOnAt[i] != 0 && nanos - pendingOnAt[i] >= 0) {
        pendingOnAt[i] = 0;
        on[i] = true;
      }
    }
    LocalDateTime now = clock();
    LocalDateTime minute = now.truncatedTo(ChronoUnit.MINUTES);
    for (int k = 0; k < schedule.size(); k++) {
      ScheduleEntry e = schedule.get(k);
      if (e.type() == 1) {
        boolean due =
            now.getHour() == e.hour()
                && now.getMinute() == e.minute()
                && (e.day() == 0
                    || e.day()
                        == (dayOfWeek ? now.getDayOfWeek().getValue() : now.getDayOfMonth()));
        if (due && !minute.equals(lastFired.get(k))) {
          lastFired.set(k, minute);
          fire(e, nanos);
        }
      } else {
        int i = index(e.channel());
        int watts = on[i] ? loadWatts[i] : 0;
        boolean holds = e.operator() == 2 ? watts < e.watts() : watts > e.watts();
        if (holds && !conditionHeld.get(k)) {
          fire(e, nanos);
        }
        conditionHeld.set(k, holds);
      }
    }
  }

  private void fire(ScheduleEntry e, long nanos) {
    int i = index(e.channel());
    switch (e.setup()) {
      case 1 -> on[i] = true;
      case 2 -> on[i] = false;
      default -> {
        on[i] = false;
        pendingOnAt[i] = (nanos + Duration.ofSeconds(configs[i].delaySeconds()).toNanos()) | 1;
      }
    }
  }

  /** The number of outlets, 8 or 16. */
  public int outletCount() {
    return outletCount;
  }

  /** Whether outlet {@code n} is on. */
  public synchronized boolean isOn(int n) {
    return on[index(n)];
  }

  /** Switches outlet {@code n} regardless of its type, as the front-panel button would. */
  public synchronized void setOn(int n, boolean state) {
    on[index(n)] = state;
  }

  /**
   * Switches outlet {@code n} on a remote command.
   *
   * @return false when the outlet is locked and kept its state
   */
  public synchronized boolean switchRemote(int n, boolean state) {
    int i = index(n);
    if (configs[i].locked()) {
      return false;
    }
    on[i] = state;
    return true;
  }

  /** Switches every outlet that is not locked, as {@code G} and {@code H} do. */
  public synchronized void switchAllRemote(boolean state) {
    for (int i = 0; i < outletCount; i++) {
      if (!configs[i].locked()) {
        on[i] = state;
      }
    }
  }

  /** Sets the load outlet {@code n} draws when on, in watts. */
  public synchronized void setLoadWatts(int n, int watts) {
    if (watts < 0) {
      throw new IllegalArgumentException("load must be at least 0 W, was " + watts);
    }
    loadWatts[index(n)] = watts;
  }

  /** The configuration of outlet {@code n}. */
  public synchronized OutletConfig config(int n) {
    return configs[index(n)];
  }

  /** All outlet configurations, outlet 1 first. */
  public synchronized List<OutletConfig> configs() {
    return List.of(configs.clone());
  }

  /** Replaces the configuration of outlet {@code n}. */
  public synchronized void configure(int n, OutletConfig config) {
    configs[index(n)] = config;
  }

  /** The device clock now, whole seconds. */
  public synchronized LocalDateTime clock() {
    long elapsed = nanoClock.getAsLong() - clockBaseNanos;
    return clockBase.plus(Duration.ofNanos(elapsed)).truncatedTo(ChronoUnit.SECONDS);
  }

  /** Sets the device clock; it keeps running from the new value. */
  public synchronized void setClock(LocalDateTime time) {
    clockBase = time.truncatedTo(ChronoUnit.SECONDS);
    clockBaseNanos = nanoClock.getAsLong();
  }

  /** Reads every outlet and the unit at one instant. */
  public synchronized StatusSnapshot snapshot() {
    int unitVolts = mainsVolts + wobble(2);
    List<OutletReading> outlets = new ArrayList<>(outletCount);
    int total = 0;
    for (int i = 0; i < outletCount; i++) {
      int volts = unitVolts + wobble(1);
      int watts = 0;
      if (on[i] && loadWatts[i] > 0) {
        int spread = Math.max(1, loadWatts[i] * 3 / 100);
        watts = Math.max(0, loadWatts[i] + wobble(spread));
      }
      total += watts;
      outlets.add(new OutletReading(on[i], volts, watts));
    }
    return new StatusSnapshot(new OutletReading(true, unitVolts, total), outlets, clock());
  }

  private int wobble(int spread) {
    return jitter ? random.nextInt(2 * spread + 1) - spread : 0;
  }

  private int index(int n) {
    if (n < 1 || n > outletCount) {
      throw new IllegalArgumentException("outlet must be 1.." + outletCount + ", was " + n);
    }
    return n - 1;
  }
}
