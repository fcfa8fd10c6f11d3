package io.pdu4j.transport.net.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.transport.TransportContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP sockets of one provider: one Netty datagram channel per bind address and port, shared by
 * every link bound there and reference-counted. Every link on an endpoint gets every datagram; the
 * channel closes when the last link leaves. Thread-safe.
 */
public final class UdpEndpoints implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UdpEndpoints.class);

  /** Names of the event loop threads the provider starts for standalone links. */
  public static final String LOOP_THREAD_PREFIX = "pdu4j-udp";

  /** The most bytes one receive (one {@code recvmmsg} on epoll) may take for its datagrams. */
  static final int BATCH_BYTES = 64 * 1024;

  /** The most datagrams one receive may take. */
  static final int MAX_BATCH = 32;

  /** The most datagrams read in one wake of the socket before other channels of its loop run. */
  static final int MAX_READS_PER_WAKE = 128;

  private final Object lock = new Object();
  private final Map<InetSocketAddress, Endpoint> endpoints = new HashMap<>();
  // bound to port 0 (any free port): each link its own socket, never shared
  private final java.util.Set<Endpoint> ephemeral = new java.util.HashSet<>();
  private final TcpResources loops = new TcpResources(LOOP_THREAD_PREFIX);
  private final long readIntervalNanos;

  /**
   * Endpoints whose sockets are read on a timer while datagrams come fast: every 1 ms, stretched up
   * to 4 ms at lower rates ({@link UdpReadPacer}).
   */
  public UdpEndpoints() {
    this(UdpReadPacer.DEFAULT_INTERVAL_NANOS);
  }

  /** Endpoints whose sockets are read every {@code readIntervalNanos} while datagrams come fast. */
  UdpEndpoints(long readIntervalNanos) {
    if (readIntervalNanos <= 0) {
      throw new IllegalArgumentException("read interval must be positive");
    }
    this.readIntervalNanos = readIntervalNanos;
  }

  /** How many endpoints are bound or binding now (for tests). */
  public int size() {
    synchronized (lock) {
      return endpoints.size() + ephemeral.size();
    }
  }

  /**
   * Joins the endpoint bound at {@code bind}, binding it first if there is none. The future
   * completes (on a Netty thread) when the socket is bound, or fails with {@link
   * DeviceUnreachableException}; on failure the link is not a member.
   */
  CompletableFuture<Endpoint> acquire(
      InetSocketAddress bind, UdpLink link, TransportContext context, int rcvbuf, int maxDatagram) {
    Endpoint e;
    synchronized (lock) {
      if (bind.getPort() == 0) {
        e = new Endpoint(bind);
        ephemeral.add(e);
        e.members.add(link);
        e.bind(context, rcvbuf, maxDatagram);
        Endpoint own = e;
        return e.bound.thenApply(ch -> own);
      }
      e = endpoints.get(bind);
      if (e == null) {
        e = new Endpoint(bind);
        endpoints.put(bind, e);
        e.members.add(link);
        e.bind(context, rcvbuf, maxDatagram);
      } else {
        e.members.add(link);
      }
    }
    Endpoint joined = e;
    return e.bound.thenApply(ch -> joined);
  }

  /** Leaves the endpoint; closes its socket when the link was the last. Idempotent. */
  CompletableFuture<Void> release(Endpoint e, UdpLink link) {
    boolean last;
    synchronized (lock) {
      if (!e.members.remove(link)) {
        return CompletableFuture.completedFuture(null);
      }
      last = e.members.isEmpty();
      if (last && endpoints.get(e.bind) == e) {
        endpoints.remove(e.bind);
      }
      if (last) {
        ephemeral.remove(e);
      }
    }
    return last ? e.closeSocket() : CompletableFuture.completedFuture(null);
  }

  private void forget(Endpoint e) {
    synchronized (lock) {
      ephemeral.remove(e);
      if (endpoints.get(e.bind) == e) {
        endpoints.remove(e.bind);
      }
    }
  }

  /** Stops the provider's own event loop threads; endpoints on them close. */
  @Override
  public void close() {
    loops.close();
  }

  /** One bound socket and the links that share it. */
  final class Endpoint {
    final InetSocketAddress bind;
    final List<UdpLink> members = new CopyOnWriteArrayList<>();
    final CompletableFuture<Channel> bound = new CompletableFuture<>();
    final AtomicLong oversized = new AtomicLong();
    private volatile Channel channel;
    // written by the channel's event loop only
    private volatile long timedReads;
    private volatile boolean readsOnTimer;

    Endpoint(InetSocketAddress bind) {
      this.bind = bind;
    }

    /** Reads of the socket that its read timer allowed (see {@link UdpReadPacer}). */
    long timedReads() {
      return timedReads;
    }

    /** Whether the socket is read on its timer now rather than on readiness. */
    boolean readsOnTimer() {
      return readsOnTimer;
    }

    /** The socket's actual local address (the port when bound to port 0). */
    Optional<InetSocketAddress> localAddress() {
      Channel ch = channel;
      return ch == null ? Optional.empty() : Optional.of((InetSocketAddress) ch.localAddress());
    }

    void bind(TransportContext context, int rcvbuf, int maxDatagram) {
      EventLoop loop;
      Class<? extends DatagramChannel> type;
      Optional<Class<? extends DatagramChannel>> own =
          context.executor() instanceof IoEventLoop l
              ? NettyLoops.datagramChannelFor(l)
              : Optional.empty();
      if (own.isPresent()) {
        loop = (EventLoop) context.executor();
        type = own.get();
      } else {
        loop = loops.standaloneLoop(context);
        type = NettyLoops.datagramChannelFor(loop).orElseThrow();
      }
      // one more byte than allowed, so that an over-long datagram is seen as such
      int slot = maxDatagram + 1;
      int batch = batchSize(type, slot);
      Bootstrap b =
          new Bootstrap()
              .group(loop)
              .channel(type)
              .option(ChannelOption.SO_REUSEADDR, true)
              .option(ChannelOption.SO_BROADCAST, true)
              .option(ChannelOption.SO_RCVBUF, rcvbuf)
              .option(
                  ChannelOption.RECVBUF_ALLOCATOR,
                  new FixedRecvByteBufAllocator(slot * batch)
                      .maxMessagesPerRead(MAX_READS_PER_WAKE))
              .handler(new Inbound(maxDatagram));
      if (batch > 1) {
        // recvmmsg: up to `batch` datagrams per system call, each in a slot of its own
        b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, slot);
      }
      ChannelFuture f;
      try {
        f = b.bind(bind);
      } catch (RuntimeException ex) {
        fail(ex);
        return;
      }
      f.addListener(
          done -> {
            if (done.isSuccess()) {
              Channel ch = f.channel();
              channel = ch;
              log.debug("UDP endpoint bound at {}", ch.localAddress());
              ch.closeFuture().addListener(x -> lost());
              bound.complete(ch);
            } else {
              fail(done.cause());
            }
          });
    }

    /**
     * How many datagrams one receive takes: several on epoll ({@code recvmmsg}, each datagram in a
     * slot of {@code slot} bytes, at most {@value #BATCH_BYTES} bytes in all), one on NIO (which
     * reads one datagram per buffer whatever its size).
     */
    static int batchSize(Class<? extends DatagramChannel> type, int slot) {
      if (!EpollDatagramChannel.class.isAssignableFrom(type)) {
        return 1;
      }
      return Math.max(1, Math.min(MAX_BATCH, BATCH_BYTES / slot));
    }

    private void fail(Throwable cause) {
      forget(this);
      members.clear();
      bound.completeExceptionally(
          new DeviceUnreachableException(
              "cannot bind UDP " + bind + ": " + cause.getMessage(), cause));
    }

    private void lost() {
      forget(this);
      for (UdpLink l : members) {
        l.endpointLost(this);
      }
    }

    CompletableFuture<Void> closeSocket() {
      CompletableFuture<Void> done = new CompletableFuture<>();
      bound.whenComplete(
          (ch, err) -> {
            if (ch == null) {
              done.complete(null);
            } else {
              ch.close().addListener(x -> done.complete(null));
            }
          });
      return done;
    }

    CompletableFuture<Void> send(Datagram d) {
      CompletableFuture<Void> sent = new CompletableFuture<>();
      Channel ch = channel;
      if (ch == null || !ch.isActive()) {
        sent.completeExceptionally(new IllegalStateException("socket closed"));
        return sent;
      }
      ByteBuf buf = Unpooled.wrappedBuffer(d.payload());
      ch.writeAndFlush(new DatagramPacket(buf, d.peer()))
          .addListener(
              f -> {
                if (f.isSuccess()) {
                  sent.complete(null);
                } else {
                  sent.completeExceptionally(f.cause());
                }
              });
      return sent;
    }

    /**
     * Reads the socket: copies every datagram out of Netty's buffer, and hands the datagrams of one
     * read (up to {@value #MAX_READS_PER_WAKE}, flushed every {@value #FLUSH_EVERY}) to each member
     * as one batch: in place to a member whose executor is the socket's event loop, as one task to
     * any other, so that a burst costs a device's executor at most one task rather than one a
     * datagram. While datagrams come fast, the socket is read on a timer instead of on readiness
     * ({@link UdpReadPacer}): the read interest is off ({@code autoRead} false) between the timer's
     * reads.
     */
    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
      static final int FLUSH_EVERY = 64;
      static final int SCRATCH = 16;

      private final int maxDatagram;
      // confined to the channel's event loop
      private List<Datagram> burst = new ArrayList<>();
      // a datagram's bytes are copied here on the way into its Datagram (which copies them again),
      // one array per length modulo SCRATCH: readings of one controller are of few lengths
      private final byte[][] scratch = new byte[SCRATCH][];
      private final UdpReadPacer pacer = new UdpReadPacer(readIntervalNanos, MAX_READS_PER_WAKE);
      private int found;
      private Runnable tick;

      Inbound(int maxDatagram) {
        this.maxDatagram = maxDatagram;
      }

      @Override
      protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        found++;
        ByteBuf content = packet.content();
        if (content.readableBytes() > maxDatagram) {
          long n = oversized.incrementAndGet();
          if (Long.bitCount(n) == 1) {
            log.warn(
                "UDP {}: dropped a datagram over {} bytes from {} ({} so far)",
                bind,
                maxDatagram,
                packet.sender(),
                n);
          }
          return;
        }
        int length = content.readableBytes();
        byte[] bytes = scratch[length % SCRATCH];
        if (bytes == null || bytes.length != length) {
          bytes = new byte[length];
          scratch[length % SCRATCH] = bytes;
        }
        content.getBytes(content.readerIndex(), bytes);
        burst.add(new Datagram(packet.sender(), bytes));
        if (burst.size() >= FLUSH_EVERY) {
          flush();
        }
      }

      @Override
      public void channelReadComplete(ChannelHandlerContext ctx) {
        flush();
        pace(ctx);
        ctx.fireChannelReadComplete();
      }

      private void pace(ChannelHandlerContext ctx) {
        boolean wasTimed = pacer.timed();
        int n = found;
        found = 0;
        if (wasTimed) {
          timedReads++;
        }
        UdpReadPacer.Next next = pacer.afterRead(n, System.nanoTime());
        readsOnTimer = pacer.timed();
        if (next != UdpReadPacer.Next.WAIT) {
          return;
        }
        // no read interest until the timer: what arrives meanwhile waits in the receive buffer
        Channel ch = ctx.channel();
        ch.config().setAutoRead(false);
        if (tick == null) {
          tick =
              () -> {
                if (ch.isOpen()) {
                  ch.config().setAutoRead(true); // the read that follows is a timed one
                }
              };
        }
        ch.eventLoop().schedule(tick, pacer.intervalNanos(), TimeUnit.NANOSECONDS);
      }

      private void flush() {
        if (burst.isEmpty()) {
          return;
        }
        List<Datagram> batch = burst;
        boolean kept = false;
        for (UdpLink l : members) {
          kept |= l.deliver(Endpoint.this, batch);
        }
        if (kept) {
          burst = new ArrayList<>();
        } else {
          batch.clear(); // every member took its datagrams in place
        }
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP port unreachable and the like: a datagram socket stays usable
        log.debug("UDP {}: {}", bind, cause.toString());
      }
    }
  }
}
