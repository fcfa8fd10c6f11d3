package io.pdu4j.runtime.internal;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Puts a device's reconnects through the runtime's {@link OpenGate}, as its first open went: after
 * a mass disconnect (a gateway or a load generator restarting, a switch port flapping) thousands of
 * drivers reopen their links within the same backoff step, and unpaced they would connect and
 * handshake all at once, time out and retry. Each reopen first waits a random delay of up to {@link
 * #JITTER} (so that links lost together do not come back together), then for a slot; it holds the
 * slot from its connect until the device's first status after the link came up ({@link
 * #answered()}), the link going down or failing to open, or at most the device's ready timeout once
 * up (a device that never reports must not keep a slot).
 *
 * <p>The first open goes straight through: it already holds a slot of the gate, taken by {@link
 * DeviceOpener}. Otherwise it is the link it wraps. Thread-safe; the stages it returns complete on
 * the link's executor, as the link's own do.
 */
final class PacedLink extends ForwardingLink {
  /** The longest random delay before a reopen asks for its slot. */
  static final Duration JITTER = Duration.ofSeconds(1);

  private final OpenGate gate;
  private final Duration readyBound;
  private final Duration jitter;
  private final Object lock = new Object();
  private boolean opened; // guarded by lock: the first open went through
  private Reopen pending; // guarded by lock: a reopen waiting for its jitter or its slot
  private volatile Slot slot; // the slot the current reopen holds, if any

  /**
   * @param link the transport's link
   * @param gate the runtime's gate, shared by every device
   * @param readyBound the longest a reopen holds its slot once the link is up
   * @param jitter the longest random delay before a reopen asks for a slot
   */
  PacedLink(Link link, OpenGate gate, Duration readyBound, Duration jitter) {
    super(link);
    this.gate = Objects.requireNonNull(gate, "gate");
    this.readyBound = Objects.requireNonNull(readyBound, "readyBound");
    this.jitter = Objects.requireNonNull(jitter, "jitter");
  }

  @Override
  public CompletionStage<Void> open(LinkListener listener) {
    Objects.requireNonNull(listener, "listener");
    Reopen reopen;
    synchronized (lock) {
      if (!opened) {
        opened = true;
        return link.open(listener);
      }
      if (pending != null) {
        return CompletableFuture.failedFuture(
            new IllegalStateException(link.describe() + " is already opening"));
      }
      reopen = new Reopen(listener);
      pending = reopen;
    }
    long delay = jitter.isZero() ? 0 : ThreadLocalRandom.current().nextLong(jitter.toNanos());
    try {
      link.executor().schedule(reopen::queue, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      reopen.abandon();
    }
    return reopen.result;
  }

  /**
   * The device reported a status after its link came up: a reopen's slot, if one is held, goes to
   * the next device waiting.
   */
  void answered() {
    Slot s = slot;
    if (s != null) {
      s.release();
    }
  }

  @Override
  public CompletionStage<Void> close() {
    Reopen waiting;
    synchronized (lock) {
      waiting = pending;
      pending = null;
    }
    if (waiting != null) {
      waiting.abandon();
    }
    return link.close();
  }

  /** One slot of the gate, given back exactly once. */
  private final class Slot {
    private final AtomicBoolean held = new AtomicBoolean(true);
    private volatile ScheduledFuture<?> bound;

    void release() {
      if (held.compareAndSet(true, false)) {
        ScheduledFuture<?> b = bound;
        if (b != null) {
          b.cancel(false);
        }
        if (slot == this) {
          slot = null;
        }
        gate.release();
      }
    }

    /** The link is up: the slot is given back at the latest after the ready bound. */
    void up() {
      try {
        bound = link.executor().schedule(this::release, readyBound.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        release();
      }
    }
  }

  /** A reopen from its jitter until its link opened or failed to. */
  private final class Reopen {
    final CompletableFuture<Void> result = new CompletableFuture<>();
    private final LinkListener listener;

    Reopen(LinkListener listener) {
      this.listener = listener;
    }

    /** After the jitter: waits for a slot. */
    void queue() {
      synchronized (lock) {
        if (pending != this) {
          return; // closed meanwhile
        }
      }
      if (!gate.submit(this::attempt)) {
        abandon(); // the runtime is closing
      }
    }

    /** Holding a slot. */
    private void attempt() {
      Slot s = new Slot();
      synchronized (lock) {
        if (pending != this) {
          s.release(); // closed while it waited for the slot
          return;
        }
        pending = null;
        slot = s;
      }
      CompletionStage<Void> opened;
      try {
        opened = link.open(new Releasing(listener, s));
      } catch (RuntimeException e) {
        opened = CompletableFuture.failedFuture(e);
      }
      opened.whenComplete(
          (v, failure) -> {
            if (failure != null) {
              s.release();
              result.completeExceptionally(failure);
            } else {
              result.complete(null);
            }
          });
    }

    /** Closed before it opened: fails as a link closed while opening does. */
    void abandon() {
      DeviceClosedException closed =
          new DeviceClosedException(link.describe() + ": closed before it was reopened");
      try {
        link.executor().execute(() -> result.completeExceptionally(closed));
      } catch (RejectedExecutionException e) {
        result.completeExceptionally(closed);
      }
    }
  }

  /** The device's listener, with the slot given back when the link goes down. */
  private static final class Releasing implements LinkListener {
    private final LinkListener listener;
    private final Slot slot;

    Releasing(LinkListener listener, Slot slot) {
      this.listener = listener;
      this.slot = slot;
    }

    @Override
    public void onUp() {
      slot.up();
      listener.onUp();
    }

    @Override
    public void onData(ByteBuffer data) {
      listener.onData(data);
    }

    @Override
    public void onDatagram(Datagram datagram) {
      listener.onDatagram(datagram);
    }

    @Override
    public void onDown(PowerDeviceException cause) {
      slot.release();
      listener.onDown(cause);
    }
  }
}
