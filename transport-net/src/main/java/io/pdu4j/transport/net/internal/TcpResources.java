package io.pdu4j.transport.net.internal;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.pdu4j.spi.transport.TransportContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads one TCP provider may own: an event loop group for links whose executor is not a
 * usable Netty loop, and a small pool for host name lookups (which block, so never run on an event
 * loop). Both are created on first use, use daemon threads, and are released by {@link #close()};
 * they are created again if needed afterwards. Thread-safe.
 */
public final class TcpResources implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TcpResources.class);

  /** Names of the event loop threads this class starts. */
  public static final String LOOP_THREAD_PREFIX = "pdu4j-tcp";

  /** Names of the host lookup threads this class starts. */
  public static final String RESOLVER_THREAD_PREFIX = "pdu4j-tcp-resolver";

  private static final int RESOLVER_THREADS = 2;
  private static final int RESOLVER_QUEUE = 256;

  private final Object lock = new Object();
  private final String loopThreadPrefix;
  private MultiThreadIoEventLoopGroup group;
  private ThreadPoolExecutor resolver;

  /** Resources whose event loop threads are named {@value #LOOP_THREAD_PREFIX}-n. */
  public TcpResources() {
    this(LOOP_THREAD_PREFIX);
  }

  /** Resources whose event loop threads are named after the prefix (the UDP provider's). */
  public TcpResources(String loopThreadPrefix) {
    this.loopThreadPrefix = loopThreadPrefix;
  }

  /**
   * A loop for a link whose executor is not a usable Netty loop: one of the group the runtime
   * offers as a resource when it is usable, else one of this provider's own group.
   */
  EventLoop standaloneLoop(TransportContext context) {
    EventLoopGroup offered = context.resource(EventLoopGroup.class).orElse(null);
    if (offered != null
        && !offered.isShuttingDown()
        && NettyLoops.socketChannelFor(offered).isPresent()) {
      return offered.next();
    }
    synchronized (lock) {
      if (group == null || group.isShuttingDown()) {
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        group =
            new MultiThreadIoEventLoopGroup(
                threads,
                new DefaultThreadFactory(loopThreadPrefix, true),
                NettyLoops.preferredIoHandler());
        log.debug(
            "started {} TCP event loop thread(s) ({})",
            threads,
            NettyLoops.epollAvailable() ? "epoll" : "nio");
      }
      return group.next();
    }
  }

  /**
   * Looks a host name up off the event loops. The future completes on a lookup thread; it fails
   * with {@link UnknownHostException} when the name does not resolve, and with {@link
   * java.util.concurrent.RejectedExecutionException} when too many lookups are pending.
   */
  CompletableFuture<InetAddress> resolve(String host) {
    ThreadPoolExecutor pool;
    synchronized (lock) {
      if (resolver == null || resolver.isShutdown()) {
        resolver =
            new ThreadPoolExecutor(
                RESOLVER_THREADS,
                RESOLVER_THREADS,
                10,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(RESOLVER_QUEUE),
                daemonThreads(RESOLVER_THREAD_PREFIX));
        resolver.allowCoreThreadTimeOut(true);
      }
      pool = resolver;
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return InetAddress.getByName(host);
          } catch (UnknownHostException e) {
            throw new CompletionException(e);
          }
        },
        pool);
  }

  /**
   * Shuts down the threads this provider started and waits (up to a few seconds) until they are
   * gone; links still open on them go down. Does not wait when called from one of those threads.
   */
  @Override
  public void close() {
    MultiThreadIoEventLoopGroup g;
    ThreadPoolExecutor r;
    synchronized (lock) {
      g = group;
      r = resolver;
      group = null;
      resolver = null;
    }
    if (r != null) {
      r.shutdownNow();
    }
    if (g != null) {
      g.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      boolean inside = false;
      for (EventExecutor e : g) {
        inside |= e.inEventLoop();
      }
      if (!inside) {
        g.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
      log.debug("TCP event loop threads stopped");
    }
    if (r != null) {
      try {
        r.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
