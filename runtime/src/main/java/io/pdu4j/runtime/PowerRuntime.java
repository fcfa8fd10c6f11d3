package io.pdu4j.runtime;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.micrometer.core.instrument.MeterRegistry;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DoNotImplement;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.config.RuntimeConfig;
import io.pdu4j.runtime.history.PowerHistory;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.spi.transport.TransportProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadFactory;

/**
 * The pdu4j runtime: opens devices from their addresses, with the drivers and transports it found
 * through {@link java.util.ServiceLoader} and those added to its {@link Builder}, on one shared
 * pool of I/O threads.
 *
 * <p>Create one per application with {@link #builder()} (or through Guice with {@link PowerModule})
 * and close it when done: closing closes every device it opened and stops its I/O threads (named
 * {@code pdu4j-io-N}, daemon threads).
 *
 * <pre>{@code
 * try (PowerRuntime runtime = PowerRuntime.builder().build()) {
 *   PowerDevice pdu = runtime.open("isotek:tcp://10.0.0.5:501");
 *   pdu.outlet(3).switchOff().toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <p>{@link #open} opens a device once; {@link #supervise} keeps one open for the life of the
 * runtime (retried, reconnected, its {@link io.pdu4j.api.DeviceHealth} tracked), which is what a
 * long-running application wants.
 *
 * <p>Every method is safe to call from any thread. Errors are {@link
 * io.pdu4j.api.PowerDeviceException}s, never checked exceptions.
 */
@DoNotImplement
public interface PowerRuntime extends AutoCloseable {

  /**
   * A builder with the defaults: {@link DeviceOptions#defaults()}, the system clock, 2 I/O threads.
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Opens a device and waits until it is ready (its link is up and it has answered), at most the
   * address's ready timeout plus a second.
   *
   * @param uri the device's address, e.g. {@code isotek:tcp://10.0.0.5:501}
   * @return the open device, also listed by {@link #devices()} until it is closed
   * @throws io.pdu4j.api.InvalidArgumentException when the address is malformed, names an unknown
   *     driver or transport, or carries an unknown or bad option (the message lists the known ones)
   * @throws io.pdu4j.api.DeviceUnreachableException when the link cannot be opened
   * @throws io.pdu4j.api.DeviceTimeoutException when the device is not ready in time
   * @throws DeviceClosedException when this runtime is closed
   */
  PowerDevice open(String uri);

  /**
   * Opens a device without blocking. The stage completes, on the device's I/O thread, with the
   * ready device or with the {@link io.pdu4j.api.PowerDeviceException} {@link #open(String)} would
   * throw; it never completes by itself because of time alone before the address's ready timeout.
   */
  CompletionStage<PowerDevice> openAsync(String uri);

  /**
   * Opens a configured device and waits until it is ready, as {@link #open(String)} does. The
   * device's meters are tagged with its name, which must not be that of another open device.
   *
   * @throws io.pdu4j.api.InvalidArgumentException also when a device of that name is open
   */
  PowerDevice open(DeviceConfig device);

  /**
   * Opens a configured device without blocking, as {@link #openAsync(String)} does; its meters are
   * tagged with its name. The stage fails with {@link io.pdu4j.api.InvalidArgumentException} when a
   * device of that name is open.
   */
  CompletionStage<PowerDevice> openAsync(DeviceConfig device);

  /**
   * Keeps a configured device open, and returns at once, whatever the device's state: the device is
   * opened in the background; an open that fails is retried with capped exponential backoff and
   * jitter (see {@link Builder#retryBackoff}); once open, the driver reconnects a lost link by
   * itself, and a device that closes by itself is opened again. {@link SupervisedDevice#health()}
   * says where it stands (CONNECTING, CONNECTED, or OFFLINE with a {@link
   * io.pdu4j.api.ConnectionProblem}), also as the {@code pdu.device.health} meters. A bad address
   * does not throw: the device is OFFLINE with {@link
   * io.pdu4j.api.ConnectionProblem#CONFIGURATION_ERROR}. Closing the runtime stops every
   * supervision.
   *
   * @throws io.pdu4j.api.InvalidArgumentException when a device of that name is already supervised
   * @throws DeviceClosedException when this runtime is closed
   */
  SupervisedDevice supervise(DeviceConfig device);

