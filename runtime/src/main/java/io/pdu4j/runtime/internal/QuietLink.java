package io.pdu4j.runtime.internal;

import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.Durations;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream {@link Link} watched for a device gone quiet: when something was sent and nothing at all
 * has arrived for the {@code quiet} duration since, the link is taken for dead (a half-open TCP
 * connection, a gateway whose serial side hangs, a unit that stopped answering and pushing),
 * closed, and its listener gets one {@link LinkListener#onDown} with a {@link LinkLostException}
 * saying so: the driver's own reconnect path runs as for any lost link.
 *
 * <p>Only an unanswered send starts the clock, not silence alone: a request/reply device that is
 * asked nothing says nothing, and must not be recycled for it. A device that pushes is asked for a
 * status by its driver when the pushes stop, and that request starts the clock.
 *
 * <p>Otherwise it is the link it wraps: the driver cannot tell.
 */
final class QuietLink extends ForwardingLink {
  private static final Logger LOG = LoggerFactory.getLogger(QuietLink.class);
  private static final long NONE = Long.MIN_VALUE;

  private final Duration quiet;
  private final Runnable onRecycle;
  // System.nanoTime() of the first send after the last byte received, or NONE
  private final AtomicLong unansweredSince = new AtomicLong(NONE);
  private volatile boolean recycling;
  private volatile ScheduledFuture<?> watch; // while up

  /**
   * @param link the transport's stream link
   * @param quiet how long a send may stay unanswered by any byte
   * @param onRecycle counts a recycle (called before the link is closed)
   */
  QuietLink(Link link, Duration quiet, Runnable onRecycle) {
    super(link);
    this.quiet = Objects.requireNonNull(quiet, "quiet");
    this.onRecycle = Objects.requireNonNull(onRecycle, "onRecycle");
    if (quiet.isZero() || quiet.isNegative()) {
      throw new IllegalArgumentException("quiet must be positive");
    }
  }

  @Override
  public CompletionStage<Void> open(LinkListener listener) {
    Objects.requireNonNull(listener, "listener");
    return link.open(new Watching(listener));
  }

  @Override
  public CompletionStage<Void> send(ByteBuffer data) {
    // marked when asked, not when written: an answer may be handled before the write's completion
    unansweredSince.compareAndSet(NONE, System.nanoTime());
    return link.send(data);
  }

  @Override
  public CompletionStage<Void> close() {
    recycling = false; // the driver's own close: its listener hears "closed", as it expects
    return link.close();
  }

  /** Executor: recycles the link once a send has gone unanswered for {@code quiet}. */
  private void check() {
    long since = unansweredSince.get();
    if (since == NONE || recycling || !link.isOpen()) {
      return;
    }
    if (System.nanoTime() - since < quiet.toNanos()) {
      return;
    }
    recycling = true;
    LOG.info("{}: nothing received for {}; closing the link to reconnect", describe(), text());
    try {
      onRecycle.run();
    } finally {
      link.close();
    }
  }

  private String text() {
    return Durations.format(quiet);
  }

  private void stopWatching() {
    ScheduledFuture<?> w = watch;
    watch = null;
    if (w != null) {
      w.cancel(false);
    }
  }

  private final class Watching implements LinkListener {
    private final LinkListener listener;

    Watching(LinkListener listener) {
      this.listener = listener;
    }

    @Override
    public void onUp() {
      unansweredSince.set(NONE);
      recycling = false;
      stopWatching();
      long every = Math.max(TimeUnit.MILLISECONDS.toNanos(50), quiet.toNanos() / 4);
      try {
        watch =
            link.executor()
                .scheduleWithFixedDelay(QuietLink.this::check, every, every, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // shutting down: nothing to watch for
      }
      listener.onUp();
    }

    @Override
    public void onData(ByteBuffer data) {
      unansweredSince.set(NONE);
      listener.onData(data);
    }

    @Override
    public void onDatagram(io.pdu4j.spi.Datagram datagram) {
      unansweredSince.set(NONE);
      listener.onDatagram(datagram);
    }

    @Override
    public void onDown(PowerDeviceException cause) {
      stopWatching();
      unansweredSince.set(NONE);
      if (recycling) {
        recycling = false;
        listener.onDown(
            new LinkLostException(
                describe() + ": nothing received for " + text() + " after a request", cause));
        return;
      }
      listener.onDown(cause);
    }
  }
}
