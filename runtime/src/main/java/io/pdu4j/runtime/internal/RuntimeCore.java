package io.pdu4j.runtime.internal;

import com.google.inject.Inject;
import io.micrometer.core.instrument.MeterRegistry;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.Subscription;
import io.pdu4j.runtime.history.PowerHistory;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DeviceDiscoverer;
import io.pdu4j.spi.DeviceOptions;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.DriverCounters;
import io.pdu4j.spi.Durations;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.spi.TransportProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the public runtime delegates to: registries of drivers and transports, the shared I/O
 * threads, and the devices it opened. Knows nothing of the public {@code io.pdu4j.runtime} package,
 * which depends on this one and not the other way round.
 */
public final class RuntimeCore {
  private static final Logger LOG = LoggerFactory.getLogger(RuntimeCore.class);

  /** How much longer than the ready timeout a blocking open waits for the driver to give up. */
  private static final Duration OPEN_GRACE = Duration.ofSeconds(1);

  /** How long close waits for the devices to close, all at once. */
  private static final Duration DEVICES_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** At most this many threads close devices at once on shutdown. */
  private static final int CLOSERS = 8;

  /** How long close waits for the I/O threads to stop. */
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);

  private final RuntimeSettings settings;
  private final ProviderRegistry<PowerDriver> drivers;
  private final ProviderRegistry<TransportProvider> transports;
  private final ProviderRegistry<DeviceDiscoverer> discoverers;
  private final IoThreads io;
  private final PluginJars plugins;
  private final Optional<MeterRegistry> meterRegistry;

  private final Object lock = new Object();
  private final Object closeLock = new Object();
  private final List<Tracked> devices = new ArrayList<>(); // guarded by lock
  private final Set<CompletableFuture<PowerDevice>> opening =
      Collections.newSetFromMap(new java.util.IdentityHashMap<>()); // guarded by lock
  private final Set<String> names = new HashSet<>(); // guarded by lock: device tags in use
  // guarded by lock: by name, in the order supervised
  private final Map<String, Supervisor> supervisors = new LinkedHashMap<>();
  // guarded by lock: by name, while a device of that name is open, opening or supervised
  private final Map<String, PowerRecorder> histories = new HashMap<>();
  private volatile boolean closed; // written under lock

  /**
   * An open device: the driver's, the one handed out (timed when metrics are on), its metrics (or
   * null) and its name.
   */
  private record Tracked(
      PowerDevice raw,
      PowerDevice device,
      Subscription subscription,
      DeviceMetrics metrics,
      String name) {}

  private record Plan(
      DeviceAddress address,
      PowerDriver driver,
      TransportProvider transport,
      DeviceOptions options,
      LinkRequirements requirements) {}

  /** Loads and checks the drivers and transports, then starts the I/O threads. */
  @Inject
  public RuntimeCore(
      RuntimeSettings settings,
      Set<PowerDriver> embeddedDrivers,
      Set<TransportProvider> embeddedTransports,
      Optional<MeterRegistry> meterRegistry) {
    this.settings = settings;
    this.meterRegistry = meterRegistry;
    this.plugins =
        settings
            .pluginDirectory()
            .map(dir -> PluginJars.open(dir, settings.classLoader()))
            .orElseGet(PluginJars::none);
    try {
      this.drivers =
          ProviderRegistry.load(
              "driver",
              "code",
              PowerDriver.class,
              PowerDriver::code,
              embeddedDrivers,
              settings.classLoader(),
              settings.loadServices(),
              plugins);
      this.transports =
          ProviderRegistry.load(
              "transport",
              "scheme",
              TransportProvider.class,
              TransportProvider::scheme,
              embeddedTransports,
              settings.classLoader(),
              settings.loadServices(),
              plugins);
      this.discoverers =
          ProviderRegistry.load(
              "discoverer",
              "driver code",
              DeviceDiscoverer.class,
              DeviceDiscoverer::driver,
              Set.of(),
              settings.classLoader(),
              settings.loadServices(),
              plugins);
    } catch (RuntimeException e) {
      plugins.close();
      throw e;
    }
    // last, so that a bad registry leaves no thread behind
    this.io = new IoThreads(settings.ioThreads(), settings.ioThreadFactory());
    LOG.debug(
        "pdu4j runtime up: {} I/O, {}; {}",
        io.ioKind(),
        drivers.describeKnown(),
        transports.describeKnown());
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
    Plan plan = plan(uri);
    CompletableFuture<PowerDevice> result = start(plan, name);
    Duration wait = plan.options().readyTimeout().plus(OPEN_GRACE);
    try {
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
    } catch (java.util.concurrent.CompletionException e) {
      throw Failures.of(e, "opening the device", failure.device().orElse(null));
    }
  }

  /** Opens without blocking; see {@code PowerRuntime.openAsync}. */
  public CompletionStage<PowerDevice> openAsync(String uri) {
    return openAsync(uri, null);
  }

  /** Opens without blocking, the device named {@code name} or by its address when null. */
  public CompletionStage<PowerDevice> openAsync(String uri, String name) {
    Plan plan;
    try {
      plan = plan(uri);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Failures.of(e, "opening the device", redact(uri)));
    }
    return start(plan, name);
  }

  private Plan plan(String uri) {
    if (closed) {
      throw new DeviceClosedException("the pdu4j runtime is closed; cannot open " + redact(uri));
    }
    DeviceAddress address = DeviceAddress.parse(uri);
    PowerDriver driver =
        drivers
            .find(address.driver())
            .orElseThrow(
                () ->
                    new InvalidArgumentException(
                        "unknown driver '"
                            + address.driver()
                            + "' in "
                            + address
                            + "; "
                            + drivers.describeKnown()));
    TransportProvider transport =
        transports
            .find(address.transport())
            .orElseThrow(
                () ->
                    new InvalidArgumentException(
                        "unknown transport '"
                            + address.transport()
                            + "' in "
                            + address
                            + "; "
                            + transports.describeKnown()));
    Set<String> known = new TreeSet<>(DeviceOptions.NAMES);
    known.addAll(call(driver, "optionNames()", address, driver::optionNames));
    known.addAll(call(transport, "optionNames()", address, transport::optionNames));
    for (String name : address.options().keySet()) {
      if (!known.contains(name)) {
        throw new InvalidArgumentException(
            "unknown option '"
                + name
                + "' in "
                + address
                + "; known options for "
                + address.driver()
                + ":"
                + address.transport()
                + ": "
                + String.join(", ", known));
      }
    }
    if (!address.path().isEmpty() && !driver.readsPath() && !transport.readsPath()) {
      throw new InvalidArgumentException(
          "the path '"
              + address.path()
              + "' in "
              + address
              + " means nothing to "
              + address.driver()
              + ":"
              + address.transport()
              + " (neither the driver nor the transport reads a path); leave it out");
    }
    DeviceOptions options = settings.defaults().withOverrides(address);
    LinkRequirements requirements =
        call(driver, "requirements()", address, () -> driver.requirements(address));
    if (requirements == null) {
      throw new PowerDeviceException(
          "driver " + driver.getClass().getName() + " gave no link requirements for " + address);
    }
    return new Plan(address, driver, transport, options, requirements);
  }

  /** The address for a message, secrets redacted; the raw text is never echoed. */
  private static String redact(String uri) {
    try {
      return DeviceAddress.parse(uri).toString();
    } catch (RuntimeException e) {
      return "(an invalid address)";
    }
  }

  private CompletableFuture<PowerDevice> start(Plan plan, String requestedName) {
    CompletableFuture<PowerDevice> result = new CompletableFuture<>();
    String device = plan.address().toString();
    String name;
    synchronized (lock) {
      if (closed) {
        result.completeExceptionally(
            new DeviceClosedException("the pdu4j runtime is closed; cannot open " + device));
        return result;
      }
      if (requestedName != null && names.contains(requestedName)) {
        result.completeExceptionally(
            new InvalidArgumentException(
                "a device named '" + requestedName + "' is already open in this runtime"));
        return result;
      }
      name = requestedName != null ? requestedName : uniqueName(device);
      names.add(name);
      histories.computeIfAbsent(name, n -> new PowerRecorder(n, settings.clock()));
      opening.add(result);
    }
    DeviceMetrics metrics =
        meterRegistry.isPresent()
            ? new DeviceMetrics(name, settings.clock(), plan.options().staleAfter())
            : null;
    Link link = null;
    try {
      RuntimeTransportContext context =
          new RuntimeTransportContext(
              io.next(),
              plan.options(),
              plan.requirements(),
              settings.clock(),
              transports,
              io.group());
      link =
          call(
              plan.transport(),
              "create()",
              plan.address(),
              () -> plan.transport().create(plan.address(), context));
      if (link == null) {
        throw new PowerDeviceException(
            "transport " + plan.transport().getClass().getName() + " created no link",
            device,
            null,
            null,
            null);
      }
      boolean watched = plan.options().watchesQuiet() && link.kind() == Link.Kind.STREAM;
      if (watched || metrics != null) {
        link =
            new WatchedLink(
                link,
                metrics,
                watched ? plan.options().quietAfter() : null,
                metrics != null ? metrics.recycled::incrementAndGet : () -> {});
      }
      DriverContext driverContext =
          new DriverContext(
              plan.address(),
              link,
              plan.options(),
              settings.clock(),
              metrics != null ? metrics.driverCounters() : DriverCounters.NONE);
      CompletionStage<PowerDevice> stage =
          call(plan.driver(), "open()", plan.address(), () -> plan.driver().open(driverContext));
      if (stage == null) {
        throw new InvalidArgumentException(
            "driver " + plan.driver().getClass().getName() + " returned no stage from open()");
      }
      stage.whenComplete((d, failure) -> opened(plan, name, metrics, result, d, failure));
    } catch (RuntimeException e) {
      if (link != null) {
        closeQuietly(link, device);
      }
      forgetOpening(result, name);
      result.completeExceptionally(Failures.of(e, "opening the device", device));
    }
    return result;
  }

  /**
   * Calls a driver or transport. What it throws other than a {@link PowerDeviceException}, be it an
   * exception or an {@link Error} (an assertion, a stack overflow, a class that failed to
   * initialize), is a bug in that provider, not something a retry soon would fix: it becomes an
   * {@link InvalidArgumentException} naming the provider, so that the device is OFFLINE with
   * CONFIGURATION_ERROR (retried rarely) rather than the error escaping into the caller or an I/O
   * thread. See {@link PluginJars} for why no {@code Throwable} is let through.
   */
  private static <T> T call(
      Object provider, String method, DeviceAddress address, Supplier<T> call) {
    try {
      return call.get();
    } catch (PowerDeviceException e) {
      throw e;
    } catch (Throwable e) { // whatever a provider throws; see PluginJars
      throw new InvalidArgumentException(
          (provider instanceof TransportProvider ? "transport " : "driver ")
              + provider.getClass().getName()
              + " failed in "
              + method
              + " for "
              + address
              + ": "
              + PluginJars.describe(e),
          e);
    }
  }

  /** A name for a device opened by address: the address, numbered when it is open twice. */
  private String uniqueName(String address) {
    String name = address;
    for (int n = 2; names.contains(name); n++) {
      name = address + " #" + n;
    }
    return name;
  }

  private void opened(
      Plan plan,
      String name,
      DeviceMetrics metrics,
      CompletableFuture<PowerDevice> result,
      PowerDevice device,
      Throwable failure) {
    String address = plan.address().toString();
    if (failure != null || device == null) {
      forgetOpening(result, name);
      result.completeExceptionally(
          failure != null
              ? Failures.of(failure, "opening the device", address)
              : new PowerDeviceException(
                  "driver " + plan.driver().getClass().getName() + " opened no device",
                  address,
                  null,
                  null,
                  null));
      return;
    }
    // subscribed before it is listed, outside the lock: no driver code runs under our lock
    PowerRecorder history;
    synchronized (lock) {
      history = histories.get(name);
    }
    Subscription subscription = subscribeForClose(device, metrics, history);
    // pdu4j's device times its own commands into the metrics (DriverCounters.commandCompleted)
    PowerDevice exposed = device;
    if (metrics != null) {
      metrics.seed(device);
    }
    boolean keep;
    synchronized (lock) {
      opening.remove(result);
      keep = !closed && !result.isDone();
      if (keep) {
        devices.add(new Tracked(device, exposed, subscription, metrics, name));
      } else {
        names.remove(name);
        dropHistory(name);
      }
    }
    if (keep && metrics != null) {
      meterRegistry.ifPresent(metrics::bindTo);
    }
    if (!keep || !result.complete(exposed)) {
      // nobody waits for it any more (the runtime closed or the caller gave up): do not leak it
      LOG.debug("{}: opened after the caller gave up; closing it", address);
      forget(device);
      subscription.close();
      if (metrics != null) {
        metrics.close();
      }
      closeQuietly(device, address);
      result.completeExceptionally(
          new DeviceClosedException(
              "the pdu4j runtime closed while opening", address, null, null, null));
    }
  }

  private Subscription subscribeForClose(
      PowerDevice device, DeviceMetrics metrics, PowerRecorder history) {
    // a device closed by its user leaves the list (devices() also skips closed ones, in case the
    // event comes after a caller looks)
    if (history != null) {
      device.lastStatus().ifPresent(history::record);
    }
    return device.subscribe(
        event -> {
          if (metrics != null) {
            metrics.onEvent(event);
          }
          if (history != null) {
            history.onEvent(event);
          }
          if (event instanceof DeviceEvent.Connection c && c.current() == ConnectionState.CLOSED) {
            forget(device);
          }
        });
  }

  /** Drops a closed device from the list, frees its name and removes its meters. */
  private void forget(PowerDevice device) {
    List<Tracked> gone = new ArrayList<>();
    synchronized (lock) {
      devices.removeIf(
          t -> {
            if (t.raw() == device) {
              gone.add(t);
              names.remove(t.name());
              dropHistory(t.name());
              return true;
            }
            return false;
          });
    }
    for (Tracked t : gone) {
      if (t.metrics() != null) {
        t.metrics().close();
      }
    }
  }

  private void forgetOpening(CompletableFuture<PowerDevice> result, String name) {
    synchronized (lock) {
      opening.remove(result);
      names.remove(name);
      dropHistory(name);
    }
  }

  /** Forgets the power history of a name no device uses any more; call under lock. */
  private void dropHistory(String name) {
    if (!names.contains(name) && !supervisors.containsKey(name)) {
      histories.remove(name);
    }
  }

  /**
   * The power history of the device of that name, open or supervised; see {@code
   * PowerRuntime.powerHistory}.
   *
   * @throws InvalidArgumentException when no device of that name is open or supervised
   */
  public PowerHistory powerHistory(String name) {
    PowerRecorder history;
    synchronized (lock) {
      history = name == null ? null : histories.get(name);
      if (history == null) {
        List<String> known = new ArrayList<>(histories.keySet());
        Collections.sort(known);
        throw new InvalidArgumentException(
            "no device named '"
                + name
                + "' is open or supervised in this runtime"
                + (known.isEmpty() ? "" : "; known: " + String.join(", ", known)));
      }
    }
    return history.snapshot();
  }

  /**
   * Starts supervising the device {@code name} at {@code uri}; see {@code PowerRuntime.supervise}.
   *
   * @throws InvalidArgumentException when a device of that name is supervised already
   * @throws DeviceClosedException when the runtime is closed
   */
  public Supervisor supervise(String name, String uri) {
    Supervisor supervisor;
    synchronized (lock) {
      if (closed) {
        throw new DeviceClosedException(
            "the pdu4j runtime is closed; cannot supervise " + redact(uri));
      }
      if (supervisors.containsKey(name)) {
        throw new InvalidArgumentException(
            "a device named '" + name + "' is already supervised in this runtime");
      }
      supervisor =
          new Supervisor(
              name,
              redact(uri),
              () -> openAsync(uri, name),
              io.next(),
              settings.clock(),
              settings.retryInitial(),
              settings.retryMax(),
              settings.reopenOffline(),
              meterRegistry,
              this::isClosed,
              () -> unsupervise(name));
      supervisors.put(name, supervisor);
      histories.computeIfAbsent(name, n -> new PowerRecorder(n, settings.clock()));
    }
    supervisor.start();
    return supervisor;
  }

  private void unsupervise(String name) {
    synchronized (lock) {
      supervisors.remove(name);
      dropHistory(name);
    }
  }

  /** The supervisors, in the order they were started. */
  public List<Supervisor> supervisors() {
    synchronized (lock) {
      return List.copyOf(supervisors.values());
    }
  }

  /** The open devices, in the order they were opened. */
  public List<PowerDevice> devices() {
    List<PowerDevice> listed;
    synchronized (lock) {
      listed = devices.stream().map(Tracked::device).toList();
    }
    return listed.stream().filter(d -> d.connectionState() != ConnectionState.CLOSED).toList();
  }

  /** The drivers, sorted by code. */
  public List<ProviderRegistry.Entry<PowerDriver>> drivers() {
    return drivers.entries();
  }

  /** The discoverers, sorted by driver code. */
  public List<ProviderRegistry.Entry<DeviceDiscoverer>> discoverers() {
    return discoverers.entries();
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
    if (closed) {
      return CompletableFuture.failedFuture(
          new DeviceClosedException("the pdu4j runtime is closed; cannot discover devices"));
    }
    return Discoveries.run(
        discoverers,
        code ->
            new RuntimeDiscoveryContext(
                code, transports, io, settings.defaults(), settings.clock()),
        drivers,
        broadcast,
        ports,
        window,
        maxDevices);
  }

  /** The transports, sorted by scheme. */
  public List<ProviderRegistry.Entry<TransportProvider>> transports() {
    return transports.entries();
  }

  /** The options devices get unless their address overrides them. */
  public DeviceOptions defaults() {
    return settings.defaults();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /** Closes devices, then threads, then loaded providers; see {@code PowerRuntime.close}. */
  public void close() {
    // a second caller waits for the first to finish, so that "closed" always means "threads gone"
    synchronized (closeLock) {
      List<Tracked> toClose;
      List<CompletableFuture<PowerDevice>> pending;
      List<Supervisor> toStop;
      synchronized (lock) {
        if (closed) {
          return;
        }
        closed = true;
        toStop = new ArrayList<>(supervisors.values());
        toClose = new ArrayList<>(devices);
        devices.clear();
        names.clear();
        histories.clear();
        pending = new ArrayList<>(opening);
        opening.clear();
      }
      // first, so that nothing reopens what is about to be closed
      for (Supervisor s : toStop) {
        s.stop(false);
      }
      for (CompletableFuture<PowerDevice> p : pending) {
        p.completeExceptionally(
            new DeviceClosedException("the pdu4j runtime closed while the device was opening"));
      }
      closeAll(toClose);
      if (!io.shutdown(SHUTDOWN_TIMEOUT)) {
        LOG.debug("I/O threads asked to stop; not all stopped within {}", SHUTDOWN_TIMEOUT);
      }
      // providers ServiceLoader made are this runtime's to release (a transport's own threads);
      // embedded ones belong to whoever made them
      closeLoaded(drivers.entries());
      closeLoaded(transports.entries());
      closeLoaded(discoverers.entries());
      plugins.close();
    }
  }

  /**
   * Closes the devices all at once, so that each refuses new commands at the same moment and the
   * whole takes about as long as the slowest, bounded by {@link #DEVICES_CLOSE_TIMEOUT}; one by one
   * when called on an I/O thread, which the closing devices may need.
   */
  private void closeAll(List<Tracked> toClose) {
    if (toClose.size() <= 1 || io.isIoThread()) {
      toClose.forEach(RuntimeCore::closeTracked);
      return;
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService closers =
        Executors.newFixedThreadPool(
            Math.min(CLOSERS, toClose.size()),
            r -> {
              Thread t = new Thread(r, "pdu4j-close-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      toClose.forEach(t -> closers.execute(() -> closeTracked(t)));
    } finally {
      closers.shutdown();
    }
    boolean done = false;
    try {
      done = closers.awaitTermination(DEVICES_CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!done) {
      LOG.warn("not every device closed within {}; going on", DEVICES_CLOSE_TIMEOUT);
      closers.shutdownNow();
    }
  }

  private static void closeTracked(Tracked t) {
    try {
      t.subscription().close();
    } catch (RuntimeException e) {
      LOG.debug("removing a listener failed", e);
    }
    closeQuietly(t.raw(), t.raw().info().address());
    if (t.metrics() != null) {
      t.metrics().close();
    }
  }

  /** What went wrong with plugin jars, in the order found. */
  public List<PluginJars.Problem> pluginProblems() {
    return plugins.problems();
  }

  private static void closeLoaded(List<? extends ProviderRegistry.Entry<?>> entries) {
    for (ProviderRegistry.Entry<?> e : entries) {
      if (!e.embedded() && e.provider() instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Throwable ex) { // a plugin's close() must not stop the runtime's
          LOG.warn("closing {} failed: {}", e.origin(), ex.toString());
        }
      }
    }
  }

  private static void closeQuietly(PowerDevice device, String address) {
    try {
      device.close();
    } catch (RuntimeException e) {
      LOG.warn("{}: closing failed: {}", address, e.toString());
    }
  }

  private static void closeQuietly(Link link, String address) {
    try {
      link.close();
    } catch (RuntimeException e) {
      LOG.warn("{}: closing the link failed: {}", address, e.toString());
    }
  }

  @Override
  public String toString() {
    return "PowerRuntime["
        + io.ioKind()
        + ", "
        + drivers.describeKnown()
        + ", "
        + transports.describeKnown()
        + (closed ? ", closed" : "")
        + "]";
  }
}
