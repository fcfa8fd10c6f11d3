package io.pdu4j.runtime.internal;

import io.netty.channel.Channel;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Ticker;
import io.pdu4j.spi.support.AwaitedReplies;
import io.pdu4j.spi.transport.WriteGate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * An event loop's I/O handler that reads a busy fleet's pushes in batches: on a loop serving at
 * least {@code minChannels} connections, a poll comes at least {@code window} after the previous
 * one that found something, so that the pushes of the units that sent meanwhile are read in one
 * wake of the loop instead of one wake each (interrupt moderation, as network cards do it).
 *
 * <p>Why: at a fleet's scale a loop's cost per push is mostly its wakes (the return from {@code
 * epoll_wait}, the thread switch around it, the caches gone cold meanwhile), not the push's code; a
 * loop woken for every push or two costs several times a loop that reads ten at a time.
 *
 * <p>What it costs: what a device sends unasked waits at most {@code window} more before it is
 * read, and only on a loop that serves many connections and has just been woken. A loop with fewer
 * connections, one that has been quiet for {@code window}, one where a command awaits its reply
 * ({@link AwaitedReplies}), one with tasks to run (a command handed over from another thread, say:
 * the wait ends at once) or a timer due sooner, polls at once as before. {@link Duration#ZERO}
 * turns it off.
 *
 * <p>It also keeps each connection's {@link WriteGate} (a channel attribute a transport may set):
 * opened when the connection is registered, shut when its registration is cancelled, which Netty's
 * epoll channels do on the loop right before they close the socket. A transport's other threads may
 * then write to the socket themselves while the gate lets them in. As a loop that opens gates must,
 * it never sleeps longer than {@link WriteGate#MAX_SLEEP}, timers or not, so that a task left for
 * its next wake-up without waking it runs within that long.
 */
final class CoalescingIoHandler implements IoHandler {
  private static final AttributeKey<WriteGate> GATE =
      AttributeKey.valueOf(WriteGate.CHANNEL_ATTRIBUTE);

  private final IoHandler delegate;
  private final long windowNanos;
  private final int minChannels;
  private final AtomicInteger channels = new AtomicInteger();
  private volatile Thread loop;
  private final AtomicLong wakeups = new AtomicLong(); // wakeup() calls from other threads
  private volatile boolean destroying; // the loop is shutting down: no more waits
  private long lastPollNanos; // the loop's own: when the last poll that found something returned
  private final Capped capped = new Capped(); // the loop's own

  CoalescingIoHandler(IoHandler delegate, Duration window, int minChannels) {
    this.delegate = delegate;
    this.windowNanos = window.toNanos();
    this.minChannels = minChannels;
  }

  /** Handlers of {@code handlers}, each coalescing as described and handed to {@code made}. */
  static IoHandlerFactory factory(
      IoHandlerFactory handlers,
      Duration window,
      int minChannels,
      Consumer<CoalescingIoHandler> made) {
    return new IoHandlerFactory() {
      @Override
      public IoHandler newHandler(io.netty.util.concurrent.ThreadAwareExecutor executor) {
        CoalescingIoHandler h =
            new CoalescingIoHandler(handlers.newHandler(executor), window, minChannels);
        made.accept(h);
        return h;
      }

      @Override
      public boolean isChangingThreadSupported() {
        return handlers.isChangingThreadSupported();
      }
    };
  }

  @Override
  public void initialize() {
    delegate.initialize();
  }

  @Override
  public int run(IoHandlerContext context) {
    Thread current = Thread.currentThread();
    if (loop != current) {
      loop = current;
    }
    if (batching() && !AwaitedReplies.any()) {
      long now = System.nanoTime();
      // at most a window from now: lastPollNanos starts at 0 and nanoTime may be anywhere
      long until = now + Math.min(Math.max(lastPollNanos + windowNanos - now, 0), windowNanos);
      if (until - now > 0 && context.deadlineNanos() != -1) {
        // a timer is due: not later than it (with none, delayNanos would say a second)
        until = now + Math.min(until - now, context.delayNanos(now));
      }
      // ended by a task handed to the loop or by a wakeup from another thread while it waits (a
      // shutdown's); a park that returns for no reason (a permit left by an earlier wakeup) parks
      // again. A wakeup that came before the wait (its task run in the loop's last turn) ends
      // nothing: the loop has done what it was woken for
      long seen = wakeups.get();
      while (!destroying && context.canBlock() && wakeups.get() == seen) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          break;
        }
        LockSupport.parkNanos(this, left);
      }
    }
    capped.context = context;
    int handled = delegate.run(capped);
    if (handled > 0) {
      lastPollNanos = System.nanoTime();
    }
    return handled;
  }

  /**
   * The loop's context with its sleep cut to at most {@link WriteGate#MAX_SLEEP}: the deadline is
   * the loop's next timer or the second boundary of {@code nanoTime} between one and two seconds
   * ahead, whichever is sooner. On a grid, so that the polls of one second ask for the same
   * deadline and Netty keeps its timer as it is, rather than setting it again at every poll.
   */
  static final class Capped implements IoHandlerContext {
    private static final long SECOND = 1_000_000_000L;
    // the loops' ticker (IoThreads gives them no other)
    private static final Ticker TICKER = Ticker.systemTicker();
    IoHandlerContext context;

    @Override
    public boolean canBlock() {
      return context.canBlock();
    }

    // Netty counts a loop's deadlines on its ticker (nanoTime less the ticker's start), and asks
    // for delays with System.nanoTime()
    @Override
    public long deadlineNanos() {
      long deadline = context.deadlineNanos();
      long now = TICKER.nanoTime();
      long cap = now - Math.floorMod(now, SECOND) + 2 * SECOND;
      return deadline == -1 || deadline - cap > 0 ? cap : deadline;
    }

    @Override
    public long delayNanos(long currentTimeNanos) {
      return Math.max(0, deadlineNanos() - (currentTimeNanos - TICKER.initialNanoTime()));
    }

    @Override
    public void reportActiveIoTime(long activeNanos) {
      context.reportActiveIoTime(activeNanos);
    }

    @Override
    public boolean shouldReportActiveIoTime() {
      return context.shouldReportActiveIoTime();
    }
  }

  @Override
  public void wakeup() {
    delegate.wakeup();
    Thread t = loop;
    // the loop's own wakeups (Netty calls this for every task, the loop's too) end nothing: the
    // loop is not waiting, and a task it hands itself keeps it from waiting (canBlock)
    if (t != Thread.currentThread()) {
      wakeups.incrementAndGet();
      if (t != null) {
        LockSupport.unpark(t);
      }
    }
  }

  @Override
  public void prepareToDestroy() {
    destroying = true;
    delegate.prepareToDestroy();
  }

  @Override
  public void destroy() {
    delegate.destroy();
  }

  @Override
  public IoRegistration register(IoHandle handle) throws Exception {
    IoRegistration registration = delegate.register(handle);
    channels.incrementAndGet();
    WriteGate gate = gateOf(handle);
    if (gate != null) {
      gate.open(this::batching);
    }
    return new Counted(registration, gate);
  }

  /**
   * Whether the loop reads in batches now: a task left for its next wake-up may then wait for the
   * window to end, and a reply with it (see {@link WriteGate#unhurried()}).
   */
  private boolean batching() {
    return windowNanos > 0 && channels.get() >= minChannels;
  }

  /** The gate of the channel whose handle this is, if it has one. */
  private static WriteGate gateOf(IoHandle handle) {
    if (handle instanceof Channel.Unsafe unsafe) {
      // a transport sets gates on epoll channels only: they cancel the registration on the loop
      // before they close the socket
      Channel channel = unsafe.voidPromise().channel();
      return channel.hasAttr(GATE) ? channel.attr(GATE).get() : null;
    }
    return null;
  }

  @Override
  public boolean isCompatible(Class<? extends IoHandle> handleType) {
    return delegate.isCompatible(handleType);
  }

  /** The window (for tests). */
  Duration window() {
    return Duration.ofNanos(windowNanos);
  }

  /** The connections registered and not cancelled (for tests). */
  int channels() {
    return channels.get();
  }

  /** A registration that is counted until it is cancelled, once. */
  private final class Counted implements IoRegistration {
    private final IoRegistration delegate;
    private final WriteGate gate;
    private final AtomicBoolean counted = new AtomicBoolean(true);

    Counted(IoRegistration delegate, WriteGate gate) {
      this.delegate = delegate;
      this.gate = gate;
    }

    @Override
    public <T> T attachment() {
      return delegate.attachment();
    }

    @Override
    public long submit(IoOps ops) {
      return delegate.submit(ops);
    }

    @Override
    public boolean isValid() {
      return delegate.isValid();
    }

    @Override
    public boolean cancel() {
      if (gate != null) {
        gate.shut(); // the socket closes next: no other thread may be writing to it then
      }
      if (counted.compareAndSet(true, false)) {
        channels.decrementAndGet();
      }
      return delegate.cancel();
    }
  }
}
