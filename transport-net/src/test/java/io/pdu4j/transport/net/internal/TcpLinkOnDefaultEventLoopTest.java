package io.pdu4j.transport.net.internal;

import io.netty.channel.DefaultEventLoop;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The executor is a Netty event loop that runs no I/O ({@link DefaultEventLoop}): channels run on
 * the provider's group and events are handed to the executor.
 */
class TcpLinkOnDefaultEventLoopTest extends TcpLinkContractTest {
  @Override
  ScheduledExecutorService newExecutor() {
    return new DefaultEventLoop();
  }

  @Override
  boolean expectsChannelsOnExecutor() {
    return false;
  }
}
