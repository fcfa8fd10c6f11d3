package io.pdu4j.bench.soak;

import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceHealth;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.bench.soak.SoakFleet.Fault;
import io.pdu4j.bench.soak.SoakFleet.Target;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.DeviceConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The soak: a fleet of simulated devices of every kind under one {@link PowerRuntime}, given random
 * commands and random faults for a while, then checked: every command's stage completed exactly
 * once, the fleet came back once the faults ended, and threads and file descriptors did not grow.
 *
 * <p>Run: {@code bench/soak --devices 1000 --duration 30m} (options in {@link SoakSettings#parse});
 * exit status 0 when every invariant held, 1 when one broke, 2 for bad options. See {@code
 * docs/reliability.md (Soak)}.
 *
 * <p>A run: start the simulators; supervise every device; wait until all are connected; read the
 * process (heap after GC, threads, descriptors); issue commands (switch, cycle with an off time of
 * 0.2 to 1 s, refresh, outlet configuration read, each where the device has it) and start faults
 * (simulator restarts, silence, garbage, disconnects mid-reply, datagram loss and duplication, an
 * IPCP's dropped sessions and busy answers) at the given rates; then stop both, end every fault,
 * give open commands the drain time, wait for the fleet to be connected again, and read the process
 * again. Commands go only to devices that are open; the runtime uses a retry backoff of 0.5 s to 10
 * s.
 */
public final class Soak {
  private static final Logger LOG = LoggerFactory.getLogger(Soak.class);
  private static final Duration TICK = Duration.ofMillis(20);
  private static final Duration CLOSE_AFTER = Duration.ofMillis(1500);
  private static final Duration CLOSE_DRAIN = Duration.ofSeconds(10);

  private Soak() {}

  /** Runs a soak with the options given; exits 0 (passed), 1 (an invariant broke) or 2. */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    SoakSettings settings;
    try {
      settings = SoakSettings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("soak: " + e.getMessage());
      System.exit(2);
      return;
    }
    SoakReport report = run(settings, System.out);
    report.print(System.out);
    System.exit(report.passed() ? 0 : 1);
  }

  /**
   * Runs a soak and returns its figures; prints progress lines to {@code out}.
   *
   * @throws IllegalStateException when the simulators cannot be started
   */
  public static SoakReport run(SoakSettings settings, PrintStream out) throws Exception {
    Random random = new Random(settings.seed());
    StageLedger ledger = new StageLedger();
    StageLedger closing = new StageLedger();
    Map<String, LongAdder> faults = new ConcurrentHashMap<>();
    out.printf(
        Locale.ROOT, "soak: starting %s devices %s%n", settings.devices(), settings.counts());
    try (SoakFleet fleet = SoakFleet.start(settings)) {
      List<SupervisedDevice> devices = new ArrayList<>();
      PowerRuntime runtime =
          PowerRuntime.builder()
              .retryBackoff(Duration.ofMillis(500), Duration.ofSeconds(10))
              .build();
      List<String> notAtStart;
      List<String> notAtEnd;
      ProcessProbe start;
      ProcessProbe end;
      long ran;
      try {
        for (SoakFleet.Member m : fleet.members()) {
          devices.add(runtime.supervise(DeviceConfig.of(m.name(), m.uri())));
        }
        notAtStart = awaitConnected(devices, settings.readyTimeout());
        start = ProcessProbe.now();
        out.printf(
            Locale.ROOT,
            "soak: %d of %d connected; %d threads, %d fds, heap %.1f MiB; running %s%n",
            devices.size() - notAtStart.size(),
            devices.size(),
            start.threads(),
            start.fds(),
            start.heapBytes() / 1048576.0,
            settings.duration());

        ScheduledExecutorService commands =
            Executors.newSingleThreadScheduledExecutor(named("soak-commands"));
        ScheduledExecutorService faulting =
            Executors.newScheduledThreadPool(4, named("soak-faults"));
        long began = System.nanoTime();
        try {
          commands.scheduleAtFixedRate(
              new Pacer(settings.commandsPerSecond(), () -> issue(devices, random, ledger)),
              0,
              TICK.toMillis(),
              TimeUnit.MILLISECONDS);
          if (settings.faultsPerSecond() > 0) {
            List<Target> targets = fleet.targets();
            faulting.scheduleAtFixedRate(
                new Pacer(
                    settings.faultsPerSecond(), () -> fault(targets, random, faulting, faults)),
                0,
                TICK.toMillis(),
                TimeUnit.MILLISECONDS);
          }
          long until = began + settings.duration().toNanos();
          long nextProgress = System.nanoTime() + settings.progressEvery().toNanos();
          while (System.nanoTime() < until) {
            Thread.sleep(Math.min(1000, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            if (!settings.progressEvery().isZero() && System.nanoTime() >= nextProgress) {
              nextProgress += settings.progressEvery().toNanos();
              progress(out, began, ledger, devices, faults);
            }
          }
        } finally {
          stop(commands);
          stop(faulting);
        }
        ran = System.nanoTime() - began;
        fleet.endFaults();
        waitUntil(settings.drainTimeout(), () -> ledger.openCount() == 0);
        notAtEnd = awaitConnected(devices, settings.readyTimeout());
        end = settledProbe(start, settings);
        // the close under load: a command to every open device, cycles caught in their off time
        for (SupervisedDevice d : devices) {
          d.device().ifPresent(device -> lastCommand(d.name(), device, random, closing));
        }
        Thread.sleep(CLOSE_AFTER.toMillis());
      } finally {
        runtime.close();
      }
      waitUntil(CLOSE_DRAIN, () -> closing.openCount() == 0);
      waitUntil(Duration.ofSeconds(5), () -> ProcessProbe.liveRuntimeThreads() == 0);
      Map<String, Long> faultCounts = new TreeMap<>();
      faults.forEach((k, v) -> faultCounts.put(k, v.sum()));
      return new SoakReport(
          settings,
          settings.counts(),
          Duration.ofMillis(ran / 1_000_000),
          ledger.issued(),
          ledger.succeeded(),
          ledger.failed(),
          ledger.failedInDetail(),
          ledger.firstMessages(),
          ledger.thrown(),
          ledger.byCommand(),
          ledger.openCount(),
          describe(ledger),
          ledger.doubleCompletions(),
          closing.issued(),
          closing.failed(),
          closing.openCount(),
          describe(closing),
          closing.doubleCompletions(),
          ledger.slowestMillis(),
          faultCounts,
          fleet.restartFailures(),
          notAtStart,
          notAtEnd,
          start,
          end,
          ProcessProbe.liveRuntimeThreads());
    }
  }

  private static List<String> describe(StageLedger ledger) {
    return ledger.oldestOpen(10).stream()
        .map(
            o ->
                o.command()
                    + " on "
                    + o.device()
                    + " issued "
                    + (System.nanoTime() - o.issuedAtNanos()) / 1_000_000
                    + " ms ago")
        .toList();
  }

  /**
   * The command a device gets just before the runtime closes: a cycle with a 3 s off time where it
   * can, so the close finds it between its two switches; else a switch, else a refresh.
   */
  private static void lastCommand(String name, PowerDevice device, Random r, StageLedger ledger) {
    List<Outlet> switchable =
        device.outlets().stream()
            .filter(o -> o.capabilities().contains(OutletCapability.SWITCHABLE))
            .toList();
    if (switchable.isEmpty()) {
      ledger.track(name, "refresh", device::refresh);
      return;
    }
    Outlet outlet = switchable.get(r.nextInt(switchable.size()));
    if (device.has(DeviceCapability.CYCLE)) {
      ledger.track(name, "cycle", () -> outlet.cycle(Duration.ofSeconds(3)));
    } else {
      ledger.track(name, "switch", outlet::switchOff);
    }
  }

  /** Issues one random command to a random open device. */
  private static void issue(List<SupervisedDevice> devices, Random r, StageLedger ledger) {
    SupervisedDevice d = devices.get(r.nextInt(devices.size()));
    Optional<PowerDevice> open = d.device();
    if (open.isEmpty()) {
      return;
    }
    PowerDevice device = open.get();
    List<Outlet> switchable =
        device.outlets().stream()
            .filter(o -> o.capabilities().contains(OutletCapability.SWITCHABLE))
            .toList();
    int pick = r.nextInt(100);
    if (switchable.isEmpty() || pick < 25) {
      ledger.track(d.name(), "refresh", device::refresh);
      return;
    }
    Outlet outlet = switchable.get(r.nextInt(switchable.size()));
    if (pick < 40 && device.has(DeviceCapability.CYCLE)) {
      Duration off = Duration.ofMillis(200 + r.nextInt(801));
      ledger.track(d.name(), "cycle", () -> outlet.cycle(off));
    } else if (pick < 55
        && device.has(DeviceCapability.OUTLET_CONFIG)
        && outlet.capabilities().contains(OutletCapability.CONFIGURABLE)) {
      ledger.track(d.name(), "config", outlet::config);
    } else if (r.nextBoolean()) {
      ledger.track(d.name(), "switch", outlet::switchOn);
    } else {
      ledger.track(d.name(), "switch", outlet::switchOff);
    }
  }

  /** Starts a fault on a random target that has none on, and schedules its end. */
  private static void fault(
      List<Target> targets,
      Random r,
      ScheduledExecutorService scheduler,
      Map<String, LongAdder> counts) {
    Target t = targets.get(r.nextInt(targets.size()));
    if (!t.busy.compareAndSet(false, true)) {
      return;
    }
    scheduler.execute(
        () -> {
          Fault f;
          try {
            f = t.begin(r);
          } catch (RuntimeException e) {
            LOG.warn("a fault on {} could not start: {}", t, e.toString());
            t.busy.set(false);
            return;
          }
          counts.computeIfAbsent(f.kind(), k -> new LongAdder()).increment();
          scheduler.schedule(
              () -> {
                try {
                  t.end();
                } catch (RuntimeException e) {
                  LOG.warn("a fault on {} could not end: {}", t, e.toString());
                } finally {
                  t.busy.set(false);
                }
              },
              f.lasts().toMillis(),
              TimeUnit.MILLISECONDS);
        });
  }

  /** The devices that are not connected after waiting up to {@code timeout}, with their health. */
  private static List<String> awaitConnected(List<SupervisedDevice> devices, Duration timeout)
      throws InterruptedException {
    waitUntil(timeout, () -> devices.stream().allMatch(d -> d.health().isConnected()));
    List<String> not = new ArrayList<>();
    for (SupervisedDevice d : devices) {
      DeviceHealth h = d.health();
      if (!h.isConnected()) {
        not.add(
            d.name()
                + " "
                + h.state()
                + h.problem().map(p -> " " + p).orElse("")
                + h.message().map(m -> ": " + m).orElse(""));
      }
    }
    return not;
  }

  /**
   * The process at the end: threads of connections just closed take a moment to end, so a reading
   * above the tolerance is taken again for up to 30 s before it counts.
   */
  private static ProcessProbe settledProbe(ProcessProbe start, SoakSettings s)
      throws InterruptedException {
    ProcessProbe end = ProcessProbe.now();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while ((end.threads() - start.threads() > s.threadTolerance()
            || end.fds() - start.fds() > s.fdTolerance())
        && System.nanoTime() < deadline) {
      Thread.sleep(2000);
      end = ProcessProbe.now();
    }
    return end;
  }

  private static void progress(
      PrintStream out,
      long began,
      StageLedger ledger,
      List<SupervisedDevice> devices,
      Map<String, LongAdder> faults) {
    long connected = devices.stream().filter(d -> d.health().isConnected()).count();
    long faultCount = faults.values().stream().mapToLong(LongAdder::sum).sum();
    out.printf(
        Locale.ROOT,
        "soak: %4ds issued %d ok %d failed %s open %d twice %d; faults %d; connected %d/%d;"
            + " threads %d%n",
        (System.nanoTime() - began) / 1_000_000_000,
        ledger.issued(),
        ledger.succeeded(),
        ledger.failed(),
        ledger.openCount(),
        ledger.doubleCompletions(),
        faultCount,
        connected,
        devices.size(),
        Thread.activeCount());
  }

  private static void waitUntil(Duration timeout, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  private static void stop(ScheduledExecutorService s) throws InterruptedException {
    s.shutdownNow();
    if (!s.awaitTermination(30, TimeUnit.SECONDS)) {
      LOG.warn("a soak thread did not stop within 30 s");
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Runs an action {@code perSecond} times a second on average, called every {@link #TICK}. */
  private static final class Pacer implements Runnable {
    private final double perTick;
    private final Runnable action;
    private double due;

    Pacer(double perSecond, Runnable action) {
      this.perTick = perSecond * TICK.toMillis() / 1000.0;
      this.action = action;
    }

    @Override
    public void run() {
      due += perTick;
      while (due >= 1) {
        due -= 1;
        try {
          action.run();
        } catch (RuntimeException e) {
          // one bad call must not end the periodic task
          LOG.warn("soak step failed", e);
        }
      }
    }
  }
}
