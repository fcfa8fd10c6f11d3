package io.pdu4j.transport.net.internal;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * The runtime's way: the executor is a loop of a {@link MultiThreadIoEventLoopGroup} (epoll where
 * available), and channels are registered on it.
 */
class TcpLinkOnEventLoopTest extends TcpLinkContractTest {
  private MultiThreadIoEventLoopGroup group;

  @Override
  ScheduledExecutorService newExecutor() {
    group = new MultiThreadIoEventLoopGroup(2, NettyLoops.preferredIoHandler());
    log.info("event loop group uses {}", NettyLoops.epollAvailable() ? "epoll" : "NIO");
    return group.next();
  }

  @Override
  boolean expectsChannelsOnExecutor() {
    return true;
  }

  @AfterEach
  void stopGroup() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