  /** The devices being supervised, in the order {@link #supervise} was called. */
  List<SupervisedDevice> supervised();

  /** The devices opened through this runtime and not yet closed, in the order they were opened. */
  List<PowerDevice> devices();

  /**
   * The last hour of a device's power, as recorded from its own status reports (the runtime never
   * polls a device for it): one point per step ({@link Builder#powerHistoryStep}, 1 min by
   * default), the mean of the readings of each step, gaps where there were none. The runtime keeps
   * a history for every device open or supervised under a name (bounded: see {@link
   * PowerHistory#MAX_OUTLETS}), from when it is opened or supervised until it is closed and no
   * longer supervised; a supervised device keeps its history across reconnects and reopens.
   *
   * @param device the device's name (its {@link io.pdu4j.runtime.config.DeviceConfig#name()}, or
   *     its redacted address when opened by address)
   * @return an immutable snapshot up to the runtime's clock
   * @throws io.pdu4j.api.InvalidArgumentException when no device of that name is open or supervised
   *     (the message lists those that are)
   */
  PowerHistory powerHistory(String device);

  /** The drivers this runtime knows, sorted by code. */
  List<DriverInfo> drivers();

  /** The transports this runtime knows, sorted by scheme. */
  List<TransportInfo> transports();

  /**
   * The plugin jars, or providers in them, this runtime skipped when it was built, in the order
   * found; empty without a {@linkplain Builder#pluginDirectory plugin directory} or when every jar
   * loaded. What loaded is in {@link #drivers()} and {@link #transports()} with its {@link
   * DriverInfo#plugin() plugin}.
   */
  List<PluginProblem> pluginProblems();

  /**
   * Finds devices on the local network with the discoverers of the chosen drivers ({@link
   * io.pdu4j.spi.DeviceDiscoverer}s found through {@link java.util.ServiceLoader} and in plugin
   * jars, like drivers), all at once over the request's window, without blocking.
   *
   * <p>The stage completes once every discoverer has reported, shortly after the window (a
   * discoverer that has not reported 5 s after it is given up as a {@link
   * io.pdu4j.api.DeviceTimeoutException} of its driver). One driver's failure (its port in use)
   * does not fail the stage: it is in {@link DiscoveryResult#failures()}, and what the others found
   * is in {@link DiscoveryResult#devices()}. The stage fails with {@link
   * io.pdu4j.api.InvalidArgumentException} when the request names a driver that cannot discover, or
   * gives a listening driver the port another sends its request to (it would take the answers), and
   * with {@link DeviceClosedException} when this runtime is closed.
   */
  CompletionStage<DiscoveryResult> discover(DiscoveryRequest request);

  /** The discoverers this runtime knows, sorted by driver code. */
  List<DiscovererInfo> discoverers();

  /** The options a device gets unless its address overrides them. */
  DeviceOptions defaults();

  /** Whether {@link #close()} has been called. */
  boolean isClosed();

  /**
   * Stops every supervision, closes every open device (all at once: each refuses new commands, and
   * fails those not yet completed with {@link DeviceClosedException}, within a few seconds in all),
   * then stops the I/O threads, waiting a few seconds at most, then closes the drivers and
   * transports it loaded through {@link java.util.ServiceLoader} or from plugin jars that are
   * {@link AutoCloseable} (embedded ones are left to their owner), then the plugin jars' class
   * loaders. Devices still opening fail with {@link DeviceClosedException}, as does every later
   * {@link #open}. Idempotent. Do not call it from a device callback (an I/O thread): it then
   * cannot wait for the threads to stop and returns once they are asked to.
   */
  @Override
  void close();

