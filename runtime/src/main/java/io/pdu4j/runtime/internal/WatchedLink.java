package io.pdu4j.runtime.internal;

import io.pdu4j.api.Durations;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.support.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's one wrapper around a transport's link, on the device's side of it: it counts for
 * {@link DeviceMetrics} what passes (bytes sent once the link accepted them, bytes and datagram
 * payloads received, every {@code onUp} after the first as a reconnect), and it watches a stream
 * link for a device gone quiet. Otherwise it is the link it wraps: the driver cannot tell.
 *
 * <p>The quiet watch: when something was sent and nothing at all has arrived for the {@code quiet}
 * duration since, the link is taken for dead (a half-open TCP connection, a gateway whose serial
 * side hangs, a unit that stopped answering and pushing), closed, and its listener gets one {@code
 * onDown} with a {@link LinkLostException} saying so; pdu4j's reconnect path runs as for any lost
 * link. Only an unanswered send starts the clock, not silence alone: a request/reply device that is
 * asked nothing says nothing and must not be recycled for it; a device that pushes is asked for a
 * status by its driver when the pushes stop, and that request starts the clock. The clock is one
 * timer, set by the send that starts it for the moment it would run out, and set again from there
 * while sends stay unanswered: no timer at all while nothing waits for an answer (a fleet of
 * pushing devices, asked nothing, would otherwise wake the I/O threads several times a second).
 */
final class WatchedLink extends ForwardingLink {
  private static final Logger LOG = LoggerFactory.getLogger(WatchedLink.class);
  private static final long NONE = Long.MIN_VALUE;

  private final DeviceMetrics metrics; // null: nothing counted
  private final Duration quiet; // null: not watched
  private final Runnable onRecycle;
  // fields set through the VarHandles below rather than an atomic object each (three objects a
  // device of a fleet)
  private static final VarHandle UPS = handle("ups", long.class);
  private static final VarHandle UNANSWERED_SINCE = handle("unansweredSince", long.class);
  private static final VarHandle ARMED = handle("armed", boolean.class);
  private volatile long ups;
  // System.nanoTime() of the first send after the last byte received, or NONE
  private volatile long unansweredSince = NONE;
  private volatile boolean recycling;
  private volatile boolean watching; // while up, on a stream link with a quiet limit
  private volatile boolean armed; // the watch's timer is set
  private volatile ScheduledFuture<?> watch; // the timer, while set

  private static VarHandle handle(String field, Class<?> type) {
    return VarHandles.field(MethodHandles.lookup(), WatchedLink.class, field, type);
  }

  /**
   * @param link the transport's link
   * @param metrics where to count, or null
   * @param quiet how long a send may stay unanswered by any byte on a stream link, or null for no
   *     watch
   * @param onRecycle counts a recycle (called before the link is closed)
   */
  WatchedLink(Link link, DeviceMetrics metrics, Duration quiet, Runnable onRecycle) {
    super(link);
    this.metrics = metrics;
    this.quiet = quiet;
    this.onRecycle = Objects.requireNonNull(onRecycle, "onRecycle");
    if (quiet != null && (quiet.isZero() || quiet.isNegative())) {
      throw new IllegalArgumentException("quiet must be positive");
    }
  }

  @Override
  public CompletionStage<Void> open(LinkListener listener) {
    return link.open(new Watching(Objects.requireNonNull(listener, "listener")));
  }

  @Override
  public CompletionStage<Void> send(ByteBuffer data) {
    int bytes = data.remaining();
    // marked when asked, not when written: an answer may be handled before the write's completion
    if (UNANSWERED_SINCE.compareAndSet(this, NONE, System.nanoTime()) && watching) {
      arm(quiet.toNanos());
    }
    return counted(link.send(data), bytes);
  }

  @Override
  public CompletionStage<Void> send(Datagram datagram) {
    return counted(link.send(datagram), datagram.payload().length);
  }

  /** Counts sent bytes on the side: the caller keeps the link's own stage (and can cancel it). */
  private CompletionStage<Void> counted(CompletionStage<Void> sent, int bytes) {
    if (metrics != null) {
      sent.whenComplete(
          (v, t) -> {
            if (t == null) {
              metrics.add(DeviceMetrics.SENT, bytes);
            }
          });
    }
    return sent;
  }

  @Override
  public CompletionStage<Void> close() {
    recycling = false; // the device's own close: its listener hears "closed", as it expects
    return link.close();
  }

  /** Sets the watch's timer {@code delayNanos} ahead, unless it is set already. */
  private void arm(long delayNanos) {
    if (!ARMED.compareAndSet(this, false, true)) {
      return;
    }
    try {
      watch = link.executor().schedule(this::check, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      armed = false; // shutting down: nothing to watch for
    }
  }

  /**
   * Executor: recycles the link once a send has gone unanswered for {@code quiet}; while one waits
   * for less, the timer is set again for when it would have waited that long.
   */
  private void check() {
    watch = null;
    armed = false; // before reading: a send from now on sets the timer itself, if this does not
    long since = unansweredSince;
    if (since == NONE || recycling || !watching || !link.isOpen()) {
      return; // the next unanswered send sets the timer again
    }
    long waited = System.nanoTime() - since;
    if (waited < quiet.toNanos()) {
      arm(quiet.toNanos() - waited);
      return;
    }
    recycling = true;
    LOG.info(
        "{}: nothing received for {}; closing the link to reconnect",
        describe(),
        Durations.format(quiet));
    try {
      onRecycle.run();
    } finally {
      link.close();
    }
  }

  private void stopWatching() {
    watching = false;
    ScheduledFuture<?> w = watch;
    watch = null;
    if (w != null) {
      w.cancel(false);
    }
    armed = false;
  }

  private void received(int bytes) {
    if (unansweredSince != NONE) { // a read, not a fenced write, for every push
      unansweredSince = NONE;
    }
    if (metrics != null) {
      metrics.addOnDeviceThread(DeviceMetrics.RECEIVED, bytes);
    }
  }

  private final class Watching implements LinkListener {
    private final LinkListener listener;

    Watching(LinkListener listener) {
      this.listener = listener;
    }

    @Override
    public void onUp() {
      if ((long) UPS.getAndAdd(WatchedLink.this, 1L) > 0 && metrics != null) {
        metrics.add(DeviceMetrics.RECONNECTS, 1);
      }
      unansweredSince = NONE;
      recycling = false;
      stopWatching();
      watching = quiet != null && link.kind() == Kind.STREAM;
      listener.onUp();
    }

    @Override
    public void onData(ByteBuffer data) {
      received(data.remaining());
      listener.onData(data);
    }

    @Override
    public void onDatagram(Datagram datagram) {
      received(datagram.payload().length);
      listener.onDatagram(datagram);
    }

    @Override
    public void onDown(PowerDeviceException cause) {
      stopWatching();
      unansweredSince = NONE;
      if (recycling) {
        recycling = false;
        listener.onDown(
            new LinkLostException(
                describe()
                    + ": nothing received for "
                    + Durations.format(quiet)
                    + " after a request",
                cause));
        return;
      }
      listener.onDown(cause);
    }
  }
}
