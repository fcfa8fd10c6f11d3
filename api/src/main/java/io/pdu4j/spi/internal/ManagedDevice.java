package io.pdu4j.spi.internal;

import io.pdu4j.api.ConnectionProblem;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceListener;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.Durations;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.Scheduler;
import io.pdu4j.api.Subscription;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.DeviceSession;
import io.pdu4j.spi.DeviceSink;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.support.Backoff;
import io.pdu4j.spi.support.CommandQueue;
import io.pdu4j.spi.support.Freshness;
import io.pdu4j.spi.support.VarHandles;
import io.pdu4j.spi.support.Watch;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link PowerDevice} of every driver: a {@link DeviceSession} with everything a user sees
 * around it.
 *
 * <p>Threading: the device's state is confined to its executor (the link's thread), where the
 * link's callbacks, the session's reports and every timer run; public methods hop there, so the
 * session is only ever called on it, but for the switches of a session that {@linkplain
 * DeviceSession#switchesFromAnyThread() takes them on any thread} (run on the caller's thread
 * unless a command handed to the device's thread is still on its way). Fields other threads read
 * are volatile.
 *
 * <p>Staleness: once the last status is older than the stale limit while the device is connected,
 * its outlets read UNKNOWN, and listeners are told so once ({@link DeviceEvent.OutletChanged} to
 * UNKNOWN for each outlet that read ON or OFF), at the latest before the next status is reported.
 *
 * <p>Lifecycle: CONNECTING until the first status after the link came up (then the open completes),
 * CONNECTED, OFFLINE when the link went down or the session said so (the link is then reopened with
 * capped exponential backoff, 0.5 s doubling to 30 s), CONNECTING again once it is up, CLOSED for
 * good. The open fails when the link cannot be opened, goes down or the session reports the device
 * offline before the first status, or at the ready timeout; a failed open closes everything.
 */
public final class ManagedDevice implements PowerDevice {
  private static final Logger LOG = LoggerFactory.getLogger(ManagedDevice.class);
  private static final Duration CLOSE_BOUND = Duration.ofSeconds(5);

  private final String device;
  private final DriverContext context;
  private final DeviceSession session;
  private final CommandQueue.Observer observer;
  private final Link link;
  private final ScheduledExecutorService executor;
  private final Freshness freshness;
  private final Set<DeviceCapability> capabilities;
  private final ListenerList listeners;
  private final LinkReopener reopener;
  private final Sink sink = new Sink();
  private final CompletableFuture<PowerDevice> ready = new CompletableFuture<>();
  private boolean readyAsked; // device thread: onStatus called ready.complete once
  // a field, not an AtomicBoolean: read for every status, and an object of its own is one more
  // cache line out of the cache at a fleet's scale (CLOSED sets it once)
  private volatile boolean closed;
  private static final VarHandle CLOSED =
      VarHandles.field(MethodHandles.lookup(), ManagedDevice.class, "closed", boolean.class);
  // written on the device's thread with release semantics (an ordered store, no fence: one a
  // status), read as a volatile field by any thread, which then sees the status whole
  private static final VarHandle LAST =
      VarHandles.field(MethodHandles.lookup(), ManagedDevice.class, "last", DeviceStatus.class);

  private final ManagedScheduler scheduler;
  private final ManagedClock clock;
  private final boolean switchesFromAnyThread;
  // commands handed to the device's thread whose session call has not run yet: a switch asked for
  // meanwhile goes the same way, so that it cannot overtake them (see command)
  private final AtomicInteger handingOver = new AtomicInteger();
  // how long the device's commands lately took, a moving average in nanoseconds (-1: none yet),
  // which tells a caller that blocks on a command whether to spin first (see CommandResult)
  private volatile long answerNanos = -1;

  // Confined to the executor.
  // every outlet the device has had, by number (sorted): one that went and came back is the same
  // object; an array, not a map of an entry and a node per outlet, for each of a fleet's devices
  private ManagedOutlet[] outletObjects = new ManagedOutlet[0];
  // the numbers and states of last's outlets, which the next status is compared with
  private final OutletStates lastOutlets = new OutletStates();
  private PowerDeviceException reconnectCause;
  private String connectingReason; // why still CONNECTING, as last told to the listeners
  private PowerDeviceException openProblem; // the last retryable failure while opening
  private ConnectionProblem offlineProblem; // why OFFLINE, as last told to the listeners
  private ScheduledFuture<?> readyTimer;
  private ScheduledFuture<?> pollTimer;
  private final Watch staleWatch; // armed while the stale watch waits
  // staleWatch.armed(), kept here: a status asks it, and the watch is a line of its own
  private boolean staleArmed;
  // last's time, kept here: a status asks whether the one before still counts, and the one before
  // and its Instant are a second old and two lines out of the cache at a fleet's scale; so is the
  // limit, asked through Freshness's static test rather than through the freshness object
  private long lastAtSecond;
  private int lastAtNano;
  private final long staleAfterNanos;
  private final Clock wallClock; // context.clock(), which a status reads
  private boolean staleWatching; // since ready: the stale watch runs
  private boolean pollInFlight;
  private boolean statusSinceUp;
  private boolean staleAnnounced;
  private Thread deviceThread;

  private volatile ConnectionState state = ConnectionState.CONNECTING;
  private volatile DeviceInfo info;
  private volatile DeviceStatus last;
  private volatile List<Outlet> outlets = List.of();

  private ManagedDevice(
      DeviceSession session, DriverContext context, CommandQueue.Observer observer) {
    this.session = session;
    this.context = context;
    this.observer = observer;
    this.device = context.address().toString();
    this.link =
        java.util.Objects.requireNonNull(session.link(context.link()), "the session's link");
    this.executor = context.executor();
    this.staleWatch = new Watch(executor, this::staleWatchFired);
    this.freshness = new Freshness(context.options().staleAfter(), context.clock());
    this.staleAfterNanos = Durations.saturatedNanos(context.options().staleAfter());
    this.wallClock = context.clock();
    this.info = session.describe();
    this.capabilities = Set.copyOf(session.capabilities());
    this.switchesFromAnyThread = session.switchesFromAnyThread();
    this.listeners = new ListenerList(device);
    this.reopener =
        new LinkReopener(
            device,
            link,
            new Listener(),
            executor,
            new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30)),
            () -> closed);
    this.scheduler =
        capabilities.contains(DeviceCapability.SCHEDULER) ? new ManagedScheduler(this) : null;
    this.clock =
        capabilities.contains(DeviceCapability.CLOCK_READ)
                || capabilities.contains(DeviceCapability.CLOCK_SET)
            ? new ManagedClock(this)
            : null;
  }

  /**
   * Builds the device around {@code session} and opens it; completes when the device reported its
   * first status, as {@link io.pdu4j.spi.PowerDriver#open} describes.
   *
   * @param observer told of every command's name, duration and outcome, or null
   */
  public static CompletionStage<PowerDevice> open(
      DeviceSession session, DriverContext context, CommandQueue.Observer observer) {
    ManagedDevice d = new ManagedDevice(session, context, observer);
    d.onExecutor(
        d::begin,
        () ->
            d.failOpen(
                new DeviceClosedException(
                    "the device's thread is shut down", d.device, null, null, null)));
    // completed by hand, so that a caller's whenComplete sees the failure itself rather than a
    // CompletionException around it (as a minimalCompletionStage would relay it)
    CompletableFuture<PowerDevice> opened = new CompletableFuture<>();
    d.ready.whenComplete(
        (device, failure) -> {
          if (failure != null) {
            opened.completeExceptionally(failure);
          } else {
            opened.complete(device);
          }
        });
    return opened;
  }

  private void begin() {
    deviceThread = Thread.currentThread();
    session.start(sink);
    Duration readyTimeout = context.options().readyTimeout();
    readyTimer =
        executor.schedule(
            () ->
                failOpen(
                    new DeviceTimeoutException(
                        "not ready within "
                            + Durations.format(readyTimeout)
                            + (connectingReason == null ? "" : "; " + connectingReason),
                        device,
                        // what the last try sent and got, so the user learns how far it went
                        openProblem == null ? null : openProblem.sent().orElse(null),
                        openProblem == null ? null : openProblem.received().orElse(null),
                        openProblem)),
            readyTimeout.toNanos(),
            TimeUnit.NANOSECONDS);
    reopener.openFirst(this::failOpen);
  }

  private void failOpen(PowerDeviceException cause) {
    if (ready.completeExceptionally(cause)) {
      close();
    }
  }

  // --- what the link delivers ---

  private final class Listener implements LinkListener {
    @Override
    public void onUp() {
      deviceThread = Thread.currentThread();
      reopener.up();
      if (state == ConnectionState.OFFLINE) {
        changeState(ConnectionState.CONNECTING, null);
      }
      statusSinceUp = false;
      guarded("linkUp", session::linkUp);
      // a session that reported a status as the link came up (one that only listens) has
      // nothing to be asked
      if (capabilities.contains(DeviceCapability.STATUS) && !statusSinceUp) {
        firstRefresh();
      }
    }

    @Override
    public void onData(ByteBuffer data) {
      // guarded as every session callback, without a lambda made for each read
      try {
        session.onData(data);
      } catch (RuntimeException e) {
        sessionFailed("onData", e);
      }
    }

    @Override
    public void onDatagram(Datagram datagram) {
      guarded("onDatagram", () -> session.onDatagram(datagram));
    }

    @Override
    public void onDown(PowerDeviceException cause) {
      PowerDeviceException why = reconnectCause != null ? reconnectCause : cause;
      reconnectCause = null;
      guarded("linkDown", () -> session.linkDown(why));
      if (closed) {
        return;
      }
      if (!ready.isDone()) {
        failOpen(
            why instanceof LinkLostException
                ? why
                : new LinkLostException(
                    "the link went down before the first status: " + why.getMessage(),
                    device,
                    null,
                    null,
                    why));
        return;
      }
      LOG.info("{}: link down: {}", device, why.getMessage());
      changeState(ConnectionState.OFFLINE, why);
      reopener.reopenLater(failure -> changeState(ConnectionState.OFFLINE, failure));
    }
  }

  /**
   * Asks for the status once the link is up: the open completes with it, or fails with its failure;
   * after a reconnect a failure leaves the device OFFLINE with it.
   */
  private void firstRefresh() {
    CompletionStage<DeviceStatus> first;
    try {
      first = session.refresh();
    } catch (RuntimeException e) {
      first = CompletableFuture.failedFuture(e);
    }
    first.whenComplete(
        (s, t) -> {
          if (t == null || closed) {
            return;
          }
          Throwable cause = PowerDeviceException.unwrap(t);
          PowerDeviceException failure =
              cause instanceof PowerDeviceException p
                  ? p
                  : new ProtocolException("the driver failed: " + cause, device, null, null, cause);
          if (!ready.isDone()) {
            failOpen(failure);
          } else {
            changeState(ConnectionState.OFFLINE, failure);
          }
        });
  }

  /** Runs a session callback; a driver bug is logged, never thrown into the transport. */
  private void guarded(String what, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      sessionFailed(what, e);
    }
  }

  private void sessionFailed(String what, RuntimeException e) {
    LOG.warn("{}: the driver's session failed in {}", device, what, e);
  }

  // --- what the session reports ---

  private final class Sink implements DeviceSink {
    @Override
    public void status(DeviceStatus status) {
      onStatus(status);
    }

    @Override
    public void info(DeviceInfo newInfo) {
      info = java.util.Objects.requireNonNull(newInfo, "info");
    }

    @Override
    public void offline(PowerDeviceException cause) {
      if (!ready.isDone()) {
        failOpen(cause);
        return;
      }
      changeState(ConnectionState.OFFLINE, cause);
    }

    @Override
    public void answered() {
      if (!ready.isDone()) {
        cancel(readyTimer);
      }
    }

    @Override
    public void openProblem(PowerDeviceException cause) {
      if (!ready.isDone() && cause != null) {
        openProblem = cause;
      }
    }

    @Override
    public void connecting(String reason) {
      if (closed
          || state != ConnectionState.CONNECTING
          || reason == null
          || reason.equals(connectingReason)) {
        return;
      }
      connectingReason = reason;
      listeners.dispatch(
          new DeviceEvent.Connection(
              device,
              context.clock().instant(),
              ConnectionState.CONNECTING,
              ConnectionState.CONNECTING,
              Optional.of(reason)));
    }

    @Override
    public void reconnect(PowerDeviceException cause) {
      if (closed || !link.isOpen()) {
        return;
      }
      reconnectCause = cause;
      link.close();
    }

    @Override
    public void malformedFrame() {
      context.counters().malformedFrame();
    }

    @Override
    public void overlongFrame() {
      context.counters().overlongFrame();
    }

    @Override
    public void readingOverOutletLimit() {
      context.counters().readingOverOutletLimit();
    }

    @Override
    public void readingFromRefusedSource() {
      context.counters().readingFromRefusedSource();
    }
  }

  private void onStatus(DeviceStatus status) {
    if (closed) {
      return;
    }
    DeviceStatus previous = last;
    // the clock read once a status: announceIfStale would ask the same of the same status
    boolean previousCurrent =
        state == ConnectionState.CONNECTED
            && previous != null
            && Freshness.isCurrent(lastAtSecond, lastAtNano, wallClock.instant(), staleAfterNanos);
    if (!previousCurrent) {
      announceIfStale(); // a status after a silence: the silence first
    }
    // compared with the arrays of the last outlets, not with the last status's outlet objects; the
    // numbers as the arrays take the new ones, in the same pass
    List<DeviceEvent> changes =
        StatusEvents.changes(device, previousCurrent ? lastOutlets : null, status);
    boolean sameOutlets = lastOutlets.take(status) && previous != null;
    LAST.setRelease(this, status);
    lastAtSecond = status.receivedAt().getEpochSecond();
    lastAtNano = status.receivedAt().getNano();
    statusSinceUp = true;
    staleAnnounced = false;
    if (staleWatching && !staleArmed) {
      startStaleWatch();
    }
    if (!sameOutlets) {
      dispatchAll(updateOutlets(previous, status));
    }
    // CONNECTED once more changes nothing: the link (through the runtime's wrappers to the
    // transport's channel) is asked only when the device is not CONNECTED yet or again
    if (state != ConnectionState.CONNECTED && link.isOpen()) {
      changeState(ConnectionState.CONNECTED, null);
    }
    // StatusEvents.of's events: the status, then its outlets' changes (no list for the status)
    listeners.dispatch(new DeviceEvent.StatusReported(device, status.receivedAt(), status));
    dispatchAll(changes);
    // the future is done after its first complete, so only the first status asks it
    if (!readyAsked) {
      readyAsked = true;
      if (ready.complete(this)) {
        cancel(readyTimer);
        startPolling();
        startStaleWatch();
      }
    }
  }

  private void dispatchAll(List<DeviceEvent> events) {
    for (int i = 0; i < events.size(); i++) {
      listeners.dispatch(events.get(i));
    }
  }

  // --- staleness ---

  /**
   * Watches for the last status to go stale with one deadline at a time ({@link Watch}: no timer of
   * the executor's per device), set for the moment it would (not a fixed-rate check: a fleet's
   * devices would wake the I/O threads several times a second each). Each firing either announces
   * the staleness, or sets the deadline again for the newest status's moment; a status that comes
   * once the staleness was announced sets it again.
   */
  private void startStaleWatch() {
    staleWatching = true;
    armStaleWatch(staleAfterNanos);
  }

  private void armStaleWatch(long delayNanos) {
    if (closed) {
      return;
    }
    staleWatch.arm(delayNanos); // on the grid of every device's watches, one timer a loop
    staleArmed = true;
  }

  private void staleWatchFired() {
    staleArmed = false; // unless armed again below
    DeviceStatus s = last;
    if (closed || staleAnnounced || s == null) {
      return; // the next status sets the watch again
    }
    long staleAfter = staleAfterNanos; // saturated: a limit of centuries never goes stale
    if (state != ConnectionState.CONNECTED) {
      // nothing to announce while not connected; look again, as often as staleness could matter
      armStaleWatch(Math.max(staleAfter / 4, TimeUnit.MILLISECONDS.toNanos(50)));
      return;
    }
    // the clock read once: the test and the delay below see the same age (s is last, whose time
    // lastAtSecond and lastAtNano keep)
    Instant now = wallClock.instant();
    if (Freshness.isCurrent(lastAtSecond, lastAtNano, now, staleAfter)) {
      // stale once older than staleAfter: a nanosecond past it (current, the age is at most
      // staleAfter); a status from the future (the wall clock went back): staleAfter from now
      long age = Durations.nanosBetween(lastAtSecond, lastAtNano, now);
      armStaleWatch(age <= 0 ? staleAfter : staleAfter - age + 1);
      return;
    }
    announceIfStale();
  }

  /**
   * Tells the listeners, once, that the last status stopped counting while the device is connected:
   * every outlet that read ON or OFF now reads UNKNOWN (as its {@link Outlet#state()} already
   * does), so a listener learns of a silence without polling.
   */
  private void announceIfStale() {
    DeviceStatus s = last;
    if (staleAnnounced
        || s == null
        || state != ConnectionState.CONNECTED
        || closed
        || freshness.isCurrent(s)) {
      return;
    }
    staleAnnounced = true;
    Instant now = context.clock().instant();
    for (OutletStatus o : s.outlets()) {
      if (o.state() != OutletState.UNKNOWN) {
        listeners.dispatch(
            new DeviceEvent.OutletChanged(device, now, o.state(), Freshness.unknown(o)));
      }
    }
  }

  /** Makes the outlets those of {@code now}; the events for the ones that came and went. */
  private List<DeviceEvent> updateOutlets(DeviceStatus before, DeviceStatus now) {
    List<DeviceEvent> events = new ArrayList<>(0);
    // sets, not DeviceStatus.outlet(n): linear in the outlets, of which there may be thousands
    Set<Integer> beforeNumbers = before == null ? Set.of() : numbers(before);
    knowOutlets(now);
    List<Outlet> list = new ArrayList<>(now.outlets().size());
    for (OutletStatus o : now.outlets()) {
      list.add(outletObjects[outletIndex(o.number())]);
      if (before != null && !beforeNumbers.contains(o.number())) {
        events.add(new DeviceEvent.OutletAdded(device, now.receivedAt(), o));
      }
    }
    if (before != null) {
      Set<Integer> nowNumbers = numbers(now);
      int removed = 0; // the removed go first, in the order of their numbers
      for (OutletStatus o : before.outlets()) {
        if (!nowNumbers.contains(o.number())) {
          events.add(
              removed++,
              new DeviceEvent.OutletRemoved(device, now.receivedAt(), Freshness.unknown(o)));
        }
      }
    }
    list.sort(Comparator.comparingInt(Outlet::number));
    outlets = List.copyOf(list);
    return events;
  }

  /** Makes an outlet object for each outlet of {@code status} that has none yet. */
  private void knowOutlets(DeviceStatus status) {
    Set<Integer> missing = null;
    for (OutletStatus o : status.outlets()) {
      if (outletIndex(o.number()) < 0) {
        if (missing == null) {
          missing = new HashSet<>();
        }
        missing.add(o.number());
      }
    }
    if (missing == null) {
      return;
    }
    ManagedOutlet[] known = Arrays.copyOf(outletObjects, outletObjects.length + missing.size());
    int k = outletObjects.length;
    for (int n : missing) {
      known[k++] = new ManagedOutlet(this, n);
    }
    Arrays.sort(known, Comparator.comparingInt(ManagedOutlet::number));
    outletObjects = known;
  }

  /** Where outlet {@code number} is in {@link #outletObjects}, or a negative number. */
  private int outletIndex(int number) {
    int low = 0;
    int high = outletObjects.length - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int n = outletObjects[mid].number();
      if (n < number) {
        low = mid + 1;
      } else if (n > number) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  private static Set<Integer> numbers(DeviceStatus s) {
    Set<Integer> numbers = new HashSet<>(s.outlets().size() * 2);
    s.outlets().forEach(o -> numbers.add(o.number()));
    return numbers;
  }

  private void changeState(ConnectionState next, PowerDeviceException cause) {
    ConnectionState previous = state;
    if (previous == ConnectionState.CLOSED
        || previous == next && (next != ConnectionState.OFFLINE || cause == null)) {
      return;
    }
    ConnectionProblem problem =
        next == ConnectionState.OFFLINE ? ConnectionProblem.of(cause) : null;
    if (previous == next && problem == offlineProblem) {
      return; // OFFLINE again for the same kind of reason: one event per change of state
    }
    // OFFLINE again for another kind of reason (a gateway that now refuses the login) is told, so
    // that health shows the trouble as it is now
    state = next;
    offlineProblem = problem;
    connectingReason = null;
    listeners.dispatch(
        DeviceEvent.Connection.causedBy(device, context.clock().instant(), previous, next, cause));
  }

  // --- polling ---

  private void startPolling() {
    Optional<Duration> every =
        context.options().pollInterval().or(() -> session.pollInterval(link.carriesUnsolicited()));
    every.ifPresent(
        interval ->
            pollTimer =
                executor.scheduleWithFixedDelay(
                    this::poll, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS));
  }

  private void poll() {
    if (pollInFlight || closed || !link.isOpen()) {
      return;
    }
    pollInFlight = true;
    CompletionStage<DeviceStatus> polled;
    try {
      polled = session.refresh();
    } catch (RuntimeException e) {
      pollInFlight = false;
      LOG.warn("{}: the driver's session failed to poll", device, e);
      return;
    }
    polled.whenComplete(
        (s, t) -> {
          pollInFlight = false;
          if (t != null) {
            LOG.debug("{}: poll failed: {}", device, t.toString());
          }
        });
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  // --- commands ---

  /**
   * Runs a command of the session on the device's thread and returns its stage: refused at once
   * when the device is closed or lacks the capability; timed for the observer; a cancellation of
   * the returned stage is passed on to the session's.
   */
  <T> CompletionStage<T> command(
      String name, DeviceCapability needs, Supplier<CompletionStage<T>> call) {
    return command(name, needs, false, call);
  }

  /**
   * As {@link #command(String, DeviceCapability, Supplier)}; a {@code switching} command of a
   * session that {@linkplain DeviceSession#switchesFromAnyThread() switches from any thread} runs
   * on the calling thread.
   */
  <T> CompletionStage<T> command(
      String name, DeviceCapability needs, boolean switching, Supplier<CompletionStage<T>> call) {
    long start = System.nanoTime();
    CompletableFuture<T> result = CommandResult.of(start, answerNanos);
    if (needs != null && !capabilities.contains(needs)) {
      completed(
          name,
          System.nanoTime() - start,
          result,
          null,
          new UnsupportedCapabilityException(
              "the device cannot " + what(needs) + " (it has no " + needs + ")",
              device,
              null,
              null,
              null));
      return result;
    }
    Runnable closedNow =
        () ->
            completed(
                name,
                System.nanoTime() - start,
                result,
                null,
                new DeviceClosedException("device closed", device, null, null, null));
    if (closed) {
      closedNow.run();
    } else {
      Runnable run =
          () -> {
            CompletionStage<T> stage;
            try {
              stage = call.get();
            } catch (PowerDeviceException e) {
              stage = CompletableFuture.failedFuture(e);
            } catch (RuntimeException e) {
              LOG.warn("{}: the driver's session failed in {}", device, name, e);
              stage =
                  CompletableFuture.failedFuture(
                      new ProtocolException("the driver failed: " + e, device, null, null, e));
            }
            CompletionStage<T> s = stage;
            result.whenComplete(
                (v, t) -> {
                  if (result.isCancelled()) {
                    s.toCompletableFuture().cancel(false);
                  }
                });
            s.whenComplete(
                (v, t) -> {
                  long took = System.nanoTime() - start;
                  answered(took);
                  completed(
                      name, took, result, v, t == null ? null : PowerDeviceException.unwrap(t));
                });
          };
      if (switching && switchesFromAnyThread && handingOver.get() == 0) {
        run.run(); // no command of this device is on its way to its thread: none is overtaken
      } else {
        handingOver.incrementAndGet();
        onExecutor(
            () -> {
              try {
                run.run();
              } finally {
                handingOver.decrementAndGet(); // the session has queued it
              }
            },
            () -> {
              handingOver.decrementAndGet();
              closedNow.run();
            });
      }
    }
    return result;
  }

  /**
   * A command's outcome: timed and observed before the caller sees it, so that an observer has
   * always heard of a command whose stage the caller found complete; then the caller's stage, with
   * no further stage in between (the caller is woken from here).
   */
  private <T> void completed(
      String name, long tookNanos, CompletableFuture<T> result, T value, Throwable failure) {
    Duration elapsed = Duration.ofNanos(tookNanos);
    try {
      context.counters().commandCompleted(name, elapsed, failure);
      if (observer != null) {
        observer.completed(name, elapsed, failure);
      }
    } catch (RuntimeException e) {
      // the caller's thread may be running this (a command refused at once): never its problem
      LOG.warn("{}: timing the command {} failed", device, name, e);
    } finally {
      if (failure == null) {
        result.complete(value);
      } else {
        result.completeExceptionally(failure);
      }
    }
  }

  /**
   * Counts a command the session finished in {@code nanos} into the moving average (an eighth of
   * the difference a time; from whichever thread completed it: a lost update among two at once
   * costs nothing but precision).
   */
  private void answered(long nanos) {
    long a = answerNanos;
    answerNanos = a < 0 ? nanos : a + (nanos - a) / 8;
  }

  /** The moving average of the device's commands' times, in nanoseconds; -1 before the first. */
  long answerNanos() {
    return answerNanos;
  }

  /** A stage failed with {@code error}, for arguments refused before anything was sent. */
  <T> CompletionStage<T> refused(String name, PowerDeviceException error) {
    return command(name, null, () -> CompletableFuture.failedFuture(error));
  }

  private static String what(DeviceCapability c) {
    return switch (c) {
      case STATUS -> "report its status";
      case SWITCH -> "switch outlets";
      case SWITCH_ALL -> "switch all outlets in one command";
      case OUTLET_METERING, INPUT_METERING -> "meter";
      case CLOCK_READ -> "read its clock";
      case CLOCK_SET -> "set its clock";
      case SCHEDULER -> "keep a schedule";
      case OUTLET_CONFIG -> "store outlet settings";
      case CYCLE -> "cycle an outlet";
      case RESTART -> "restart";
      case STATUS_PUSH -> "push its status";
    };
  }

  private void onExecutor(Runnable task, Runnable ifRejected) {
    if (Thread.currentThread() == deviceThread) {
      task.run();
      return;
    }
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      ifRejected.run();
    }
  }

  // --- for the outlets, scheduler and clock ---

  String device() {
    return device;
  }

  DeviceSession session() {
    return session;
  }

  /** Whether the last status still counts: connected, and not older than the stale limit. */
  boolean current() {
    return state == ConnectionState.CONNECTED && freshness.isCurrent(last);
  }

  DeviceStatus last() {
    return last;
  }

  boolean hasOutlet(int number) {
    DeviceStatus s = last;
    return s != null && s.outlet(number).isPresent();
  }

  // --- PowerDevice ---

  @Override
  public DeviceInfo info() {
    return info;
  }

  @Override
  public Set<DeviceCapability> capabilities() {
    return capabilities;
  }

  @Override
  public List<Outlet> outlets() {
    return outlets;
  }

  @Override
  public Outlet outlet(int number) {
    for (Outlet o : outlets) {
      if (o.number() == number) {
        return o;
      }
    }
    throw new InvalidArgumentException(
        device + " has no outlet " + number + "; its outlets are " + numbers());
  }

  private String numbers() {
    List<Outlet> list = outlets;
    if (list.isEmpty()) {
      return "not known yet";
    }
    int first = list.get(0).number();
    int lastNumber = list.get(list.size() - 1).number();
    if (lastNumber - first + 1 == list.size()) {
      return first + ".." + lastNumber;
    }
    return list.stream().map(o -> Integer.toString(o.number())).toList().toString();
  }

  @Override
  public CompletionStage<DeviceStatus> refresh() {
    return command("refresh", DeviceCapability.STATUS, session::refresh);
  }

  @Override
  public Optional<DeviceStatus> lastStatus() {
    return Optional.ofNullable(last);
  }

  @Override
  public CompletionStage<DeviceStatus> switchAll(OutletState target) {
    if (target == null || target == OutletState.UNKNOWN) {
      return refused(
          "switch_all",
          new InvalidArgumentException(
              "switch all needs ON or OFF, got " + target, device, null, null, null));
    }
    return command(
        "switch_all", DeviceCapability.SWITCH_ALL, true, () -> session.switchAll(target));
  }

  @Override
  public CompletionStage<Void> restart() {
    return command("restart", DeviceCapability.RESTART, session::restart);
  }

  @Override
  public Optional<Scheduler> scheduler() {
    return Optional.ofNullable(scheduler);
  }

  @Override
  public Optional<DeviceClock> clock() {
    return Optional.ofNullable(clock);
  }

  @Override
  public Subscription subscribe(DeviceListener listener) {
    return listeners.add(listener);
  }

  @Override
  public Subscription subscribe(
      Set<? extends Class<? extends DeviceEvent>> kinds, DeviceListener listener) {
    return listeners.add(kinds, listener);
  }

  @Override
  public ConnectionState connectionState() {
    return state;
  }

  /**
   * Refuses new commands at once; on the device's thread, stops the timers, lets the session fail
   * what is pending, tells the listeners CLOSED and closes the link; waits for that at most 5 s.
   */
  @Override
  public void close() {
    if (!CLOSED.compareAndSet(this, false, true)) {
      return;
    }
    DeviceThread.shutDown(
        device,
        executor,
        deviceThread,
        done -> {
          cancel(readyTimer);
          cancel(pollTimer);
          staleWatch.disarm();
          reopener.cancel();
          guarded("shutdown", session::shutdown);
          ready.completeExceptionally(
              new DeviceClosedException("closed while opening", device, null, null, null));
          ConnectionState previous = state;
          if (previous != ConnectionState.CLOSED) {
            state = ConnectionState.CLOSED;
            listeners.dispatch(
                new DeviceEvent.Connection(
                    device,
                    context.clock().instant(),
                    previous,
                    ConnectionState.CLOSED,
                    Optional.empty()));
          }
          link.close().whenComplete((v, t) -> done.complete(null));
        },
        CLOSE_BOUND);
  }

  @Override
  public String toString() {
    return "PowerDevice[" + device + ", " + state + "]";
  }
}