  /**
   * Configures and builds a {@link PowerRuntime}. Not thread-safe; each {@link #build()} makes a
   * new, independent runtime.
   */
  final class Builder {
    /** The default number of I/O threads: power devices are slow talkers, two serve many. */
    public static final int DEFAULT_IO_THREADS = 2;

    private DeviceOptions defaults = DeviceOptions.defaults();
    private Clock clock = Clock.systemDefaultZone();
    private int ioThreads = DEFAULT_IO_THREADS;
    private Duration ioBatchWindow = RuntimeConfig.DEFAULT_IO_BATCH_WINDOW;
    private ClassLoader classLoader;
    private boolean loadServices = true;
    private final List<PowerDriver> drivers = new ArrayList<>();
    private final List<TransportProvider> transports = new ArrayList<>();
    private MeterRegistry meterRegistry;
    private Path pluginDirectory;
    private Duration retryInitial = io.pdu4j.runtime.internal.RuntimeSettings.DEFAULT_RETRY_INITIAL;
    private Duration retryMax = io.pdu4j.runtime.internal.RuntimeSettings.DEFAULT_RETRY_MAX;
    private ThreadFactory ioThreadFactory;
    private Duration reopenOffline =
        io.pdu4j.runtime.internal.RuntimeSettings.DEFAULT_REOPEN_OFFLINE;
    private int maxOpening = io.pdu4j.runtime.internal.RuntimeSettings.DEFAULT_MAX_OPENING;
    private Duration powerHistoryStep = PowerHistory.DEFAULT_STEP;

    private Builder() {}

    /**
     * How a {@linkplain PowerRuntime#supervise supervised} device that could not be opened is
     * retried: after {@code initial}, doubling up to {@code max}, each delay plus up to a quarter
     * at random; default 1 s to 1 min. Configuration errors and denied logins are retried every
     * {@code max}.
     *
     * @throws io.pdu4j.api.InvalidArgumentException unless {@code 0 < initial <= max}
     */
    public Builder retryBackoff(Duration initial, Duration max) {
      Objects.requireNonNull(initial, "initial");
      Objects.requireNonNull(max, "max");
      if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
        throw new io.pdu4j.api.InvalidArgumentException(
            "retry backoff needs 0 < initial <= max, got " + initial + " and " + max);
      }
      this.retryInitial = initial;
      this.retryMax = max;
      return this;
    }

    /**
     * How long a {@linkplain PowerRuntime#supervise supervised} device may stay OFFLINE on end
     * before the runtime closes it and opens it again, for drivers that do not reconnect by
     * themselves (or are stuck); default 2 min. Drivers that reconnect come back well before.
     *
     * @throws io.pdu4j.api.InvalidArgumentException unless positive
     */
    public Builder reopenOffline(Duration after) {
      Objects.requireNonNull(after, "after");
      if (after.isNegative() || after.isZero()) {
        throw new io.pdu4j.api.InvalidArgumentException(
            "reopenOffline must be more than 0, got " + after);
      }
      this.reopenOffline = after;
      return this;
    }

    /**
     * The most devices opening at once, from the start of the link's connect to the device's first
     * status (or the failure); default 256. Further opens ({@link PowerRuntime#openAsync}, {@link
     * PowerRuntime#supervise}, a whole {@code devices.yaml}) wait in the order they were asked for,
     * and each device's {@code connect-timeout} and {@code ready-timeout} count from when its own
     * attempt starts, not from when it was asked for: a fleet opened at once comes up at the pace
     * the network and the I/O threads can take, without spurious timeouts. A device's reconnects
     * (its link lost, or recycled for going quiet) are paced alike: each waits a random delay of up
     * to a second, then for a slot, which it holds until the device's first status after the link
     * came up (at most its ready timeout), so that a fleet that lost its links at once does not
     * come back all at once.
     *
     * @throws io.pdu4j.api.InvalidArgumentException unless at least 1
     */
    public Builder maxOpening(int opens) {
      if (opens < 1) {
        throw new io.pdu4j.api.InvalidArgumentException(
            "maxOpening must be at least 1, got " + opens);
      }
      this.maxOpening = opens;
      return this;
    }

