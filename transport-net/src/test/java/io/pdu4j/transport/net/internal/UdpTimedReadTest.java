package io.pdu4j.transport.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.LinkRequirements;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The UDP socket read on a timer while datagrams come fast ({@link UdpReadPacer}), over real
 * loopback sockets on each kind of loop: a backlog switches the socket to the timer (its read
 * interest off between the timer's reads), the datagrams that wait meanwhile are read by a timed
 * read, whole and in order, and a timed read that finds little puts the socket back on readiness. A
 * backlog is made by holding the socket's event loop while the datagrams are sent, so that the
 * first read finds them all; nothing here depends on how long anything takes.
 */
class UdpTimedReadTest {
  static {
    org.awaitility.Awaitility.setDefaultPollDelay(Duration.ZERO);
    org.awaitility.Awaitility.setDefaultPollInterval(Duration.ofMillis(1));
  }

  private static final int MAX_DATAGRAM = 100;

  // datagrams sent one at a time at least this far apart: more than the timer's interval, so that
  // their reads never come often enough to switch to the timer
  private static final Duration APART = Duration.ofMillis(5);

  private final UdpEndpoints endpoints = new UdpEndpoints();
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : cleanup) {
      c.close();
    }
    endpoints.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio", "plain"})
  void aBacklogPutsTheSocketOnTheTimerAndALeanTimedReadPutsItBack(String loop) throws Exception {
    UdpLink link = link(executor(loop));
    UdpBurstTest.Recorder r = new UdpBurstTest.Recorder();
    link.open(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
    UdpEndpoints.Endpoint ep = link.endpoint();
    Channel ch = ep.bound.get(5, TimeUnit.SECONDS);
    EventLoop socketLoop = ch.eventLoop();
    int port = link.localAddress().orElseThrow().getPort();
    List<String> expected = new ArrayList<>();
    try (DatagramSocket peer =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      assertThat(onLoop(socketLoop, ep::readsOnTimer)).isFalse();

      // fewer than one read takes, more than switch to the timer: all found by the first read
      int backlog = UdpReadPacer.ENTER_BATCH + 40;
      held(socketLoop, () -> send(peer, port, 0, backlog, expected));
      await().atMost(Duration.ofSeconds(20)).until(() -> r.texts.size() >= expected.size());
      assertThat(onLoop(socketLoop, ep::readsOnTimer)).as("on the timer after a backlog").isTrue();
      assertThat(onLoop(socketLoop, ep::timedReads)).isZero();

      // what arrives now waits for the timer, and its read is a timed one
      send(peer, port, backlog, 2 * backlog, expected);
      await().atMost(Duration.ofSeconds(20)).until(() -> r.texts.size() >= expected.size());
      assertThat(onLoop(socketLoop, ep::timedReads)).isPositive();

      // datagrams one at a time: the timed read that finds one puts the socket back on readiness
      // (the first may still count as one of frequent reads right after the backlog's)
      int next = 2 * backlog;
      for (int i = 0; i < 3 && (i == 0 || onLoop(socketLoop, ep::readsOnTimer)); i++) {
        sendApart(peer, port, next++, expected, r);
      }
      long timed = onLoop(socketLoop, ep::timedReads);
      assertThat(onLoop(socketLoop, ep::readsOnTimer)).as("back on readiness").isFalse();
      assertThat(onLoop(socketLoop, () -> ch.config().isAutoRead())).isTrue();

      // and stays there for datagrams that come one at a time
      for (int i = 0; i < 5; i++) {
        sendApart(peer, port, next++, expected, r);
      }
      assertThat(onLoop(socketLoop, ep::timedReads)).isEqualTo(timed);
      assertThat(onLoop(socketLoop, ep::readsOnTimer)).isFalse();
      assertThat(r.texts).containsExactlyElementsOf(expected);
    }
    assertThat(link.droppedDatagrams()).isZero();
    link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void aLongRunReadOnTheTimerLosesNothingAndKeepsItsOrder(String loop) throws Exception {
    UdpLink link = link(executor(loop));
    Counter r = new Counter();
    link.open(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
    UdpEndpoints.Endpoint ep = link.endpoint();
    EventLoop socketLoop = ep.bound.get(5, TimeUnit.SECONDS).eventLoop();
    int port = link.localAddress().orElseThrow().getPort();
    List<String> expected = new ArrayList<>();
    int total = 20_000;
    // at most this many unread: far less than the 2 MiB receive buffer holds, so none is lost
    int window = 500;
    try (DatagramSocket peer =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      held(socketLoop, () -> send(peer, port, 0, window, expected)); // starts on the timer
      for (int sent = window; sent < total; sent += 100) {
        int next = sent;
        await().atMost(Duration.ofSeconds(20)).until(() -> r.texts.size() >= next + 100 - window);
        send(peer, port, sent, sent + 100, expected);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> r.count() >= total);
      assertThat(r.texts()).containsExactlyElementsOf(expected);
      assertThat(onLoop(socketLoop, ep::timedReads)).isPositive();
    }
    assertThat(link.droppedDatagrams()).isZero();
    assertThat(ep.oversized).hasValue(0);
    link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** Keeps what it hears in a list that grows in place (many datagrams). */
  private static final class Counter implements LinkListener {
    private final List<String> texts = new ArrayList<>();

    @Override
    public void onUp() {}

    @Override
    public synchronized void onDatagram(Datagram d) {
      texts.add(new String(d.payload(), StandardCharsets.US_ASCII));
    }

    @Override
    public void onDown(PowerDeviceException cause) {}

    synchronized int count() {
      return texts.size();
    }

    synchronized List<String> texts() {
      return List.copyOf(texts);
    }
  }

  private interface Io {
    void run() throws Exception;
  }

  /** Runs {@code sends} while the socket's event loop is held, so the socket reads nothing. */
  private static void held(EventLoop loop, Io sends) throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    loop.execute(
        () -> {
          holding.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    try {
      sends.run();
    } finally {
      release.countDown();
    }
  }

  private static <T> T onLoop(EventLoop loop, java.util.concurrent.Callable<T> read)
      throws Exception {
    return loop.submit(read).get(10, TimeUnit.SECONDS);
  }

  /** Sends reading {@code i} alone and waits, at least {@link #APART}, until it was reported. */
  private static void sendApart(
      DatagramSocket peer, int port, int i, List<String> expected, UdpBurstTest.Recorder r)
      throws Exception {
    send(peer, port, i, i + 1, expected);
    await()
        .pollDelay(APART)
        .atMost(Duration.ofSeconds(20))
        .until(() -> r.texts.size() >= expected.size());
  }

  private static void send(DatagramSocket peer, int port, int from, int to, List<String> expected)
      throws Exception {
    for (int i = from; i < to; i++) {
      String text = "reading " + i;
      expected.add(text);
      byte[] b = text.getBytes(StandardCharsets.US_ASCII);
      peer.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
    }
  }

  private ScheduledExecutorService executor(String loop) {
    return TestLoops.executor(loop, cleanup);
  }

  private UdpLink link(ScheduledExecutorService executor) {
    return new UdpLink(
        endpoints,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        new TestContext(
            executor,
            DeviceOptions.defaults(),
            new LinkRequirements(Link.Kind.DATAGRAM, OptionalInt.of(53005), OptionalInt.empty()),
            Map.of()),
        1 << 20,
        MAX_DATAGRAM);
  }
}
