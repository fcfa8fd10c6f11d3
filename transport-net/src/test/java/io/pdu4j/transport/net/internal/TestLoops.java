package io.pdu4j.transport.net.internal;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** The executors the UDP tests run a link on: an epoll or NIO event loop, or a plain executor. */
final class TestLoops {
  private TestLoops() {}

  /**
   * One thread of {@code loop} ({@code epoll}, skipped where epoll is not available; {@code nio};
   * anything else: a plain scheduled executor), its shutdown added to {@code cleanup}.
   */
  static ScheduledExecutorService executor(String loop, List<AutoCloseable> cleanup) {
    switch (loop) {
      case "epoll" -> {
        Assumptions.assumeTrue(Epoll.isAvailable(), "epoll is not available here");
        MultiThreadIoEventLoopGroup g =
            new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        cleanup.add(() -> g.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5000));
        return g.next();
      }
      case "nio" -> {
        MultiThreadIoEventLoopGroup g =
            new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        cleanup.add(() -> g.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5000));
        return g.next();
      }
      default -> {
        ScheduledExecutorService e = Executors.newSingleThreadScheduledExecutor();
        cleanup.add(e::shutdownNow);
        return e;
      }
    }
  }
}