    /**
     * The width of one point of every device's {@linkplain PowerRuntime#powerHistory power
     * history}, which always covers the last hour: default {@link PowerHistory#DEFAULT_STEP} (1
     * min, 60 points, about 10 KB of heap for a 16-outlet unit); 5 s gives 720 points at about 110
     * KB a device.
     *
     * @throws io.pdu4j.api.InvalidArgumentException unless whole seconds from 5 s to 5 min that
     *     divide an hour ({@link PowerHistory#checkStep})
     */
    public Builder powerHistoryStep(Duration step) {
      this.powerHistoryStep = PowerHistory.checkStep(step);
      return this;
    }

    /**
     * The Micrometer registry every device publishes its meters to ({@link
     * io.pdu4j.runtime.metrics.PduMeter}), tagged with the device's name; without one no meters are
     * kept. The runtime registers and removes meters but never closes the registry. With
     * Micrometer's {@code PrometheusMeterRegistry} only the command timers are meters: the other
     * series are written at scrape time from the devices' state by a collector registered with its
     * {@code PrometheusRegistry} (same names, labels and values, without some seventy meters per
     * device; docs/metrics.md).
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The options every device gets unless its address overrides them. */
    public Builder defaults(DeviceOptions options) {
      this.defaults = Objects.requireNonNull(options, "options");
      return this;
    }

    /** The wall clock handed to drivers and transports (tests may fix it). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Where the I/O threads come from (each runs one event loop: the executor of the devices it
     * serves), for an application that names, prioritises or accounts for its threads itself; by
     * default daemon threads named {@code pdu4j-io-N}. The runtime still owns the loops and stops
     * them on close.
     */
    public Builder ioThreadFactory(ThreadFactory factory) {
      this.ioThreadFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * How many I/O threads all devices share, 1..256; default {@value #DEFAULT_IO_THREADS}. Each
     * device is served by one of them for its whole life.
     */
    public Builder ioThreads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new io.pdu4j.api.InvalidArgumentException("ioThreads must be 1..256, got " + threads);
      }
      this.ioThreads = threads;
      return this;
    }

    /**
     * How long an I/O thread that serves many connections (256 or more) waits between two polls
     * that find something, so that the pushes its devices sent meanwhile are read in one wake of
     * the thread rather than one wake each; default 10 ms, at most 50 ms, {@link Duration#ZERO} for
     * none. At a fleet's scale the wakes cost more than the pushes' own work (docs/benchmarks.md
     * has the figures). What a device sends unasked waits at most this long more; a thread where a
     * command awaits its reply, or that has a task or a timer due, polls at once, so commands are
     * not slowed.
     */
    public Builder ioBatchWindow(Duration window) {
      this.ioBatchWindow = RuntimeConfig.checkIoBatchWindow(window);
      return this;
    }

    /**
     * Adds a driver instance besides those found by {@link java.util.ServiceLoader}. Its code must
     * not clash with another driver's.
     */
    public Builder driver(PowerDriver driver) {
      drivers.add(Objects.requireNonNull(driver, "driver"));
      return this;
    }

    /**
     * Adds a transport instance besides those found by {@link java.util.ServiceLoader}. Its scheme
     * must not clash with another transport's.
     */
    public Builder transport(TransportProvider transport) {
      transports.add(Objects.requireNonNull(transport, "transport"));
      return this;
    }

