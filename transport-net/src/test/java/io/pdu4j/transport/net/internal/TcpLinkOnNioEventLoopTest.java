package io.pdu4j.transport.net.internal;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/** The executor is a NIO event loop (even where epoll is available): NIO channels on it. */
class TcpLinkOnNioEventLoopTest extends TcpLinkContractTest {
  private MultiThreadIoEventLoopGroup group;

  @Override
  ScheduledExecutorService newExecutor() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
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
