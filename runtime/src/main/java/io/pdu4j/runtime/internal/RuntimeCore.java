package io.pdu4j.runtime.internal;

import static io.pdu4j.runtime.internal.ProviderCalls.redact;

import com.google.inject.Inject;
import io.micrometer.core.instrument.MeterRegistry;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.Durations;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.runtime.history.PowerHistory;
import io.pdu4j.spi.DeviceDiscoverer;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.spi.transport.TransportProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the public runtime delegates to: it ties the {@link Providers}, the shared {@link
 * IoThreads}, the {@link OpenDevices} (opened by a {@link DeviceOpener}) and the {@link
 * Supervisors} together, and closes them in order. Knows nothing of the public {@code
 * io.pdu4j.runtime} package, which depends on this one and not the other way round.
 */
public final class RuntimeCore {
  private static final Logger LOG = LoggerFactory.getLogger(RuntimeCore.class);

  /** How much longer than the ready timeout a blocking open waits for the driver to give up. */
  private static final Duration OPEN_GRACE = Duration.ofSeconds(1);

  /** How long close waits for the I/O threads to stop. */
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);

  private final RuntimeSettings settings;
  private final Providers providers;
  private final IoThreads io;
  private final Optional<MeterRegistry> meterRegistry;
  // where pdu.device.health meters go: none when the Prometheus collector writes them
  private final Optional<MeterRegistry> healthRegistry;
  private final PowerHistories histories;
  private final OpenDevices devices;
  private final Supervisors supervisors;
  private final DeviceOpener opener;
  private final Object closeLock = new Object();
  // with a Prometheus registry: takes this runtime's series out of its scrapes; else null
  private final Runnable detachSeries;

  /** Starts the I/O threads for the loaded drivers and transports. */
  @Inject
  public RuntimeCore(
      RuntimeSettings settings, Providers providers, Optional<MeterRegistry> meterRegistry) {
    this.settings = settings;
    this.providers = providers;
    this.meterRegistry = meterRegistry;
    // after the registries, so that a bad registry leaves no thread behind
    this.io =
        new IoThreads(settings.ioThreads(), settings.ioThreadFactory(), settings.ioBatchWindow());
    this.histories = new PowerHistories(settings.clock(), settings.powerHistoryStep());
    this.devices = new OpenDevices(histories);
    this.supervisors = new Supervisors(histories);
    boolean collected = meterRegistry.map(RuntimeCore::isPrometheus).orElse(false);
    CommandSeries.Window commandWindow =
        collected ? PrometheusSeries.commandWindow(meterRegistry.get()) : null;
    this.opener =
        new DeviceOpener(
            settings, providers, io, meterRegistry, collected, commandWindow, devices, histories);
    this.healthRegistry = collected ? Optional.empty() : meterRegistry;
    this.detachSeries =
        collected
            ? PrometheusSeries.attach(
                meterRegistry.get(),
                new PrometheusSeries.Source() {
                  @Override
                  public List<DeviceMetrics> devices() {
                    return devices.metrics();
                  }

                  @Override
                  public List<Supervisor> supervisors() {
                    return supervisors.list();
                  }
                })
            : null;
    LOG.debug("pdu4j runtime up: {} I/O, {}", io.ioKind(), providers);
  }

  /** Opens and waits; see {@code PowerRuntime.open}. */
  public PowerDevice open(String uri) {
    return open(uri, null);
  }

  /**
   * Opens and waits, the device named {@code name} (its {@code device} tag), or by its address when
   * null.
   */
  public PowerDevice open(String uri, String name) {
    if (io.isIoThread()) {
      throw new PowerDeviceException(
          "open(uri) blocks and cannot be called on a pdu4j I/O thread; use openAsync(uri)");
    }
    OpenPlan plan = plan(uri);
    DeviceOpener.Opening opening = opener.start(plan, name);
    CompletableFuture<PowerDevice> result = opening.result();
    Duration wait = plan.options().readyTimeout().plus(OPEN_GRACE);
    try {
      // first the turn among the opens in flight (each of those ends within its own ready
      // timeout), then this device's own ready timeout, counted from when its attempt started
      CompletableFuture.anyOf(opening.started(), result).get();
      return result.get(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw Failures.of(e.getCause(), "opening the device", plan.address().toString());
    } catch (TimeoutException e) {
      DeviceTimeoutException timeout =
          new DeviceTimeoutException(
              "not ready within " + Durations.format(wait),
              plan.address().toString(),
              null,
              null,
              null);
      return giveUp(result, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return giveUp(
          result,
          new PowerDeviceException(
              "interrupted while opening", plan.address().toString(), null, null, e));
    }
  }

  /** Fails the open (the device, should it still come, is closed) unless it just completed. */
  private static PowerDevice giveUp(
      CompletableFuture<PowerDevice> result, PowerDeviceException failure) {
    if (result.completeExceptionally(failure)) {
      throw failure;
    }
    try {
      return result.join();
    } catch (CompletionException e) {
      throw Failures.of(e, "opening the device", failure.device().orElse(null));
    }
  }

  /** Opens without blocking; see {@code PowerRuntime.openAsync}. */
  public CompletionStage<PowerDevice> openAsync(String uri) {
    return openAsync(uri, null);
  }

  /** Opens without blocking, the device named {@code name} or by its address when null. */
  public CompletionStage<PowerDevice> openAsync(String uri, String name) {
    OpenPlan plan;
    try {
      plan = plan(uri);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Failures.of(e, "opening the device", redact(uri)));
    }
    return opener.start(plan, name).result();
  }

  private OpenPlan plan(String uri) {
    if (isClosed()) {
      throw new DeviceClosedException("the pdu4j runtime is closed; cannot open " + redact(uri));
    }
    return OpenPlan.of(uri, providers, settings.defaults());
  }

  /**
   * Starts supervising the device {@code name} at {@code uri}; see {@code PowerRuntime.supervise}.
   *
   * @throws InvalidArgumentException when a device of that name is supervised already
   * @throws DeviceClosedException when the runtime is closed
   */
  public Supervisor supervise(String name, String uri) {
    String address = redact(uri);
    return supervisors.start(
        name,
        address,
        onStop ->
            new Supervisor(
                name,
                address,
                () -> openAsync(uri, name),
                io.next(),
                settings.clock(),
                settings.retryInitial(),
                settings.retryMax(),
                settings.reopenOffline(),
                healthRegistry,
                this::isClosed,
                onStop));
  }

  /** The supervisors, in the order they were started. */
  public List<Supervisor> supervisors() {
    return supervisors.list();
  }

  /** The open devices, in the order they were opened. */
  public List<PowerDevice> devices() {
    return devices.devices();
  }

  /**
   * The power history of the device of that name, open or supervised; see {@code
   * PowerRuntime.powerHistory}.
   *
   * @throws InvalidArgumentException when no device of that name is open or supervised
   */
  public PowerHistory powerHistory(String name) {
    return histories.snapshot(name);
  }

  /** The drivers, sorted by code. */
  public List<ProviderRegistry.Entry<PowerDriver>> drivers() {
    return providers.drivers().entries();
  }

  /** The discoverers, sorted by driver code. */
  public List<ProviderRegistry.Entry<DeviceDiscoverer>> discoverers() {
    return providers.discoverers().entries();
  }

  /**
   * Runs the discoverers; see {@code PowerRuntime.discover}. Fails the stage with {@link
   * DeviceClosedException} when the runtime is closed.
   */
  public CompletionStage<Discoveries.Outcome> discover(
      Set<String> drivers,
      String broadcast,
      Map<String, Integer> ports,
      Duration window,
      int maxDevices) {
    if (isClosed()) {
      return CompletableFuture.failedFuture(
          new DeviceClosedException("the pdu4j runtime is closed; cannot discover devices"));
    }
    return Discoveries.run(
        providers.discoverers(),
        code ->
            new RuntimeDiscoveryContext(
                code, providers.transports(), io, settings.defaults(), settings.clock()),
        drivers,
        broadcast,
        ports,
        window,
        maxDevices);
  }

  /** The transports, sorted by scheme. */
  public List<ProviderRegistry.Entry<TransportProvider>> transports() {
    return providers.transports().entries();
  }

  /** The options devices get unless their address overrides them. */
  public DeviceOptions defaults() {
    return settings.defaults();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return devices.isClosed();
  }

  /**
   * Stops the supervisors, then closes the devices, the threads and the loaded providers; see
   * {@code PowerRuntime.close}.
   */
  public void close() {
    // a second caller waits for the first to finish, so that "closed" always means "threads gone"
    synchronized (closeLock) {
      if (devices.isClosed()) {
        return;
      }
      // first, so that nothing reopens what is about to be closed
      supervisors.stopAll();
      OpenDevices.Closing closing = devices.close();
      opener.close();
      for (CompletableFuture<PowerDevice> p : closing.opening()) {
        p.completeExceptionally(
            new DeviceClosedException("the pdu4j runtime closed while the device was opening"));
      }
      DeviceClosers.closeAll(closing.open(), io.isIoThread());
      histories.clear();
      if (detachSeries != null) {
        detachSeries.run();
      }
      if (!io.shutdown(SHUTDOWN_TIMEOUT)) {
        LOG.debug("I/O threads asked to stop; not all stopped within {}", SHUTDOWN_TIMEOUT);
      }
      providers.close();
    }
  }

  /**
   * Whether {@code registry} is (a subclass of) Micrometer's {@code PrometheusMeterRegistry}: then
   * {@link PrometheusSeries} writes the devices' series at scrape time. Tells by class name, so
   * that an application without the Prometheus registry on its class path loads none of its
   * classes.
   */
  static boolean isPrometheus(MeterRegistry registry) {
    for (Class<?> c = registry.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals("io.micrometer.prometheusmetrics.PrometheusMeterRegistry")) {
        return true;
      }
    }
    return false;
  }

  /** What went wrong with plugin jars, in the order found. */
  public List<PluginJars.Problem> pluginProblems() {
    return providers.pluginProblems();
  }

  @Override
  public String toString() {
    return "PowerRuntime[" + io.ioKind() + ", " + providers + (isClosed() ? ", closed" : "") + "]";
  }
}