    /**
     * A directory of plugin jars: the runtime loads the drivers and transports of every {@code
     * *.jar} in it (not its subdirectories), each jar in its own class loader whose parent is
     * {@linkplain #classLoader the runtime's}, through the jar's own {@code
     * META-INF/services/io.pdu4j.spi.PowerDriver} and {@code ...TransportProvider} files. Each
     * provider loaded is logged and listed by {@link PowerRuntime#drivers()} and {@link
     * PowerRuntime#transports()} with its jar and version. A jar that is not a zip, a provider that
     * cannot be loaded or made, or one whose code another driver (transport) already has, is
     * logged, listed by {@link PowerRuntime#pluginProblems()} and skipped; so is a missing
     * directory. Plugins come last: a class path driver keeps its code. The class loaders are
     * closed with the runtime.
     */
    public Builder pluginDirectory(Path directory) {
      this.pluginDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * The class loader {@link java.util.ServiceLoader} searches; default the thread's context class
     * loader (or this class's loader when there is none).
     */
    public Builder classLoader(ClassLoader loader) {
      this.classLoader = Objects.requireNonNull(loader, "loader");
      return this;
    }

    /**
     * Whether to find drivers and transports with {@link java.util.ServiceLoader} (default true).
     * Turn it off to use only those added with {@link #driver} and {@link #transport}.
     */
    public Builder loadServices(boolean enabled) {
      this.loadServices = enabled;
      return this;
    }

    /**
     * The Guice module this builder's settings describe, for applications that build their own
     * injector; {@link #build()} uses it too.
     */
    public PowerModule module() {
      return new PowerModule(settings());
    }

    private io.pdu4j.runtime.internal.RuntimeSettings settings() {
      ClassLoader loader = classLoader;
      if (loader == null) {
        loader = Thread.currentThread().getContextClassLoader();
      }
      if (loader == null) {
        loader = PowerRuntime.class.getClassLoader();
      }
      return new io.pdu4j.runtime.internal.RuntimeSettings(
          defaults,
          clock,
          ioThreads,
          loader,
          loadServices,
          drivers,
          transports,
          Optional.ofNullable(meterRegistry),
          Optional.ofNullable(pluginDirectory),
          retryInitial,
          retryMax,
          reopenOffline,
          Optional.ofNullable(ioThreadFactory),
          maxOpening,
          powerHistoryStep,
          ioBatchWindow);
    }

    /**
     * Builds the runtime: loads and checks the drivers and transports, then starts the I/O threads.
     *
     * @throws io.pdu4j.api.PowerDeviceException when two drivers share a code or two transports a
     *     scheme (the message names both and where each came from), or a provider cannot be loaded
     */
    public PowerRuntime build() {
      try {
        Injector injector = Guice.createInjector(module());
        return injector.getInstance(PowerRuntime.class);
      } catch (RuntimeException e) {
        throw io.pdu4j.runtime.internal.Failures.unwrapGuice(e);
      }
    }

    /**
     * Builds the same runtime as {@link #build()}, wired by hand instead of by a Guice injector:
     * for a short-lived process (the {@code pdu4j} command's one-shot commands), where creating the
     * injector costs more than opening the device. What the two return behaves alike; only {@link
     * #build()} and {@link #module()} let other Guice modules add drivers, transports or bindings.
     *
     * @throws io.pdu4j.api.PowerDeviceException as {@link #build()} does
     */
    public PowerRuntime buildWithoutInjector() {
      try {
        io.pdu4j.runtime.internal.RuntimeSettings settings = settings();
        // a set, as Guice's multibinder makes of the same instance added twice
        io.pdu4j.runtime.internal.Providers providers =
            new io.pdu4j.runtime.internal.Providers(
                settings,
                new java.util.LinkedHashSet<>(settings.drivers()),
                new java.util.LinkedHashSet<>(settings.transports()));
        try {
          return new DefaultPowerRuntime(
              new io.pdu4j.runtime.internal.RuntimeCore(
                  settings, providers, settings.meterRegistry()));
        } catch (RuntimeException | Error e) {
          providers.close();
          throw e;
        }
      } catch (RuntimeException e) {
        throw io.pdu4j.runtime.internal.Failures.unwrapGuice(e);
      }
    }
  }
}
