package io.pdu4j.runtime.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.pdu4j.api.ConnectionProblem;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceHealth;
import io.pdu4j.api.Durations;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.Subscription;
import io.pdu4j.spi.support.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one named device open: opens it without blocking the caller, retries a failed open with
 * capped exponential backoff and jitter, reopens it should it close by itself, and tracks its
 * {@link DeviceHealth} (from the open attempts, then from the device's connection events, since a
 * driver reconnects a lost link by itself).
 *
 * <p>A device that stays OFFLINE for {@code reopenOffline} on end (a driver that does not
 * reconnect, or one that is stuck) is closed and opened again like one that failed to open: the
 * runtime keeps every device alive, whatever its driver does. A driver that reconnects by itself is
 * rarely affected: its own backoff is shorter, and a reopen after so long costs nothing it had not
 * lost already.
 *
 * <p>A communication error is retried from {@code initial}, doubling to {@code max}, plus up to a
 * quarter of the delay at random so that a fleet that lost power does not come back in step. A
 * configuration error or a denied login is retried only every {@code max}: it will not go away by
 * itself soon (but may: a secret file written, a password set on the device), and a wrong password
 * tried often can lock an account.
 *
 * <p>Thread-safe. Health listeners run one at a time, in order, on one of the runtime's I/O
 * threads.
 */
public final class Supervisor {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

  private final String name;
  private final String address;
  private final Supplier<CompletionStage<PowerDevice>> opener;
  private final ScheduledExecutorService timer;
  private final Clock clock;
  private final Duration max;
  private final Duration reopenOffline;
  private final Backoff backoff; // guarded by this
  private final List<Consumer<DeviceHealth>> listeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<PowerDevice> firstOpen = new CompletableFuture<>();
  private final HealthMeters meters;
  private final Runnable onStop;
  private final BooleanSupplier runtimeClosed;

  private volatile DeviceHealth health;
  // guarded by this
  private PowerDevice device;
  private Subscription subscription;
  private ScheduledFuture<?> retry;
  private ScheduledFuture<?> stuck;
  private boolean stopped;

