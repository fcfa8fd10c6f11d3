package io.pdu4j.transport.net.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandle;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Optional;

/**
 * Which Netty socket channel class runs on which event loop.
 *
 * <p>Netty 4.2 event loops are {@link io.netty.channel.IoEventLoop}s driven by an {@link
 * io.netty.channel.IoHandler} (epoll, NIO, io_uring, ...). A loop tells which channels it can serve
 * through {@link IoEventLoopGroup#isCompatible(Class)}, given the {@link io.netty.channel.IoHandle}
 * type the channel registers: Netty's own channels check exactly this in their {@code
 * isCompatible(EventLoop)} ({@code EpollIoHandle} for epoll channels, {@code NioIoHandle} for NIO
 * ones).
 */
final class NettyLoops {
  private NettyLoops() {}

  /**
   * The TCP client channel class for channels registered on this loop (or group): epoll for an
   * epoll loop, NIO for a NIO loop, empty for any other kind (io_uring, kqueue, a plain {@code
   * DefaultEventLoop}).
   */
  static Optional<Class<? extends SocketChannel>> socketChannelFor(EventLoopGroup loop) {
    if (loop instanceof IoEventLoopGroup io) {
      if (io.isCompatible(EpollIoHandle.class)) {
        return Optional.of(EpollSocketChannel.class);
      }
      if (io.isCompatible(NioIoHandle.class)) {
        return Optional.of(NioSocketChannel.class);
      }
    }
    return Optional.empty();
  }

  /**
   * The UDP channel class for channels registered on this loop (or group): epoll for an epoll loop,
   * NIO for a NIO loop, empty for any other kind.
   */
  static Optional<Class<? extends DatagramChannel>> datagramChannelFor(EventLoopGroup loop) {
    if (loop instanceof IoEventLoopGroup io) {
      if (io.isCompatible(EpollIoHandle.class)) {
        return Optional.of(EpollDatagramChannel.class);
      }
      if (io.isCompatible(NioIoHandle.class)) {
        return Optional.of(NioDatagramChannel.class);
      }
    }
    return Optional.empty();
  }

  /** Whether the native epoll transport can be used in this JVM. */
  static boolean epollAvailable() {
    return Epoll.isAvailable();
  }

  /** The I/O handler for loops this module creates itself: epoll when available, else NIO. */
  static IoHandlerFactory preferredIoHandler() {
    return epollAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }
}
