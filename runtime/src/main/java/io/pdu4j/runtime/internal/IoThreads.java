package io.pdu4j.runtime.internal;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Netty event loop group every device of a runtime shares: epoll where the native library
 * loads, NIO otherwise; daemon threads named {@code pdu4j-io-N}.
 */
public final class IoThreads {
  private static final Logger LOG = LoggerFactory.getLogger(IoThreads.class);

  /** The prefix of every I/O thread's name. */
  public static final String THREAD_PREFIX = "pdu4j-io-";

  private final MultiThreadIoEventLoopGroup group;
  private final String ioKind;
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final List<CoalescingIoHandler> coalescing = new CopyOnWriteArrayList<>();

  /** The fewest connections on a loop for it to read in batches. */
  static final int BATCH_MIN_CHANNELS = 256;

  /** Starts a group of {@code size} event loops (their threads start on first use). */
  public IoThreads(int size) {
    this(size, Optional.empty(), RuntimeSettings.DEFAULT_IO_BATCH_WINDOW);
  }

  /**
   * Starts a group of {@code size} event loops whose threads come from {@code threadFactory} (or
   * are daemon threads named {@value #THREAD_PREFIX}N); they start on first use. A loop with at
   * least {@value #BATCH_MIN_CHANNELS} connections polls them at most once per {@code batchWindow}
   * while they push ({@link CoalescingIoHandler}; zero: at once).
   */
  public IoThreads(int size, Optional<ThreadFactory> threadFactory, Duration batchWindow) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory own =
        task -> {
          Thread t = new FastThreadLocalThread(task, THREAD_PREFIX + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    ThreadFactory make = threadFactory.orElse(own);
    ThreadFactory factory =
        task -> {
          Thread t = make.newThread(task);
          threads.add(t);
          return t;
        };
    IoHandlerFactory handlers;
    if (epollAvailable()) {
      handlers = EpollIoHandler.newFactory();
      ioKind = "epoll";
    } else {
      handlers = NioIoHandler.newFactory();
      ioKind = "nio";
    }
    group =
        new MultiThreadIoEventLoopGroup(
            size,
            factory,
            CoalescingIoHandler.factory(
                handlers, batchWindow, BATCH_MIN_CHANNELS, coalescing::add));
    LOG.debug("started {} {} I/O event loops", size, ioKind);
  }

  private static boolean epollAvailable() {
    try {
      return Epoll.isAvailable();
    } catch (LinkageError e) { // netty-transport-classes-epoll left out of the class path
      return false;
    }
  }

  /** The group, offered to transports as a resource. */
  public EventLoopGroup group() {
    return group;
  }

  /** The next event loop, round robin: a device's thread for its whole life. */
  public EventLoop next() {
    return group.next();
  }

  /** {@code epoll} or {@code nio}. */
  public String ioKind() {
    return ioKind;
  }

  /** The handlers of the loops started so far (with a zero window, ones that do not batch). */
  List<CoalescingIoHandler> coalescing() {
    return List.copyOf(coalescing);
  }

  /** Whether the calling thread is one of this group's. */
  public boolean isIoThread() {
    Thread current = Thread.currentThread();
    return threads.contains(current);
  }

  /**
   * Shuts the group down: no quiet period, tasks already queued still run, and waits at most {@code
   * timeout} for every thread to end (unless called from one of them, which cannot wait for
   * itself).
   *
   * @return whether every thread ended in time
   */
  public boolean shutdown(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    group.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (isIoThread()) {
      return false;
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          if (!group.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS)) {
            LOG.warn("I/O threads did not stop within {}", timeout);
            return false;
          }
          // terminated, but a thread may not have returned from run() yet
          for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline))));
          }
          return threads.stream().noneMatch(Thread::isAlive);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }
}
