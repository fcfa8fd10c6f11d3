package io.pdu4j.runtime.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceListener;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.Durations;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.metrics.CommandOutcome;
import io.pdu4j.runtime.metrics.PduMeter;
import io.pdu4j.spi.DriverCounters;
import io.pdu4j.spi.support.Freshness;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meters of one device ({@link PduMeter}), fed by the device's events, its counting link and
 * its timed facade. Outlets that appear later get their meters when they appear, in every registry
 * this was bound to; {@link #close()} removes every meter it registered, so a closed device leaves
 * nothing behind and a reconnect registers nothing new. At most {@link #MAX_OUTLETS} outlets get
 * meters, whatever the driver reports, so no device multiplies series without limit.
 *
 * <p>Thread-safe: events arrive on the device's I/O thread, registries read gauges on theirs. The
 * outlets' values are guarded by one lock of the device ({@code values}), taken once per status,
 * not once per outlet.
 *
 * <p>A status is a pass over all of a device's outlets, most often the same outlets in the same
 * order as the status before. While they are (and the status is the newest so far, within the stale
 * time of the last one, with no connection change or removal since), the outlets "ride" the
 * device's statuses and their meter objects are not touched: an outlet's readings are those of its
 * place in the last status, read from it when asked, and its energy is integrated in two arrays of
 * the device by that place (the power of the last status, and the joules integrated since the
 * outlet's meters last took them). An outlet "lands", its meters taking its readings and energy,
 * before anything else writes them: an event of the outlet, a disconnection, a removal, a status of
 * another layout or out of order. Whether a driver hands the same {@link OutletStatus} instance for
 * an unchanged outlet or a new one makes no difference.
 */
public final class DeviceMetrics implements MeterBinder, DeviceListener {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceMetrics.class);

  /**
   * The most outlets of one device that get meters (four series each); outlets beyond get none.
   * Drivers bound their outlets themselves (Enistic's {@code max-outlets} is at most this); this
   * holds for any driver, a plugin's included.
   */
  public static final int MAX_OUTLETS = 4096;

  private final String device;
  private final Clock clock;
  private final Duration staleAfter;
  private final long staleAfterNanos;
  // the outlets numbered 0 to 127 (all of any unit pdu4j knows)
  private static final int BY_NUMBER = 128;
  // the outlets numbered 0 to 127 (all of any unit pdu4j knows), in an array as long as the
  // highest such number in use needs, replaced (under lock) when one changes; the others, if any,
  // in a map made for the first (a map of a device's 16 outlets would cost half as much again as
  // their meters)
  private volatile OutletMeters[] byNumber = new OutletMeters[0];
  private volatile Map<Integer, OutletMeters> others; // made under lock, else null
  private int outletCount; // guarded by lock
  // true: the series are written at scrape time from this state (PrometheusSeries); the commands
  // too when commandWindow is set, else they are Micrometer timers
  private final boolean collected;

  // the device's counters, by index (SENT to REFUSED_SOURCE), added to from any thread through
  // COUNT: one array, not an AtomicLong each (nine objects a device of a fleet)
  static final int SENT = 0; // bytes handed to the link
  static final int RECEIVED = 1; // bytes the link delivered
  static final int RECONNECTS = 2;
  static final int RECYCLED = 3;
  private static final int READINGS = 4;
  private static final int MALFORMED = 5;
  private static final int OVERLONG = 6;
  private static final int OVER_LIMIT = 7;
  private static final int REFUSED_SOURCE = 8;
  private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);
  private final long[] counts = new long[REFUSED_SOURCE + 1];
  private final DriverCounters driverCounters =
      new DriverCounters() {
        @Override
        public void malformedFrame() {
          add(MALFORMED, 1);
        }

        @Override
        public void overlongFrame() {
          add(OVERLONG, 1);
        }

        @Override
        public void readingOverOutletLimit() {
          add(OVER_LIMIT, 1);
        }

        @Override
        public void readingFromRefusedSource() {
          add(REFUSED_SOURCE, 1);
        }

        @Override
        public void commandCompleted(String command, Duration elapsed, Throwable failure) {
          recordCommand(command, elapsed, failure);
        }
      };
  private volatile ConnectionState connection = ConnectionState.CONNECTING;

  // guards the outlets' values and what follows, up to `lock`
  private final Object values = new Object();
  // the outlets of the last status when the next one may ride on it (the last status was the
  // newest so far and no connection change or removal came since), else null; the readings of
  // the riding outlets
  private List<OutletStatus> lastOutlets;
  // their numbers, by index: compared with a status's without reading the last status's outlet
  // objects again (a second old at a fleet's scale, and out of the cache)
  private int[] lastNumbers = new int[0];
  private Instant lastAt; // the time of the last status; the readings time of the riding outlets
  private Instant newestAt; // the newest status time so far
  // two numbers by index i in lastOutlets, in one array as long as twice the status: at 2i the
  // power of the outlet there in the last status (NaN without one), at 2i + 1 the joules it
  // integrated while riding, not yet in its meters' energyJoules, or NaN when it does not ride
  // (when it does, its meters' ridePos is i)
  private double[] ride = new double[0];
  // guarded by lock: per registry, the timers by command and outcome; made by the first timer
  // (an empty identity map is some 300 bytes, and a device with a Prometheus registry has none)
  private Map<MeterRegistry, Map<String, Timer>> timers;
  // non-null when a collector writes the command series from commandSeries instead of timers
  private final CommandSeries.Window commandWindow;
  private CommandSeries commandSeries; // guarded by lock: made by the first command
  private final Object lock = new Object();
  private final List<MeterRegistry> registries = new ArrayList<>(); // guarded by lock
  private final List<Registered> registered = new ArrayList<>(); // guarded by lock
  private boolean closed; // guarded by lock
  private boolean overLimitLogged; // guarded by lock

  /** A meter and what it reads: an outlet's meters go when the outlet does. */
  private record Registered(MeterRegistry registry, Meter meter, Object source) {}

  /**
   * @param device the {@code device} tag value (a name or a redacted address)
   * @param clock the runtime's clock, for the age of readings
   * @param staleAfter readings older than this read as NaN and are not integrated across
   */
  public DeviceMetrics(String device, Clock clock, Duration staleAfter) {
    this(device, clock, staleAfter, false);
  }

  /**
   * @param collected true when a collector writes this device's series from its state at scrape
   *     time ({@link PrometheusSeries}): then {@link #bindTo} registers only the command timers
   *     (none with a {@code commandWindow})
   */
  DeviceMetrics(String device, Clock clock, Duration staleAfter, boolean collected) {
    this(device, clock, staleAfter, collected, null);
  }

  /**
   * @param commandWindow with {@code collected}, the registry's window of a timer's maximum: then
   *     the commands are kept as plain numbers ({@link CommandSeries}) for the collector to write,
   *     and no timer is registered; null: the commands are Micrometer timers
   */
  DeviceMetrics(
      String device,
      Clock clock,
      Duration staleAfter,
      boolean collected,
      CommandSeries.Window commandWindow) {
    this.device = Objects.requireNonNull(device, "device");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
    this.staleAfterNanos = Durations.saturatedNanos(staleAfter);
    this.collected = collected;
    this.commandWindow = collected ? commandWindow : null;
  }

  /** The {@code device} tag value. */
  public String device() {
    return device;
  }

  /** Takes what the device already knows: its outlets, its connection, its last status. */
  public void seed(PowerDevice d) {
    connection = d.connectionState();
    d.lastStatus().ifPresent(s -> onStatus(s, s.receivedAt()));
    d.outlets().forEach(o -> outlet(o.number()));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    synchronized (lock) {
      if (closed || registries.contains(registry)) {
        return;
      }
      registries.add(registry);
      if (!collected) {
        registerDevice(registry);
        forEachOutlet(o -> registerOutlet(registry, o));
      }
    }
  }

  @Override
  public void onEvent(DeviceEvent event) {
    if (event instanceof DeviceEvent.StatusReported s) {
      addOnDeviceThread(READINGS, 1);
      onStatus(s.status(), s.status().receivedAt());
    } else if (event instanceof DeviceEvent.OutletAdded a) {
      update(a.outlet(), a.at(), false);
    } else if (event instanceof DeviceEvent.OutletRemoved r) {
      synchronized (values) {
        landAll(); // the next status updates every outlet
      }
      removeOutlet(r.outlet().number());
    } else if (event instanceof DeviceEvent.OutletChanged c) {
      update(c.current(), c.at(), false);
    } else if (event instanceof DeviceEvent.Connection c) {
      connection = c.current();
      if (c.current() != ConnectionState.CONNECTED) {
        synchronized (values) {
          // never integrate power across a time the device was not heard
          landAll();
          forEachOutlet(m -> m.lastPowerAt = null);
        }
      }
    }
  }

  private void onStatus(DeviceStatus status, Instant at) {
    List<OutletStatus> list = status.outlets();
    int size = list.size();
    synchronized (values) {
      List<OutletStatus> last = lastOutlets;
      long gap = last == null ? 0 : Durations.nanosBetween(lastAt, at);
      boolean rides = last != null && last.size() == size && isRecent(gap, list);
      // a status older than one before it leaves the outlets' integration times apart: none rides
      // it, and the next status updates every outlet
      boolean newest = newestAt == null || !at.isBefore(newestAt);
      if (!rides) {
        landAll();
        if (lastNumbers.length != size) {
          ride = new double[2 * size];
          Arrays.fill(ride, Double.NaN); // none rides
          lastNumbers = new int[size];
        }
        for (int i = 0; i < size; i++) {
          lastNumbers[i] = list.get(i).number();
        }
      }
      for (int i = 0; i < size; i++) {
        OutletStatus o = list.get(i);
        double p = o.power().orElse(Double.NaN); // reported power is finite
        if (!Double.isNaN(ride[2 * i + 1])) { // rides: only when the status does (see landAll)
          // the trapezoid of update(), from the last status, which the outlet rode too
          double before = ride[2 * i];
          if (!Double.isNaN(before) && !Double.isNaN(p)) {
            ride[2 * i + 1] += joules(before, p, gap);
          }
          ride[2 * i] = p;
          continue;
        }
        OutletMeters m = outlet(o.number());
        if (m == null) {
          continue; // no meters: nothing rides here
        }
        if (m.ridePos >= 0) {
          // the same number twice in one status: riding at an earlier place of this status, or
          // at a later one of the last
          boolean earlier = m.ridePos < i;
          m.land(earlier ? list : last, earlier ? at : lastAt);
        }
        m.update(o, at, true);
        if (newest) {
          m.ridePos = i;
          ride[2 * i] = p;
          ride[2 * i + 1] = 0;
        }
      }
      lastAt = at;
      if (newest) {
        newestAt = at;
      }
      lastOutlets = newest ? list : null;
    }
  }

  /**
   * Whether a status {@code gap} after the last one, with outlets {@code list} (as many as the last
   * one's), may ride on the last one: in order, within the stale time, and with the same outlet
   * numbers at the same places.
   */
  private boolean isRecent(long gap, List<OutletStatus> list) {
    if (gap < 0 || gap > staleAfterNanos) {
      return false;
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).number() != lastNumbers[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The energy between two power readings {@code nanos} apart, by the trapezoid rule: the one rule
   * of a riding outlet and of an updated one.
   */
  private static double joules(double before, double after, long nanos) {
    return (before + after) / 2 * (nanos / 1e9);
  }

  /** Lands every riding outlet; the next status updates every outlet (guarded by values). */
  private void landAll() {
    forEachOutlet(OutletMeters::landIfRiding);
    lastOutlets = null;
  }

  /** An outlet's state from an event ({@code readings} false) or its readings too. */
  private void update(OutletStatus o, Instant at, boolean readings) {
    OutletMeters m = outlet(o.number());
    if (m != null) {
      synchronized (values) {
        m.landIfRiding();
        m.update(o, at, readings);
      }
    }
  }

  /** Times one command: call when its stage completed. */
  public void recordCommand(String command, Duration took, Throwable failure) {
    long elapsed = took.toNanos();
    String outcome = CommandOutcome.of(failure).tag();
    if (commandWindow != null) {
      synchronized (lock) {
        // as a timer: nothing before the registry is bound or once closed
        if (closed || registries.isEmpty()) {
          return;
        }
        if (commandSeries == null) {
          commandSeries = new CommandSeries(commandWindow);
        }
        commandSeries.record(command, outcome, elapsed);
      }
      return;
    }
    String key = command + '\0' + outcome;
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (timers == null && !registries.isEmpty()) {
        timers = new IdentityHashMap<>(registries.size());
      }
      for (MeterRegistry r : registries) {
        Timer t =
            timers
                .computeIfAbsent(r, k -> new HashMap<>())
                .computeIfAbsent(
                    key,
                    k -> {
                      Timer timer =
                          Timer.builder(PduMeter.COMMANDS.meterName())
                              .description(PduMeter.COMMANDS.description())
                              .tags(
                                  PduMeter.TAG_DEVICE,
                                  device,
                                  PduMeter.TAG_COMMAND,
                                  command,
                                  PduMeter.TAG_OUTCOME,
                                  outcome)
                              .serviceLevelObjectives(
                                  PduMeter.COMMAND_BUCKETS.toArray(Duration[]::new))
                              .register(r);
                      registered.add(new Registered(r, timer, this));
                      return timer;
                    });
        t.record(elapsed, TimeUnit.NANOSECONDS);
      }
    }
  }

  /** Removes every meter this registered; later events and commands register nothing. */
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      for (Registered r : registered) {
        r.registry().remove(r.meter());
      }
      registered.clear();
      registries.clear();
      timers = null;
      commandSeries = null;
    }
  }

  /** An outlet the device no longer has: its series go, so a smaller unit leaves no stale ones. */
  private void removeOutlet(int number) {
    synchronized (lock) {
      OutletMeters gone;
      if (number >= 0 && number < BY_NUMBER) {
        gone = number < byNumber.length ? byNumber[number] : null;
        if (gone != null) {
          OutletMeters[] copy = byNumber.clone();
          copy[number] = null;
          byNumber = copy;
        }
      } else {
        gone = others == null ? null : others.remove(number);
      }
      if (gone == null) {
        return;
      }
      outletCount--;
      registered.removeIf(
          r -> {
            if (r.source() != gone) {
              return false;
            }
            r.registry().remove(r.meter());
            return true;
          });
    }
  }

  /** The outlet's meters, registered on first use; null beyond {@link #MAX_OUTLETS} outlets. */
  private OutletMeters outlet(int number) {
    // every outlet of every status comes here: the usual numbers from an array, not the map
    OutletMeters existing = known(number);
    if (existing != null) {
      return existing;
    }
    synchronized (lock) {
      OutletMeters o = known(number);
      if (o == null) {
        if (outletCount >= MAX_OUTLETS) {
          if (!overLimitLogged) {
            overLimitLogged = true;
            LOG.warn(
                "{}: more than {} outlets reported: outlet {} and later ones get no meters",
                device,
                MAX_OUTLETS,
                number);
          }
          return null;
        }
        o = new OutletMeters(number);
        outletCount++;
        if (number >= 0 && number < BY_NUMBER) {
          OutletMeters[] copy = Arrays.copyOf(byNumber, Math.max(byNumber.length, number + 1));
          copy[number] = o;
          byNumber = copy;
        } else {
          if (others == null) {
            others = new ConcurrentHashMap<>();
          }
          others.put(number, o);
        }
        if (!closed && !collected) {
          for (MeterRegistry r : registries) {
            registerOutlet(r, o);
          }
        }
      }
      return o;
    }
  }

  /** Outlet {@code number}'s meters, or null while it has none. */
  private OutletMeters known(int number) {
    if (number >= 0 && number < BY_NUMBER) {
      OutletMeters[] known = byNumber;
      return number < known.length ? known[number] : null;
    }
    Map<Integer, OutletMeters> o = others;
    return o == null ? null : o.get(number);
  }

  /** Runs {@code action} on every outlet's meters. */
  private void forEachOutlet(Consumer<OutletMeters> action) {
    for (OutletMeters m : byNumber) {
      if (m != null) {
        action.accept(m);
      }
    }
    Map<Integer, OutletMeters> o = others;
    if (o != null) {
      o.values().forEach(action);
    }
  }

  private void registerDevice(MeterRegistry r) {
    Tags tags = Tags.of(PduMeter.TAG_DEVICE, device);
    gauge(
        r,
        PduMeter.DEVICE_CONNECTED,
        tags,
        this,
        m -> m.connection == ConnectionState.CONNECTED ? 1 : 0);
    counter(r, PduMeter.LINK_BYTES_SENT, tags, SENT);
    counter(r, PduMeter.LINK_BYTES_RECEIVED, tags, RECEIVED);
    counter(r, PduMeter.LINK_RECONNECTS, tags, RECONNECTS);
    counter(r, PduMeter.LINK_RECYCLED, tags, RECYCLED);
    counter(r, PduMeter.READINGS_RECEIVED, tags, READINGS);
    counter(r, PduMeter.FRAMES_MALFORMED, tags.and(PduMeter.TAG_REASON, "malformed"), MALFORMED);
    counter(r, PduMeter.FRAMES_MALFORMED, tags.and(PduMeter.TAG_REASON, "overlong"), OVERLONG);
    counter(
        r, PduMeter.READINGS_DROPPED, tags.and(PduMeter.TAG_REASON, "outlet_limit"), OVER_LIMIT);
    counter(r, PduMeter.READINGS_DROPPED, tags.and(PduMeter.TAG_REASON, "source"), REFUSED_SOURCE);
  }

  /** Adds {@code n} to counter {@code counter} ({@link #SENT} and the like); any thread. */
  void add(int counter, long n) {
    COUNT.getAndAdd(counts, counter, n);
  }

  /**
   * Adds {@code n} to a counter only the device's thread writes ({@link #RECEIVED}, the readings):
   * a plain read and an ordered write, not an atomic increment (a locked instruction, which waits
   * for every store before it, for every push of every device). A counter that other threads add to
   * as well ({@link #SENT}: a caller's write) goes through {@link #add}.
   */
  void addOnDeviceThread(int counter, long n) {
    COUNT.setRelease(counts, counter, (long) COUNT.get(counts, counter) + n);
  }

  private long get(int counter) {
    return (long) COUNT.getVolatile(counts, counter);
  }

  // --- what a collector reads at scrape time (PrometheusSeries) ---

  /** Whether {@link #close()} was called: a closed device's series are gone. */
  boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /**
   * The series of {@code pdu.commands} by command and outcome as they read now, when this device
   * keeps them for a collector ({@link CommandSeries}); empty when closed, without a command so
   * far, or when the commands are timers.
   */
  List<CommandSeries.Point> commands() {
    synchronized (lock) {
      if (closed || commandSeries == null) {
        return List.of();
      }
      List<CommandSeries.Point> points = new ArrayList<>(commandSeries.size());
      for (int i = 0; i < commandSeries.size(); i++) {
        points.add(commandSeries.point(i));
      }
      return points;
    }
  }

  /** {@code pdu.device.connected}: 1 while CONNECTED, else 0. */
  double connected() {
    return connection == ConnectionState.CONNECTED ? 1 : 0;
  }

  /** The value of a device counter; {@code reason} picks among those that carry one. */
  double count(PduMeter meter, String reason) {
    int counter =
        switch (meter) {
          case LINK_BYTES_SENT -> SENT;
          case LINK_BYTES_RECEIVED -> RECEIVED;
          case LINK_RECONNECTS -> RECONNECTS;
          case LINK_RECYCLED -> RECYCLED;
          case READINGS_RECEIVED -> READINGS;
          case FRAMES_MALFORMED -> "overlong".equals(reason) ? OVERLONG : MALFORMED;
          case READINGS_DROPPED -> "source".equals(reason) ? REFUSED_SOURCE : OVER_LIMIT;
          default -> throw new IllegalArgumentException(meter + " is not a device counter");
        };
    return get(counter);
  }

  /** The outlets with series, by number. */
  List<OutletView> outlets() {
    List<OutletView> list = new ArrayList<>();
    forEachOutlet(list::add);
    list.sort(Comparator.comparingInt(OutletView::number));
    return list;
  }

  /** One outlet's values as its series read them now. */
  interface OutletView {
    /** The outlet number. */
    int number();

    /** {@code pdu.outlet.power}: watts, or NaN without a current reading. */
    double power();

    /** {@code pdu.outlet.voltage}: volts, or NaN without a current reading. */
    double voltage();

    /** {@code pdu.outlet.state}: 1 ON, 0 OFF, NaN UNKNOWN or without a current reading. */
    double state();

    /** {@code pdu.outlet.energy}: joules since the device was opened. */
    double energy();

    /** Whatever the collector keeps for this outlet between scrapes (its labels), or null. */
    Object scrapeCache();

    /** Keeps {@code cache} for the next scrape. */
    void scrapeCache(Object cache);
  }

  /** What the device's driver counts skipped frames with. */
  public DriverCounters driverCounters() {
    return driverCounters;
  }

  private void registerOutlet(MeterRegistry r, OutletMeters o) {
    Tags tags =
        Tags.of(PduMeter.TAG_DEVICE, device, PduMeter.TAG_OUTLET, Integer.toString(o.number));
    gauge(r, PduMeter.OUTLET_POWER, tags, o, OutletMeters::power);
    gauge(r, PduMeter.OUTLET_VOLTAGE, tags, o, OutletMeters::voltage);
    gauge(r, PduMeter.OUTLET_STATE, tags, o, OutletMeters::stateValue);
    registered.add(
        new Registered(
            r,
            FunctionCounter.builder(
                    PduMeter.OUTLET_ENERGY.meterName(), o, OutletMeters::energyJoules)
                .description(PduMeter.OUTLET_ENERGY.description())
                .baseUnit(PduMeter.OUTLET_ENERGY.baseUnit())
                .tags(tags)
                .register(r),
            o));
  }

  private <T> void gauge(
      MeterRegistry r, PduMeter meter, Tags tags, T source, ToDoubleFunction<T> value) {
    Gauge.Builder<T> b =
        Gauge.builder(meter.meterName(), source, value)
            .description(meter.description())
            .tags(tags)
            .strongReference(true);
    if (meter.baseUnit() != null) {
      b.baseUnit(meter.baseUnit());
    }
    registered.add(new Registered(r, b.register(r), source));
  }

  private void counter(MeterRegistry r, PduMeter meter, Tags tags, int counter) {
    FunctionCounter.Builder<DeviceMetrics> b =
        FunctionCounter.builder(meter.meterName(), this, m -> m.get(counter))
            .description(meter.description())
            .tags(tags);
    if (meter.baseUnit() != null) {
      b.baseUnit(meter.baseUnit());
    }
    registered.add(new Registered(r, b.register(r), this));
  }

  /** One outlet's latest reading and integrated energy; its values guarded by {@code values}. */
  private final class OutletMeters implements OutletView {
    final int number;
    private volatile Object scrapeCache;
    private double power = Double.NaN;
    private double voltage = Double.NaN;
    private OutletState state = OutletState.UNKNOWN;
    private Instant at;
    // the last power sample integrated from
    Instant lastPowerAt;
    private double lastPower;
    private double energyJoules;
    // the index in the device's lastOutlets it rides at, or -1: then its readings, their time and
    // the power it integrates from are the device's (lastOutlets, lastAt, ride), and the
    // energy it rode is in ride too, the fields above as of when it started riding (see onStatus)
    int ridePos = -1;

    OutletMeters(int number) {
      this.number = number;
    }

    /** {@link #land} from the device's last status, if it rides. */
    void landIfRiding() {
      if (ridePos >= 0) {
        land(lastOutlets, lastAt);
      }
    }

    /**
     * Stops riding: takes the readings of its place in {@code outlets}, the status of time {@code
     * time} it rode last, and the energy it rode.
     */
    void land(List<OutletStatus> outlets, Instant time) {
      OutletStatus o = outlets.get(ridePos);
      state = o.state();
      takeReadings(o, time);
      lastPower = ride[2 * ridePos];
      lastPowerAt = Double.isNaN(lastPower) ? null : time;
      energyJoules += ride[2 * ridePos + 1];
      ride[2 * ridePos + 1] = Double.NaN;
      ridePos = -1;
    }

    void update(OutletStatus s, Instant when, boolean readings) {
      state = s.state();
      if (!readings) {
        return; // a state change alone: the readings keep their own time
      }
      takeReadings(s, when);
      if (s.power().isEmpty()) {
        lastPowerAt = null;
        return;
      }
      double p = s.power().getAsDouble();
      if (lastPowerAt != null) {
        // in nanoseconds without a Duration: this runs for every outlet of every status
        long dt = Durations.nanosBetween(lastPowerAt, when);
        if (dt >= 0 && dt <= staleAfterNanos) {
          energyJoules += joules(lastPower, p, dt);
        }
      }
      if (lastPowerAt == null || !when.isBefore(lastPowerAt)) {
        lastPowerAt = when;
        lastPower = p;
      }
    }

    /** The readings of {@code s}, reported at {@code when}, as its current ones. */
    private void takeReadings(OutletStatus s, Instant when) {
      at = when;
      power = s.power().orElse(Double.NaN);
      voltage = s.voltage().orElse(Double.NaN);
    }

    double energyJoules() {
      synchronized (values) {
        return ridePos < 0 ? energyJoules : energyJoules + ride[2 * ridePos + 1];
      }
    }

    /** Its place in the device's last status, which it rides (guarded by values). */
    private OutletStatus ridden() {
      return lastOutlets.get(ridePos);
    }

    /** A reading, or NaN when there is no current one (guarded by values). */
    private double current(double value) {
      Instant when = ridePos >= 0 ? lastAt : at;
      if (when == null
          || connection != ConnectionState.CONNECTED
          || !Freshness.isCurrent(
              when.getEpochSecond(), when.getNano(), clock.instant(), staleAfterNanos)) {
        return Double.NaN;
      }
      return value;
    }

    double stateValue() {
      synchronized (values) {
        return switch (ridePos < 0 ? state : ridden().state()) {
          case ON -> current(1);
          case OFF -> current(0);
          case UNKNOWN -> Double.NaN;
        };
      }
    }

    @Override
    public int number() {
      return number;
    }

    @Override
    public double power() {
      synchronized (values) {
        return current(ridePos < 0 ? power : ridden().power().orElse(Double.NaN));
      }
    }

    @Override
    public double voltage() {
      synchronized (values) {
        return current(ridePos < 0 ? voltage : ridden().voltage().orElse(Double.NaN));
      }
    }

    @Override
    public double state() {
      return stateValue();
    }

    @Override
    public double energy() {
      return energyJoules();
    }

    @Override
    public Object scrapeCache() {
      return scrapeCache;
    }

    @Override
    public void scrapeCache(Object cache) {
      scrapeCache = cache;
    }
  }
}
