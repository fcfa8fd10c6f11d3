package io.pdu4j.transport.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class NettyLoopsTest {
  @Test
  void epollLoopGetsEpollChannels() {
    LoggerFactory.getLogger(NettyLoopsTest.class)
        .info(
            "epoll available: {}{}",
            Epoll.isAvailable(),
            Epoll.isAvailable() ? "" : " (" + Epoll.unavailabilityCause() + ")");
    assumeTrue(Epoll.isAvailable(), "epoll is not available here");
    MultiThreadIoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try {
      assertThat(NettyLoops.socketChannelFor(group.next())).contains(EpollSocketChannel.class);
      assertThat(NettyLoops.socketChannelFor(group)).contains(EpollSocketChannel.class);
      assertThat(NettyLoops.datagramChannelFor(group.next()))
          .contains(io.netty.channel.epoll.EpollDatagramChannel.class);
      assertThat(NettyLoops.preferredIoHandler()).isNotNull();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void nioLoopGetsNioChannels() {
    MultiThreadIoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      assertThat(NettyLoops.socketChannelFor(group.next())).contains(NioSocketChannel.class);
      assertThat(NettyLoops.datagramChannelFor(group.next()))
          .contains(io.netty.channel.socket.nio.NioDatagramChannel.class);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void loopsWithoutIoGetNothing() {
    DefaultEventLoop loop = new DefaultEventLoop();
    try {
      assertThat(NettyLoops.socketChannelFor(loop)).isEmpty();
      assertThat(NettyLoops.datagramChannelFor(loop)).isEmpty();
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
