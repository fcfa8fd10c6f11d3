package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceListener;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.Scheduler;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.api.Subscription;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.Backoff;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.LinkReopener;
import io.pdu4j.spi.ListenerList;
import io.pdu4j.spi.StatusEvents;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An IPCP's relays 1..8 as outlets, over an SIS session; state read back after each switch. */
public final class ExtronRelayDevice implements PowerDevice, LinkListener {
  private static final Logger LOG = LoggerFactory.getLogger(ExtronRelayDevice.class);
  private static final int RELAYS = 8;
  private static final Set<OutletCapability> OUTLET_CAPS = Set.of(OutletCapability.SWITCHABLE);

  /** How often the relays are read when the address sets no {@code poll}. */
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);

  private final String device;
  private final ExtronTunnelLink link;
  private final DriverContext context;
  private final ScheduledExecutorService executor;
  private final ListenerList listeners;
  private final List<Outlet> outlets = new ArrayList<>();
  private final CompletableFuture<PowerDevice> ready = new CompletableFuture<>();
  private final LinkReopener reopener;
  private volatile ConnectionState state = ConnectionState.CONNECTING;
  private volatile DeviceStatus last;
  private volatile boolean closed;
  private volatile Thread ioThread;
  private ScheduledFuture<?> pollTimer; // on the executor only
  private boolean polling;
  private final AtomicLong switches = new AtomicLong(); // switches started, see refresh()
  // cycles in their off time: the timer that ends one dies with the executor, so close() fails them
  private final Set<CompletableFuture<OutletStatus>> cyclesOff = ConcurrentHashMap.newKeySet();

  private ExtronRelayDevice(DriverContext context) {
    this.context = context;
    this.device = context.address().toString();
    this.link =
        new ExtronTunnelLink(
            context.link(),
            TunnelSettings.gateway(context.address()),
            context.options(),
            context.counters());
    this.executor = context.executor();
    this.reopener =
        new LinkReopener(
            device,
            link,
            this,
            executor,
            new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30)),
            () -> closed);
    this.listeners = new ListenerList(device);
    for (int n = 1; n <= RELAYS; n++) {
      outlets.add(new Relay(n));
    }
  }

  /** Opens the session; completes when the relays have been read once. */
  public static CompletionStage<PowerDevice> open(DriverContext context) {
    ExtronRelayDevice d = new ExtronRelayDevice(context);
    d.executor.schedule(
        () ->
            d.fail(
                new io.pdu4j.api.DeviceTimeoutException(
                    "relays not read within the ready" + " timeout", d.device, null, null, null)),
        context.options().readyTimeout().toMillis(),
        TimeUnit.MILLISECONDS);
    d.executor.execute(d::connect);
    return d.ready;
  }

  private void fail(PowerDeviceException e) {
    if (ready.completeExceptionally(e)) {
      closed = true;
      try {
        executor.execute(this::stopPolling);
      } catch (java.util.concurrent.RejectedExecutionException x) {
        LOG.debug("{}: executor already shut down", device);
      }
      link.close();
    }
  }

  private void connect() {
    ioThread = Thread.currentThread();
    if (closed) {
      return;
    }
    reopener.openFirst(this::fail);
  }

  @Override
  public void onUp() {
    reopener.up();
    setState(ConnectionState.CONNECTED, null);
    refresh()
        .whenComplete(
            (s, t) -> {
              if (t == null) {
                ready.complete(this);
              } else if (!ready.isDone()) {
                fail(asDevice(t));
              }
            });
    startPolling();
  }

  /**
   * Reads the relays every {@code poll} (default {@link #DEFAULT_POLL}) while the session is up, so
   * that a relay switched by someone else (a panel, another control system) shows up as an outlet
   * event. One poll at a time; a failed poll is logged and the next one tried.
   */
  private void startPolling() {
    stopPolling();
    long every = context.options().pollInterval().orElse(DEFAULT_POLL).toMillis();
    pollTimer =
        executor.scheduleWithFixedDelay(
            () -> {
              if (polling || closed || state != ConnectionState.CONNECTED) {
                return;
              }
              polling = true;
              refresh()
                  .whenComplete(
                      (s, t) -> {
                        executor.execute(() -> polling = false);
                        if (t != null) {
                          LOG.debug("{}: poll failed: {}", device, asDevice(t).getMessage());
                        }
                      });
            },
            every,
            every,
            TimeUnit.MILLISECONDS);
  }

  private void stopPolling() {
    if (pollTimer != null) {
      pollTimer.cancel(false);
      pollTimer = null;
    }
    polling = false;
  }

  @Override
  public void onData(ByteBuffer data) {
    // a session with the IPCP itself carries no tunnelled data
  }

  @Override
  public void onDown(PowerDeviceException cause) {
    if (closed) {
      return;
    }
    stopPolling();
    String reason = cause == null ? "link down" : cause.getMessage();
    setState(ConnectionState.OFFLINE, reason);
    if (!ready.isDone()) {
      fail(cause);
      return;
    }
    reopener.reopenLater(e -> {});
  }

  private void setState(ConnectionState now, String reason) {
    ConnectionState before = state;
    state = now;
    if (before != now) {
      listeners.dispatch(
          new DeviceEvent.Connection(
              device, context.clock().instant(), before, now, Optional.ofNullable(reason)));
    }
  }

  // ------------------------------------------------------------------ PowerDevice

  @Override
  public DeviceInfo info() {
    Optional<SisCodec.Banner> b = link.banner();
    return new DeviceInfo(
        "extron",
        "Extron",
        b.map(SisCodec.Banner::model).orElse("IPCP"),
        Optional.empty(),
        Optional.empty(),
        b.map(SisCodec.Banner::firmware),
        device);
  }

  @Override
  public Set<DeviceCapability> capabilities() {
    return EnumSet.of(
        DeviceCapability.STATUS,
        DeviceCapability.SWITCH,
        DeviceCapability.SWITCH_ALL,
        DeviceCapability.CYCLE);
  }

  @Override
  public List<Outlet> outlets() {
    return List.copyOf(outlets);
  }

  @Override
  public Outlet outlet(int number) {
    if (number < 1 || number > RELAYS) {
      throw new InvalidArgumentException(
          device + " has relays 1.." + RELAYS + "; there is no outlet " + number);
    }
    return outlets.get(number - 1);
  }

  @Override
  public CompletionStage<DeviceStatus> refresh() {
    long switchesBefore = switches.get();
    CompletionStage<List<OutletStatus>> chain =
        CompletableFuture.completedFuture(new ArrayList<>());
    for (int n = 1; n <= RELAYS; n++) {
      int relay = n;
      chain =
          chain.thenCompose(
              list ->
                  read(relay)
                      .thenApply(
                          s -> {
                            list.add(s);
                            return list;
                          }));
    }
    return chain.thenApply(
        list -> {
          DeviceStatus status =
              new DeviceStatus(context.clock().instant(), Optional.empty(), list, Optional.empty());
          if (switches.get() == switchesBefore) {
            publish(status);
          } else {
            // a relay was switched while these were read: a relay read before the switch would
            // undo, in the published state, what the switch has just published
            LOG.debug("{}: relays read during a switch; not published", device);
          }
          return status;
        });
  }

  private synchronized void publish(DeviceStatus status) {
    DeviceStatus before = last;
    last = status;
    for (DeviceEvent e : StatusEvents.of(device, before, before != null, status)) {
      listeners.dispatch(e);
    }
  }

  private synchronized void publishOne(OutletStatus relay) {
    DeviceStatus before = last;
    List<OutletStatus> list = new ArrayList<>();
    for (int n = 1; n <= RELAYS; n++) {
      int k = n;
      list.add(
          n == relay.number()
              ? relay
              : Optional.ofNullable(before)
                  .flatMap(b -> b.outlet(k))
                  .orElse(status(k, OutletState.UNKNOWN)));
    }
    publish(new DeviceStatus(context.clock().instant(), Optional.empty(), list, Optional.empty()));
  }

  private CompletionStage<OutletStatus> read(int relay) {
    String command = relay + "O";
    return link.command(command)
        .thenApply(
            answer -> {
              String a = answer.trim();
              if (!a.equals("0") && !a.equals("1")) {
                throw new ProtocolException(
                    "relay read-back is not 0 or 1", device, command, answer, null);
              }
              return status(relay, a.equals("1") ? OutletState.ON : OutletState.OFF);
            });
  }

  private static OutletStatus status(int relay, OutletState s) {
    return new OutletStatus(
        relay,
        String.valueOf(relay),
        "Relay " + relay,
        s,
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        OUTLET_CAPS);
  }

  private CompletionStage<OutletStatus> switchRelay(int relay, boolean on) {
    String command = relay + "*" + (on ? 1 : 0) + "O";
    OutletState wanted = on ? OutletState.ON : OutletState.OFF;
    switches.incrementAndGet();
    return link.command(command)
        .thenCompose(answer -> read(relay))
        .thenApply(
            s -> {
              if (s.state() != wanted) {
                throw new StateNotConfirmedException(
                    "relay " + relay + " reads back " + s.state() + " after " + command);
              }
              publishOne(s);
              return s;
            });
  }

  @Override
  public Optional<DeviceStatus> lastStatus() {
    return Optional.ofNullable(last);
  }

  @Override
  public CompletionStage<DeviceStatus> switchAll(OutletState target) {
    if (target != OutletState.ON && target != OutletState.OFF) {
      return CompletableFuture.failedFuture(
          new InvalidArgumentException(
              "switchAll needs ON or OFF, got " + target, device, null, null, null));
    }
    CompletionStage<OutletStatus> chain = CompletableFuture.completedFuture(null);
    for (int n = 1; n <= RELAYS; n++) {
      int relay = n;
      chain = chain.thenCompose(x -> switchRelay(relay, target == OutletState.ON));
    }
    return chain.thenCompose(x -> refresh());
  }

  @Override
  public CompletionStage<Void> restart() {
    return CompletableFuture.failedFuture(
        new UnsupportedCapabilityException(device + ": restarting an IPCP is not supported"));
  }

  @Override
  public Optional<Scheduler> scheduler() {
    return Optional.empty();
  }

  @Override
  public Optional<DeviceClock> clock() {
    return Optional.empty();
  }

  @Override
  public Subscription subscribe(DeviceListener listener) {
    return listeners.add(listener);
  }

  @Override
  public ConnectionState connectionState() {
    return state;
  }

  @Override
  public void close() {
    if (closed && state == ConnectionState.CLOSED) {
      return;
    }
    closed = true;
    ready.completeExceptionally(new DeviceClosedException("closed", device, null, null, null));
    for (CompletableFuture<OutletStatus> cycle : cyclesOff) {
      cycle.completeExceptionally(
          new DeviceClosedException(
              "closed during a cycle's off time: the relay was left open",
              device,
              null,
              null,
              null));
    }
    executor.execute(
        () -> {
          stopPolling();
          reopener.cancel();
          setState(ConnectionState.CLOSED, "closed");
        });
    CompletableFuture<Void> done = link.close().toCompletableFuture();
    if (Thread.currentThread() != ioThread) { // on the device's own thread, waiting would deadlock
      done.orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null).join();
    }
  }

  private static PowerDeviceException asDevice(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return c instanceof PowerDeviceException p
        ? p
        : new ProtocolException(String.valueOf(c.getMessage()), c);
  }

  /** One relay. */
  private final class Relay implements Outlet {
    private final int number;

    Relay(int number) {
      this.number = number;
    }

    @Override
    public int number() {
      return number;
    }

    @Override
    public String id() {
      return String.valueOf(number);
    }

    @Override
    public String name() {
      return "Relay " + number;
    }

    @Override
    public Set<OutletCapability> capabilities() {
      return OUTLET_CAPS;
    }

    @Override
    public OutletStatus status() {
      return Optional.ofNullable(last)
          .flatMap(s -> s.outlet(number))
          .orElse(ExtronRelayDevice.status(number, OutletState.UNKNOWN));
    }

    @Override
    public CompletionStage<OutletStatus> switchOn() {
      return switchRelay(number, true);
    }

    @Override
    public CompletionStage<OutletStatus> switchOff() {
      return switchRelay(number, false);
    }

    @Override
    public CompletionStage<OutletStatus> cycle(Duration offTime) {
      if (offTime == null || offTime.isNegative()) {
        return CompletableFuture.failedFuture(
            new InvalidArgumentException(
                offTime == null
                    ? "a relay has no reset delay of its own: give an off time"
                    : "off time must not be negative, got " + offTime,
                device,
                null,
                null,
                null));
      }
      return switchRelay(number, false)
          .thenCompose(
              off -> {
                CompletableFuture<OutletStatus> on = new CompletableFuture<>();
                cyclesOff.add(on);
                on.whenComplete((s, t) -> cyclesOff.remove(on));
                if (closed) { // close() may have run before the add
                  on.completeExceptionally(
                      new DeviceClosedException(
                          "closed during a cycle's off time: the relay was left open",
                          device,
                          null,
                          null,
                          null));
                  return on;
                }
                try {
                  executor.schedule(
                      () ->
                          switchRelay(number, true)
                              .whenComplete(
                                  (s, t) -> {
                                    if (t != null) {
                                      on.completeExceptionally(asDevice(t));
                                    } else {
                                      on.complete(s);
                                    }
                                  }),
                      offTime.toMillis(),
                      TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                  on.completeExceptionally(
                      new DeviceClosedException(
                          "closed during a cycle's off time: the relay was left open",
                          device,
                          null,
                          null,
                          e));
                }
                return on;
              });
    }

    @Override
    public CompletionStage<OutletConfig> config() {
      return CompletableFuture.failedFuture(
          new UnsupportedCapabilityException(device + ": relays have no settings"));
    }

    @Override
    public CompletionStage<Void> configure(OutletConfig config) {
      return CompletableFuture.failedFuture(
          new UnsupportedCapabilityException(device + ": relays have no settings"));
    }
  }
}