  /**
   * A supervisor; {@link #start()} makes the first attempt.
   *
   * @param name the device's name
   * @param address its address, secrets redacted
   * @param opener opens the device once, without blocking
   * @param timer where retries are scheduled and listeners run
   * @param clock for {@link DeviceHealth#since()}
   * @param initial the first retry delay
   * @param max the largest retry delay
   * @param reopenOffline how long the device may stay OFFLINE before it is closed and reopened
   * @param registry where {@code pdu.device.health} goes, if anywhere
   * @param runtimeClosed whether the runtime is closed (failures then mean only that)
   * @param onStop run once when the supervision stops
   */
  public Supervisor(
      String name,
      String address,
      Supplier<CompletionStage<PowerDevice>> opener,
      ScheduledExecutorService timer,
      Clock clock,
      Duration initial,
      Duration max,
      Duration reopenOffline,
      Optional<MeterRegistry> registry,
      BooleanSupplier runtimeClosed,
      Runnable onStop) {
    this.name = Objects.requireNonNull(name, "name");
    this.address = Objects.requireNonNull(address, "address");
    this.opener = Objects.requireNonNull(opener, "opener");
    this.timer = Objects.requireNonNull(timer, "timer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.max = Objects.requireNonNull(max, "max");
    this.reopenOffline = Objects.requireNonNull(reopenOffline, "reopenOffline");
    this.backoff = new Backoff(initial, max);
    this.onStop = Objects.requireNonNull(onStop, "onStop");
    this.runtimeClosed = Objects.requireNonNull(runtimeClosed, "runtimeClosed");
    this.health = DeviceHealth.of(ConnectionState.CONNECTING, clock.instant());
    this.meters = registry.map(r -> new HealthMeters(r, name, () -> health)).orElse(null);
  }

  /** The device's name. */
  public String name() {
    return name;
  }

  /** The device's address, secrets redacted. */
  public String address() {
    return address;
  }

  /** The current health. */
  public DeviceHealth health() {
    return health;
  }

  /** The device, while it is open. */
  public synchronized Optional<PowerDevice> device() {
    return Optional.ofNullable(device);
  }

  /** Completes at the first open; fails with {@link DeviceClosedException} if stopped before. */
  public CompletionStage<PowerDevice> firstOpen() {
    return firstOpen.minimalCompletionStage();
  }

  /** Adds a health listener: it is called with the current health, then with each change. */
  public Subscription subscribe(Consumer<DeviceHealth> listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (this) {
      listeners.add(listener);
      // queued under the lock, as changes are: the current health comes first, then every change
      notifyLater(health, List.of(listener));
    }
    return () -> listeners.remove(listener);
  }

  /** Makes the first attempt; returns at once. */
  public void start() {
    attempt();
  }

  private void attempt() {
    synchronized (this) {
      retry = null;
      if (stopped) {
        return;
      }
    }
    CompletionStage<PowerDevice> stage;
    try {
      stage = opener.get();
    } catch (Throwable e) { // no failure may end the retries, nor an I/O thread's task
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete(this::opened);
  }

  private void opened(PowerDevice d, Throwable failure) {
    if (failure != null) {
      failed(failure);
      return;
    }
    boolean keep;
    synchronized (this) {
      keep = !stopped;
      if (keep) {
        device = d;
        backoff.reset();
      }
    }
    if (!keep) {
      closeQuietly(d);
      return;
    }
    // no device code under our lock
    Subscription s = d.subscribe(Set.of(DeviceEvent.Connection.class), e -> onEvent(d, e));
    synchronized (this) {
      keep = !stopped && device == d;
      if (keep) {
        subscription = s;
      }
    }
    if (!keep) {
      s.close();
      return;
    }
    // after subscribing: a change between the open and the subscription is not missed (and one
    // just reported by an event, with its reason, is not overwritten)
    ConnectionState now = d.connectionState();
    if (now != ConnectionState.CLOSED) {
      if (health.state() != now) {
        change(DeviceHealth.of(now, clock.instant()));
      }
    } else {
      closedByItself(d);
    }
    firstOpen.complete(d);
  }

  private void onEvent(PowerDevice d, DeviceEvent event) {
    if (!(event instanceof DeviceEvent.Connection c)) {
      return;
    }
    if (c.current() == ConnectionState.CLOSED) {
      closedByItself(d);
      return;
    }
    synchronized (this) {
      if (stopped || device != d) {
        return;
      }
      if (c.current() != ConnectionState.OFFLINE) {
        cancelStuck();
      } else if (stuck == null) {
        // counted from the first OFFLINE: a driver's own retries do not restart the clock
        try {
          stuck =
              timer.schedule(
                  () -> reopenIfStillOffline(d), reopenOffline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          // the runtime is closing
        }
      }
    }
    change(DeviceHealth.of(c));
  }

  private void cancelStuck() {
    if (stuck != null) {
      stuck.cancel(false);
      stuck = null;
    }
  }

  /** Still OFFLINE since {@code reopenOffline} ago: close it and open it again. */
  private void reopenIfStillOffline(PowerDevice d) {
    synchronized (this) {
      stuck = null;
      if (stopped || device != d) {
        return;
      }
    }
    if (d.connectionState() != ConnectionState.OFFLINE) {
      return;
    }
    if (!detach(d)) {
      return;
    }
    LOG.info(
        "{}: offline for {}; closing it and opening it again",
        name,
        Durations.format(reopenOffline));
    closeQuietly(d);
    failed(
        new io.pdu4j.api.LinkLostException(
            "offline for " + Durations.format(reopenOffline) + "; opening the device again",
            address,
            null,
            null,
            null));
  }

  /** Closed by its user or its driver, not by us: open it again. */
  private void closedByItself(PowerDevice d) {
    if (!detach(d)) {
      return;
    }
    failed(
        new DeviceClosedException(
            "the device was closed; opening it again", address, null, null, null));
  }

  /**
   * Lets go of {@code d} (it is no longer the device, its events no longer heard); false when it
   * was not the current device any more, or the supervision stopped.
   */
  private boolean detach(PowerDevice d) {
    Subscription s;
    synchronized (this) {
      if (stopped || device != d) {
        return false;
      }
      device = null;
      s = subscription;
      subscription = null;
      cancelStuck();
    }
    if (s != null) {
      s.close(); // device code: not under our lock
    }
    return true;
  }

  private void failed(Throwable cause) {
    PowerDeviceException failure = Failures.of(cause, "opening the device", address);
    Duration delay;
    synchronized (this) {
      if (stopped || runtimeClosed.getAsBoolean()) {
        return; // the runtime stops us as it closes
      }
      ConnectionProblem problem = ConnectionProblem.of(failure);
      if (problem == ConnectionProblem.COMMUNICATION_ERROR) {
        Duration next = backoff.next();
        delay = next.plusMillis(ThreadLocalRandom.current().nextLong(next.toMillis() / 4 + 1));
      } else {
        delay = max;
      }
      try {
        retry = timer.schedule(this::attempt, delay.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        return; // the runtime is closing
      }
    }
    LOG.debug(
        "{}: open failed, retrying in {}: {}", name, Durations.format(delay), failure.getMessage());
    change(DeviceHealth.offline(failure, clock.instant()));
  }

  private void change(DeviceHealth next) {
    synchronized (this) {
      if (stopped && next.state() != ConnectionState.CLOSED) {
        return;
      }
      if (next.sameAs(health)) {
        return;
      }
      health = next;
      notifyLater(next, List.copyOf(listeners));
    }
  }

  /** Under the lock, so that listeners see changes in the order they happened. */
  private void notifyLater(DeviceHealth h, List<Consumer<DeviceHealth>> to) {
    Runnable task =
        () -> {
          for (Consumer<DeviceHealth> l : to) {
            if (!listeners.contains(l)) {
              continue; // unsubscribed meanwhile
            }
            try {
              l.accept(h);
            } catch (RuntimeException e) {
              LOG.warn("{}: a health listener failed", name, e);
            }
          }
        };
    try {
      timer.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // the I/O threads are gone: tell them here
    }
  }

  /**
   * Stops supervising: no more attempts, the device (if open) is closed, the health meters are
   * removed, the health becomes CLOSED. Idempotent.
   */
  public void stop() {
    stop(true);
  }

  /**
   * Stops; the device, if open, is closed only when {@code closeDevice} (the runtime closes every
   * device itself, all at once, as it shuts down).
   */
  void stop(boolean closeDevice) {
    PowerDevice d;
    Subscription s;
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
      if (retry != null) {
        retry.cancel(false);
        retry = null;
      }
      cancelStuck();
      d = device;
      device = null;
      s = subscription;
      subscription = null;
    }
    if (s != null) {
      s.close();
    }
    firstOpen.completeExceptionally(
        new DeviceClosedException(
            "the supervision stopped before the device opened", address, null, null, null));
    if (d != null && closeDevice) {
      closeQuietly(d);
    }
    if (meters != null) {
      meters.close();
    }
    change(DeviceHealth.of(ConnectionState.CLOSED, clock.instant()));
    onStop.run();
  }

  private void closeQuietly(PowerDevice d) {
    try {
      d.close();
    } catch (RuntimeException e) {
      LOG.warn("{}: closing failed: {}", name, e.toString());
    }
  }

  @Override
  public String toString() {
    return "Supervisor[" + name + ", " + health.state() + "]";
  }
}
