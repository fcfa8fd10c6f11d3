package io.pdu4j.transport.net.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.AbstractEventExecutor;
import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.transport.LinkLifecycle;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.WriteGate;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP client {@link Link} on Netty.
 *
 * <p>Threading: the link's state lives on the device's executor ({@link
 * TransportContext#executor()}). When that executor is a Netty event loop that can serve TCP
 * channels (epoll or NIO), each connection is registered on exactly that loop and channel events
 * reach the listener with no thread hop. Otherwise the connection runs on a loop of the runtime's
 * group (if offered) or of the provider's own group, and every event is handed to the executor; the
 * inbound bytes waiting for the executor are then bounded by switching reads off while more than
 * {@value #READ_HIGH} bytes wait.
 *
 * <p>Sending from another thread: a short write (a command line) while nothing handed to the loop
 * waits to be written is written to the socket by the sending thread itself, with no hand-off to
 * the loop and no wake-up of it, when the loop keeps the connection's {@link WriteGate} (epoll
 * channels on the runtime's I/O threads): a command a caller sends to an idle device goes out at
 * once. Everything else goes through the loop, in order.
 *
 * <p>Each {@link #open} creates a new channel; events of an old channel are recognised by identity
 * and dropped, which is what makes {@code onDown} happen exactly once per {@code onUp}.
 */
public final class TcpLink implements Link {
  private static final Logger log = LoggerFactory.getLogger(TcpLink.class);

  /** Outbound bytes above which the link reports busy. */
  static final int WRITE_HIGH = 64 * 1024;

  /** Outbound bytes below which the link is writable again. */
  static final int WRITE_LOW = 32 * 1024;

  /** The watermarks of every connection: immutable, one for all (the channel keeps it). */
  private static final WriteBufferWaterMark WATER_MARK =
      new WriteBufferWaterMark(WRITE_LOW, WRITE_HIGH);

  /**
   * The smallest read buffer of a connection on the executor's own loop. Netty sizes each read by
   * the last ones, down to 64 bytes: a unit that answered a few bytes at a time, or pushes a block
   * of about 350 bytes, would have its next block cut into two reads and two hand-overs (a read
   * buffer sized just under the block, the block a few bytes longer), a second system call and a
   * partial line to copy. The read goes into the loop's own buffer ({@link LoopReadBuffer}), or one
   * taken from the pool and given back once the listener returns, so a larger one costs nothing
   * kept; in hand-off mode buffers wait for the executor, and keep Netty's sizes.
   */
  static final int READ_MINIMUM = 2048;

  /**
   * Reads counted as Netty's adaptive sizes of at least {@link #READ_MINIMUM} bytes up to 64 KiB
   * count them, into the loop's own buffer ({@link LoopReadBuffer}): a connection on the executor's
   * own loop hands each chunk to its listener, which is done with it before the loop reads again.
   */
  private static final LoopReadBuffer READS =
      new LoopReadBuffer(
          new AdaptiveRecvByteBufAllocator(READ_MINIMUM, READ_MINIMUM, LoopReadBuffer.CAPACITY));

  /** The longest write a caller's thread makes itself; longer ones go through the loop. */
  static final int DIRECT_MAX = 512;

  private static final AttributeKey<WriteGate> GATE =
      AttributeKey.valueOf(WriteGate.CHANNEL_ATTRIBUTE);

  /** Each writing thread's buffer for the socket (Netty's native write takes direct memory). */
  private static final ThreadLocal<ByteBuffer> DIRECT =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(DIRECT_MAX));

  /** Inbound bytes waiting for the executor above which reading pauses (hand-off mode only). */
  static final int READ_HIGH = 128 * 1024;

  /** Inbound bytes waiting for the executor below which reading resumes. */
  static final int READ_LOW = 32 * 1024;

  private final String host;
  private final int port;
  private final String description;
  private final TransportContext context;
  private final ScheduledExecutorService executor;
  private final TcpResources resources;
  private final Duration connectTimeout;

  /** The executor itself when it is a loop channels can be registered on, else null. */
  private final IoEventLoop ownLoop;

  private final Class<? extends SocketChannel> ownLoopChannel;

  private final LinkLifecycle lifecycle;

  // Confined to the executor.
  private long attempt;
  private ScheduledFuture<?> lookupTimer;
  private Channel channel;

  // Read from any thread.
  private volatile Channel upChannel;
  // writes handed to the loop and not yet done: a caller's thread writes itself only when none
  private final AtomicInteger throughLoop = new AtomicInteger();
  private volatile WriteGate upGate; // the up connection's, with upChannel
  private volatile Channel lastChannel;
  private volatile Handler lastHandler;

  /**
   * Creates a closed link; does no I/O.
   *
   * @param host the host name or address literal
   * @param port the port, 1..65535
   * @param context the device's executor and options
   * @param resources the provider's threads, used when the executor is not a usable Netty loop
   */
  public TcpLink(String host, int port, TransportContext context, TcpResources resources) {
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    this.context = Objects.requireNonNull(context, "context");
    this.resources = Objects.requireNonNull(resources, "resources");
    this.executor = Objects.requireNonNull(context.executor(), "context.executor()");
    this.connectTimeout = context.options().connectTimeout();
    this.description = "tcp://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    Optional<Class<? extends SocketChannel>> cls =
        executor instanceof IoEventLoop loop ? NettyLoops.socketChannelFor(loop) : Optional.empty();
    this.ownLoop = cls.isPresent() ? (IoEventLoop) executor : null;
    this.ownLoopChannel = cls.orElse(null);
    this.lifecycle =
        new LinkLifecycle(description, executor, () -> ownLoop != null && ownLoop.inEventLoop());
  }

  @Override
  public Kind kind() {
    return Kind.STREAM;
  }

  @Override
  public boolean carriesUnsolicited() {
    return true;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public ScheduledExecutorService executor() {
    return executor;
  }

  /** Whether channels are registered on the executor itself (no thread hop). */
  public boolean runsOnExecutorLoop() {
    return ownLoop != null;
  }

  /** Inbound bytes of the latest connection waiting for the executor (for tests). */
  int inboundWaiting() {
    Handler h = lastHandler;
    return h == null ? 0 : h.waiting.get();
  }

  @Override
  public boolean isOpen() {
    return upChannel != null;
  }

  @Override
  public String toString() {
    return "TcpLink[" + description + "]";
  }

  // ---------------------------------------------------------------------------------- open

  @Override
  public CompletionStage<Void> open(LinkListener newListener) {
    return lifecycle.open(newListener, this::doOpen);
  }

  private void doOpen() {
    long current = ++attempt;
    long deadline = System.nanoTime() + connectTimeout.toNanos();
    InetAddress literal = addressLiteral(host);
    if (literal != null) {
      connect(new InetSocketAddress(literal, port), deadline);
      return;
    }
    // A lookup blocks, so it runs on the provider's lookup threads, within the connect timeout.
    lookupTimer =
        executor.schedule(
            () -> {
              if (current == attempt && lifecycle.isOpening() && channel == null) {
                failOpen(
                    new DeviceUnreachableException(
                        cannotConnect("looking up the host timed out after " + millis())));
              }
            },
            connectTimeout.toNanos(),
            TimeUnit.NANOSECONDS);
    CompletableFuture<InetAddress> lookup;
    try {
      lookup = resources.resolve(host);
    } catch (RejectedExecutionException e) {
      failOpen(new DeviceUnreachableException(cannotConnect("too many host lookups pending"), e));
      return;
    }
    lookup.whenComplete(
        (address, error) ->
            lifecycle.execute(() -> resolved(current, address, error, deadline), () -> {}));
  }

  private void resolved(long lookupAttempt, InetAddress address, Throwable error, long deadline) {
    if (lookupAttempt != attempt || !lifecycle.isOpening() || channel != null) {
      return;
    }
    if (error != null) {
      Throwable cause = error instanceof CompletionException ? error.getCause() : error;
      failOpen(new DeviceUnreachableException(cannotConnect(connectFailure(cause)), cause));
      return;
    }
    connect(new InetSocketAddress(address, port), deadline);
  }

  private void connect(InetSocketAddress remote, long deadline) {
    cancelLookupTimer();
    ChannelFuture connected;
    try {
      EventLoop loop;
      Class<? extends SocketChannel> channelClass;
      if (ownLoop != null) {
        loop = ownLoop;
        channelClass = ownLoopChannel;
      } else {
        loop = resources.standaloneLoop(context);
        channelClass = NettyLoops.socketChannelFor(loop).orElseThrow();
      }
      Handler handler = new Handler(ownLoop == null);
      lastHandler = handler;
      // a caller's thread may write this connection's socket itself, if the loop keeps the gate
      // (the runtime's do; see WriteGate): epoll channels on the device's own loop only
      WriteGate gate =
          ownLoop != null && channelClass == EpollSocketChannel.class ? new WriteGate() : null;
      long remainingMillis =
          Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      Bootstrap bootstrap =
          new Bootstrap()
              .group(loop)
              .channel(channelClass)
              .option(
                  ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(remainingMillis, 1 << 30))
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.SO_KEEPALIVE, true)
              .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
              .handler(handler);
      if (ownLoop != null) {
        bootstrap.option(ChannelOption.RECVBUF_ALLOCATOR, READS);
      }
      if (gate != null) {
        bootstrap.attr(GATE, gate);
      }
      connected = bootstrap.connect(remote);
    } catch (RuntimeException e) {
      failOpen(new DeviceUnreachableException(cannotConnect(connectFailure(e)), e));
      return;
    }
    Channel ch = connected.channel();
    channel = ch;
    lastChannel = ch;
    // Success is reported by channelActive, which is ordered with the reads; failure only here.
    connected.addListener(
        (ChannelFutureListener)
            f -> {
              if (!f.isSuccess()) {
                Throwable cause = f.cause();
                lifecycle.execute(() -> connectFailed(ch, cause), () -> {});
              }
            });
  }

  private void connectFailed(Channel ch, Throwable cause) {
    if (ch != channel || !lifecycle.isOpening()) {
      return;
    }
    channel = null;
    failOpen(new DeviceUnreachableException(cannotConnect(connectFailure(cause)), cause));
  }

  private void failOpen(PowerDeviceException error) {
    cancelLookupTimer();
    lifecycle.failOpen(error);
  }

  private void cancelLookupTimer() {
    if (lookupTimer != null) {
      lookupTimer.cancel(false);
      lookupTimer = null;
    }
  }

  private void active(Channel ch) {
    if (ch != channel || !lifecycle.isOpening()) {
      return;
    }
    upGate = ch.hasAttr(GATE) ? ch.attr(GATE).get() : null;
    upChannel = ch;
    log.debug(
        "{} up ({}, local {})", description, ch.getClass().getSimpleName(), ch.localAddress());
    lifecycle.opened();
  }

  // ---------------------------------------------------------------------------------- events

  private void data(Channel ch, ByteBuf buf) {
    try {
      if (ch == upChannel) {
        // the loop's buffer (LoopReadBuffer) is read through its own view, made once; a pooled one
        // through a new view, as the listener holds neither beyond the call
        lifecycle.data(
            LoopReadBuffer.isLoopBuffer(buf)
                ? buf.internalNioBuffer(buf.readerIndex(), buf.readableBytes())
                : buf.nioBuffer());
      }
    } finally {
      buf.release();
    }
  }

  private void inactive(Channel ch, PowerDeviceException reason) {
    if (ch != channel) {
      return;
    }
    channel = null;
    if (lifecycle.isOpening()) {
      failOpen(new DeviceUnreachableException(cannotConnect("connection closed while opening")));
      return;
    }
    upChannel = null;
    upGate = null;
    lifecycle.down(reason);
  }

  // ---------------------------------------------------------------------------------- send

  @Override
  public CompletionStage<Void> send(ByteBuffer data) {
    Objects.requireNonNull(data, "data");
    Channel ch = upChannel;
    if (ch == null) {
      return lifecycle.failed(new LinkLostException(description + ": not connected"));
    }
    if (ch.eventLoop().isShuttingDown()) {
      return lifecycle.failed(new LinkLostException(description + ": transport shut down"));
    }
    if (!ch.isActive()) {
      // closed (peer reset, device restart) before its inactive event reached us: a closed channel
      // is also "not writable", but nothing will ever drain, so it is not busy
      return lifecycle.failed(new LinkLostException(description + ": connection closed"));
    }
    if (!ch.isWritable()) {
      return lifecycle.failed(
          new DeviceBusyException(
              description
                  + ": outbound buffer full ("
                  + ch.bytesBeforeWritable()
                  + " bytes to drain first)"));
    }
    if (!ownLoopNow()) {
      CompletionStage<Void> written = writeNow(ch, data);
      if (written != null) {
        return written;
      }
    }
    int n = data.remaining();
    ByteBuf copy = ch.alloc().directBuffer(n);
    if (data.hasArray()) {
      // a command line is a few bytes in an array: copied straight, without a view of it
      copy.writeBytes(data.array(), data.arrayOffset() + data.position(), n);
    } else {
      copy.writeBytes(data.duplicate());
    }
    return writeThroughLoop(ch, copy);
  }

  /** Hands {@code bytes} to the channel's loop; the stage completes on the executor. */
  private CompletionStage<Void> writeThroughLoop(Channel ch, ByteBuf bytes) {
    throughLoop.incrementAndGet();
    CompletableFuture<Void> stage = new CompletableFuture<>();
    ch.writeAndFlush(bytes)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  throughLoop.decrementAndGet();
                  if (f.isSuccess()) {
                    lifecycle.completeOnExecutor(stage);
                  } else {
                    LinkLostException error =
                        new LinkLostException(
                            description + ": write failed: " + ioFailure(f.cause()), f.cause());
                    lifecycle.execute(
                        () -> stage.completeExceptionally(error),
                        () -> stage.completeExceptionally(error));
                  }
                });
    return stage.minimalCompletionStage();
  }

  private boolean ownLoopNow() {
    return ownLoop == null || ownLoop.inEventLoop();
  }

  /**
   * Writes {@code data} to the connection's socket from the calling thread when nothing handed to
   * the loop waits to be written (so bytes stay in order) and the connection's gate lets it in (no
   * other thread writes this way now, and the socket stays open meanwhile). Null, with nothing
   * written, otherwise: the caller then hands it to the loop. A write that only part of went out (a
   * full socket buffer) hands the rest to the loop, and its stage completes with that.
   */
  private CompletionStage<Void> writeNow(Channel ch, ByteBuffer data) {
    WriteGate gate = upGate;
    if (gate == null
        || !(ch instanceof UnixChannel unix)
        || data.remaining() > DIRECT_MAX
        || throughLoop.get() != 0
        || !gate.enter()) {
      return null;
    }
    try {
      if (ch != upChannel || gate != upGate || throughLoop.get() != 0) {
        return null;
      }
      FileDescriptor fd = unix.fd();
      if (!fd.isOpen()) {
        return null;
      }
      ByteBuffer buf = DIRECT.get();
      buf.clear();
      buf.put(data.duplicate());
      buf.flip();
      int n = buf.remaining();
      int written = fd.write(buf, 0, n);
      if (written <= 0) {
        return null;
      }
      if (written < n) {
        ByteBuf rest = ch.alloc().directBuffer(n - written);
        buf.position(written);
        rest.writeBytes(buf);
        return writeThroughLoop(ch, rest);
      }
    } catch (IOException e) {
      return null; // the loop's write will report what is wrong
    } finally {
      gate.leave();
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    // nothing waits on a write's success but the executor's bookkeeping, which runs it when it next
    // wakes (for the reply) rather than being woken for it now
    completeLazily(done);
    return done.minimalCompletionStage();
  }

  private void completeLazily(CompletableFuture<Void> stage) {
    Runnable done = () -> stage.complete(null);
    try {
      executeUnhurried(done);
    } catch (RejectedExecutionException e) {
      done.run();
    }
  }

  /**
   * At the loop's next wake-up when the up connection's gate allows it ({@link
   * WriteGate#unhurried()}: a loop that opens gates sleeps at most {@link WriteGate#MAX_SLEEP}, and
   * one that reads in batches now is woken, so that it reads the reply at once); else at once.
   */
  @Override
  public void executeUnhurried(Runnable task) {
    WriteGate gate = upGate;
    if (gate != null && gate.unhurried() && ownLoop instanceof AbstractEventExecutor lazy) {
      lazy.lazyExecute(task);
    } else {
      executor.execute(task);
    }
  }

  // ---------------------------------------------------------------------------------- close

  @Override
  public CompletionStage<Void> close() {
    CompletableFuture<Void> stage = new CompletableFuture<>();
    lifecycle.execute(
        () -> doClose(stage),
        () -> {
          // The executor is gone, so nobody can be told; still release the socket.
          Channel last = lastChannel;
          if (last != null) {
            last.close();
          }
          stage.complete(null);
        });
    return stage.minimalCompletionStage();
  }

  private void doClose(CompletableFuture<Void> stage) {
    Channel last = lastChannel;
    attempt++;
    channel = null;
    cancelLookupTimer();
    upChannel = null;
    upGate = null;
    lifecycle.closed();
    if (last == null) {
      stage.complete(null);
      return;
    }
    last.close();
    if (last.closeFuture().isDone() || last.eventLoop().isShutdown()) {
      // Also when the loop is gone: it could no longer notify a listener.
      stage.complete(null);
      return;
    }
    last.closeFuture()
        .addListener((ChannelFutureListener) f -> lifecycle.completeOnExecutor(stage));
  }

  // ---------------------------------------------------------------------------------- threads

  /** One per channel: turns channel events into calls on the executor. */
  private final class Handler extends ChannelInboundHandlerAdapter {
    private final boolean handOff;
    private final AtomicInteger waiting = new AtomicInteger();
    private Throwable failure;

    Handler(boolean handOff) {
      this.handOff = handOff;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Channel ch = ctx.channel();
      lifecycle.execute(() -> active(ch), () -> ch.close());
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf buf)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      Channel ch = ctx.channel();
      if (!handOff) {
        data(ch, buf);
        return;
      }
      int n = buf.readableBytes();
      if (waiting.addAndGet(n) > READ_HIGH && ch.config().isAutoRead()) {
        ch.config().setAutoRead(false);
      }
      lifecycle.execute(
          () -> {
            data(ch, buf);
            consumed(ch, n);
          },
          buf::release);
    }

    /** Called on the executor; resumes reading (on the channel's loop) once the backlog drained. */
    private void consumed(Channel ch, int n) {
      int after = waiting.addAndGet(-n);
      if (after < READ_LOW && after + n >= READ_LOW) {
        try {
          ch.eventLoop()
              .execute(
                  () -> {
                    if (waiting.get() < READ_LOW) {
                      ch.config().setAutoRead(true);
                    }
                  });
        } catch (RejectedExecutionException e) {
          // the loop is shutting down and the channel with it
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (failure == null) {
        failure = cause;
      }
      log.debug("{}: I/O error: {}", description, cause.toString());
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Channel ch = ctx.channel();
      String why = ch.eventLoop().isShuttingDown() ? "transport shut down" : downReason(failure);
      LinkLostException reason = new LinkLostException(description + ": " + why, failure);
      lifecycle.execute(() -> inactive(ch, reason), () -> {});
      ctx.fireChannelInactive();
    }
  }

  // ---------------------------------------------------------------------------------- messages

  private String cannotConnect(String why) {
    return "cannot connect to " + description + ": " + why;
  }

  private String millis() {
    return connectTimeout.toMillis() + " ms";
  }

  /** Why a connection attempt failed, in a few words. */
  String connectFailure(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof ConnectTimeoutException) {
        return "connect timed out after " + millis();
      }
      if (t instanceof UnknownHostException) {
        return "unknown host";
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to host";
      }
      if (t instanceof ConnectException) {
        String m = lower(t.getMessage());
        if (m.contains("refused")) {
          return "connection refused";
        }
        if (m.contains("timed out")) {
          return "connect timed out";
        }
        if (m.contains("unreachable")) {
          return "network unreachable";
        }
        return "connect failed (" + t.getMessage() + ")";
      }
      if (t instanceof ClosedChannelException) {
        return "connection closed while opening";
      }
    }
    return "connect failed (" + cause + ")";
  }

  /** Why an established connection went down: EOF when no error was seen, else the error. */
  static String downReason(Throwable failure) {
    if (failure == null) {
      return "closed by peer";
    }
    return ioFailure(failure);
  }

  static String ioFailure(Throwable failure) {
    if (failure instanceof ClosedChannelException) {
      return "connection closed";
    }
    String m = lower(failure.getMessage());
    if (m.contains("reset")) {
      return "connection reset";
    }
    if (m.contains("broken pipe")) {
      return "connection reset (broken pipe)";
    }
    return "I/O error (" + failure + ")";
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }

  /** The address of an IP literal (no lookup), or null for a host name. */
  private static InetAddress addressLiteral(String host) {
    if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
      return null;
    }
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
