package io.pdu4j.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.AttributeKey;
import io.pdu4j.spi.support.AwaitedReplies;
import io.pdu4j.spi.transport.WriteGate;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CoalescingIoHandler} on a real event loop (epoll where it loads, else NIO) reading a real
 * loopback connection. The window is ten minutes, so that "waits the window" and "polls at once"
 * are told apart by whether bytes arrive within seconds, not by timing.
 */
class CoalescingIoHandlerTest {
  private static final Duration WINDOW = Duration.ofMinutes(10);

  private final LinkedBlockingQueue<String> read = new LinkedBlockingQueue<>();
  private final AtomicReference<CoalescingIoHandler> handler = new AtomicReference<>();
  private MultiThreadIoEventLoopGroup group;
  private ServerSocket server;
  private Socket device;
  private Channel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.close();
    }
    if (device != null) {
      device.close();
    }
    if (server != null) {
      server.close();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private WriteGate gate; // set on the next connection when not null

  /** A loop whose handler batches from {@code minChannels} connections, and one connection. */
  private EventLoop connect(int minChannels) throws Exception {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory plain = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    IoHandlerFactory batching =
        executor -> {
          CoalescingIoHandler h =
              new CoalescingIoHandler(plain.newHandler(executor), WINDOW, minChannels);
          handler.set(h);
          return h;
        };
    group = new MultiThreadIoEventLoopGroup(1, batching);
    server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    Class<? extends SocketChannel> type = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    Bootstrap bootstrap = new Bootstrap();
    if (gate != null) {
      bootstrap.attr(AttributeKey.<WriteGate>valueOf(WriteGate.CHANNEL_ATTRIBUTE), gate);
    }
    channel =
        bootstrap
            .group(group)
            .channel(type)
            .handler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    read.add(b.toString(StandardCharsets.US_ASCII));
                    b.release();
                  }
                })
            .connect(server.getLocalSocketAddress())
            .sync()
            .channel();
    device = server.accept();
    return channel.eventLoop();
  }

  private void deviceSends(String text) throws Exception {
    OutputStream out = device.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private String next() throws InterruptedException {
    String s = read.poll(10, TimeUnit.SECONDS);
    assertThat(s).as("bytes read within 10 s").isNotNull();
    return s;
  }

  /** Runs {@code task} on the loop and waits for it: a task handed over also ends a wait. */
  private static void onLoop(EventLoop loop, Runnable task) throws Exception {
    loop.submit(task).get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBusyLoopReadsWhatCameMeanwhileOnlyAfterTheWindowOrATask() throws Exception {
    EventLoop loop = connect(1);
    // a first read, so that the loop's last poll that found something is known (the connect's
    // own events may still be handled as the test goes on, and read what comes meanwhile)
    deviceSends("x");
    onLoop(loop, () -> {});
    assertThat(next()).isEqualTo("x");
    onLoop(loop, () -> {});
    // what comes now waits for the window
    deviceSends("a");
    assertThat(read.poll(300, TimeUnit.MILLISECONDS)).as("read within the window").isNull();
    deviceSends("b");
    // a task handed to the loop ends the wait at once; the next poll reads both in one go
    onLoop(loop, () -> {});
    StringBuilder got = new StringBuilder(next());
    while (got.length() < 2) {
      got.append(next());
    }
    assertThat(got.toString()).isEqualTo("ab");
  }

  @Test
  void aTaskHandedOverWhileTheLoopReadsDoesNotEndTheNextWindow() throws Exception {
    EventLoop loop = connect(1);
    deviceSends("x");
    onLoop(loop, () -> {});
    assertThat(next()).isEqualTo("x");
    // a task handed over while the loop is busy (here: in a task of its own), run in the same
    // turn: the loop did what it was woken for, and the next window is waited out as any other
    CountDownLatch handedOver = new CountDownLatch(1);
    onLoop(
        loop,
        () -> {
          Thread other = new Thread(() -> loop.execute(handedOver::countDown));
          other.start();
          try {
            other.join();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(handedOver.await(10, TimeUnit.SECONDS)).isTrue();
    onLoop(loop, () -> {});
    deviceSends("a");
    assertThat(read.poll(300, TimeUnit.MILLISECONDS)).as("read within the window").isNull();
  }

  @Test
  void aShutdownEndsTheWait() throws Exception {
    EventLoop loop = connect(1);
    deviceSends("x");
    onLoop(loop, () -> {});
    assertThat(next()).isEqualTo("x");
    AtomicReference<Thread> thread = new AtomicReference<>();
    onLoop(loop, () -> thread.set(Thread.currentThread()));
    // the loop now waits out its ten-minute window, its connection open
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> thread.get().getState() == Thread.State.TIMED_WAITING);
    assertThat(group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS))
        .as("the loop ended within 10 s")
        .isTrue();
  }

  @Test
  void aLoopWhereACommandAwaitsItsReplyPollsAtOnce() throws Exception {
    EventLoop loop = connect(1);
    onLoop(loop, AwaitedReplies::started);
    try {
      deviceSends("OK");
      assertThat(next()).isEqualTo("OK");
      deviceSends("more");
      assertThat(next()).as("a second read, no task in between").isEqualTo("more");
    } finally {
      onLoop(loop, AwaitedReplies::ended);
    }
  }

  @Test
  void aLoopWithFewerConnectionsPollsAtOnce() throws Exception {
    connect(2);
    deviceSends("a");
    assertThat(next()).isEqualTo("a");
    deviceSends("b");
    assertThat(next()).isEqualTo("b");
  }

  @Test
  void aTimerDueWithinTheWindowRunsOnTime() throws Exception {
    EventLoop loop = connect(1);
    CountDownLatch fired = new CountDownLatch(1);
    // scheduled on the loop itself, so that nothing but the timer can end the wait
    onLoop(loop, () -> loop.schedule(fired::countDown, 100, TimeUnit.MILLISECONDS));
    assertThat(fired.await(10, TimeUnit.SECONDS)).as("the timer fired").isTrue();
  }

  @Test
  void connectionsAreCountedUntilTheyClose() throws Exception {
    connect(1);
    assertThat(handler.get().channels()).isEqualTo(1);
    channel.close().sync();
    await().atMost(Duration.ofSeconds(10)).until(() -> handler.get().channels() == 0);
  }

  @Test
  void aConnectionsWriteGateIsOpenWhileItIsRegisteredAndShutBeforeItsSocketCloses()
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Epoll.isAvailable(), "gates are kept for epoll channels, which close after deregistering");
    gate = new WriteGate();
    assertThat(gate.isOpen()).isFalse();
    connect(1);
    assertThat(gate.isOpen()).as("opened at registration").isTrue();
    // a writer inside holds the close until it leaves: the socket stays open meanwhile
    assertThat(gate.enter()).isTrue();
    channel.close();
    Thread.sleep(200);
    assertThat(channel.isOpen()).as("closed while a writer is inside").isTrue();
    gate.leave();
    channel.closeFuture().await(10, TimeUnit.SECONDS);
    assertThat(channel.isOpen()).isFalse();
    assertThat(gate.isOpen()).isFalse();
    assertThat(gate.enter()).isFalse();
  }

  @Test
  void aLoopSleepsAtMostTheLongestSleepTimersOrNot() {
    // deadlines on the loop's clock (Netty's ticker), delays asked with System.nanoTime()
    long now = io.netty.util.concurrent.Ticker.systemTicker().nanoTime();
    long systemNow = System.nanoTime();
    long max = WriteGate.MAX_SLEEP.toNanos();
    CoalescingIoHandler.Capped none = new CoalescingIoHandler.Capped();
    none.context = context(-1);
    // no timer: a deadline on the grid of seconds, one to two seconds ahead
    assertThat(none.deadlineNanos() - now).isBetween(max / 2 - 1_000_000, max);
    assertThat(none.delayNanos(systemNow)).isBetween(max / 2 - 1_000_000, max);
    CoalescingIoHandler.Capped far = new CoalescingIoHandler.Capped();
    far.context = context(now + TimeUnit.MINUTES.toNanos(10));
    assertThat(far.deadlineNanos() - now).isLessThanOrEqualTo(max);
    // a timer due sooner is kept as it is
    CoalescingIoHandler.Capped soon = new CoalescingIoHandler.Capped();
    long due = now + TimeUnit.MILLISECONDS.toNanos(300);
    soon.context = context(due);
    assertThat(soon.deadlineNanos()).isEqualTo(due);
    assertThat(soon.delayNanos(systemNow)).isBetween(due - now - 1_000_000, due - now);
    // the polls of one second ask for the same deadline (Netty then keeps its timer)
    long first = none.deadlineNanos();
    long second = none.deadlineNanos();
    assertThat(second - first).isIn(0L, 1_000_000_000L); // the same, unless a second just turned
  }

  private static io.netty.channel.IoHandlerContext context(long deadline) {
    return new io.netty.channel.IoHandlerContext() {
      @Override
      public boolean canBlock() {
        return true;
      }

      @Override
      public long delayNanos(long currentTimeNanos) {
        return deadline == -1 ? TimeUnit.SECONDS.toNanos(1) : deadline - currentTimeNanos;
      }

      @Override
      public long deadlineNanos() {
        return deadline;
      }
    };
  }
}
