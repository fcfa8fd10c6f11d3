package io.pdu4j.runtime.internal;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceListener;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.ScheduleRule;
import io.pdu4j.api.Scheduler;
import io.pdu4j.api.Subscription;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The {@link PowerDevice} the runtime hands out when metrics are on: the driver's device, with each
 * command timed into {@code pdu.commands} by its name ({@code switch_on}, {@code refresh}, ...) and
 * outcome. The stage returned is the driver's own (cancelling it cancels the command); closing also
 * removes the device's meters.
 */
final class TimedDevice implements PowerDevice {
  private final PowerDevice device;
  private final DeviceMetrics metrics;
  private final Map<Integer, TimedOutlet> outlets = new ConcurrentHashMap<>();

  TimedDevice(PowerDevice device, DeviceMetrics metrics) {
    this.device = Objects.requireNonNull(device, "device");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** The driver's device behind this one. */
  PowerDevice delegate() {
    return device;
  }

  private <T> CompletionStage<T> timed(String command, Supplier<CompletionStage<T>> call) {
    long start = System.nanoTime();
    CompletionStage<T> stage;
    try {
      stage = call.get();
    } catch (RuntimeException e) {
      metrics.recordCommand(command, start, e);
      throw e;
    }
    stage.whenComplete((v, t) -> metrics.recordCommand(command, start, t));
    return stage;
  }

  @Override
  public DeviceInfo info() {
    return device.info();
  }

  @Override
  public Set<DeviceCapability> capabilities() {
    return device.capabilities();
  }

  @Override
  public List<Outlet> outlets() {
    return device.outlets().stream().map(this::wrap).toList();
  }

  @Override
  public Outlet outlet(int number) {
    return wrap(device.outlet(number));
  }

  private Outlet wrap(Outlet outlet) {
    return outlets.compute(
        outlet.number(),
        (n, existing) ->
            existing != null && existing.outlet == outlet ? existing : new TimedOutlet(outlet));
  }

  @Override
  public CompletionStage<DeviceStatus> refresh() {
    return timed("refresh", device::refresh);
  }

  @Override
  public Optional<DeviceStatus> lastStatus() {
    return device.lastStatus();
  }

  @Override
  public CompletionStage<DeviceStatus> switchAll(OutletState state) {
    return timed("switch_all", () -> device.switchAll(state));
  }

  @Override
  public CompletionStage<Void> restart() {
    return timed("restart", device::restart);
  }

  @Override
  public Optional<Scheduler> scheduler() {
    return device.scheduler().map(TimedScheduler::new);
  }

  @Override
  public Optional<DeviceClock> clock() {
    return device.clock().map(TimedClock::new);
  }

  @Override
  public Subscription subscribe(DeviceListener listener) {
    return device.subscribe(listener);
  }

  @Override
  public ConnectionState connectionState() {
    return device.connectionState();
  }

  @Override
  public void close() {
    try {
      device.close();
    } finally {
      metrics.close();
    }
  }

  @Override
  public String toString() {
    return device.toString();
  }

  private final class TimedOutlet implements Outlet {
    private final Outlet outlet;

    TimedOutlet(Outlet outlet) {
      this.outlet = outlet;
    }

    @Override
    public int number() {
      return outlet.number();
    }

    @Override
    public String id() {
      return outlet.id();
    }

    @Override
    public String name() {
      return outlet.name();
    }

    @Override
    public Set<OutletCapability> capabilities() {
      return outlet.capabilities();
    }

    @Override
    public OutletStatus status() {
      return outlet.status();
    }

    @Override
    public CompletionStage<OutletStatus> switchOn() {
      return timed("switch_on", outlet::switchOn);
    }

    @Override
    public CompletionStage<OutletStatus> switchOff() {
      return timed("switch_off", outlet::switchOff);
    }

    @Override
    public CompletionStage<OutletStatus> cycle(Duration offTime) {
      return timed("cycle", () -> outlet.cycle(offTime));
    }

    @Override
    public CompletionStage<OutletConfig> config() {
      return timed("config", outlet::config);
    }

    @Override
    public CompletionStage<Void> configure(OutletConfig config) {
      return timed("configure", () -> outlet.configure(config));
    }

    @Override
    public String toString() {
      return outlet.toString();
    }
  }

  private final class TimedScheduler implements Scheduler {
    private final Scheduler scheduler;

    TimedScheduler(Scheduler scheduler) {
      this.scheduler = scheduler;
    }

    @Override
    public CompletionStage<List<ScheduleRule>> rules() {
      return timed("schedule_read", scheduler::rules);
    }

    @Override
    public CompletionStage<List<ScheduleRule>> add(ScheduleRule rule) {
      return timed("schedule_add", () -> scheduler.add(rule));
    }

    @Override
    public CompletionStage<List<ScheduleRule>> replaceAll(List<? extends ScheduleRule> rules) {
      return timed("schedule_replace", () -> scheduler.replaceAll(rules));
    }

    @Override
    public CompletionStage<Void> clear() {
      return timed("schedule_clear", scheduler::clear);
    }
  }

  private final class TimedClock implements DeviceClock {
    private final DeviceClock clock;

    TimedClock(DeviceClock clock) {
      this.clock = clock;
    }

    @Override
    public CompletionStage<Reading> read() {
      return timed("clock_read", clock::read);
    }

    @Override
    public Optional<Reading> lastReading() {
      return clock.lastReading();
    }

    @Override
    public CompletionStage<Void> set(LocalDateTime time) {
      return timed("clock_set", () -> clock.set(time));
    }
  }
}
