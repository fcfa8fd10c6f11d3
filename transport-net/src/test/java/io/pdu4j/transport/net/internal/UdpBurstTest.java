package io.pdu4j.transport.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Datagrams read in batches (several per {@code recvmmsg} on epoll, one task per read for the
 * device's executor) arrive as they did one by one: every one, in order, with its sender, the
 * over-long ones dropped wherever they fall in a batch; and those waiting for a stuck executor stay
 * bounded.
 */
class UdpBurstTest {
  private static final int MAX_DATAGRAM = 100;

  private final UdpEndpoints endpoints = new UdpEndpoints();
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : cleanup) {
      c.close();
    }
    endpoints.close();
  }

  @Test
  void epollTakesSeveralDatagramsPerReceiveNioOne() {
    assertThat(UdpEndpoints.Endpoint.batchSize(EpollDatagramChannel.class, 2049)).isEqualTo(31);
    assertThat(UdpEndpoints.Endpoint.batchSize(EpollDatagramChannel.class, 101))
        .isEqualTo(UdpEndpoints.MAX_BATCH);
    assertThat(UdpEndpoints.Endpoint.batchSize(EpollDatagramChannel.class, 65_508)).isEqualTo(1);
    assertThat(UdpEndpoints.Endpoint.batchSize(NioDatagramChannel.class, 2049)).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio", "plain"})
  void aBurstArrivesWholeInOrderWithItsSenderOverLongOnesDropped(String loop) throws Exception {
    ScheduledExecutorService executor = executor(loop);
    UdpLink link = link(executor);
    Recorder r = new Recorder();
    link.open(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
    int port = link.localAddress().orElseThrow().getPort();
    List<String> expected = new ArrayList<>();
    try (DatagramSocket peer =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      for (int i = 0; i < 1000; i++) {
        String text;
        if (i % 97 == 5) {
          text = "x".repeat(MAX_DATAGRAM + 1 + i % 3); // over-long: dropped
        } else {
          // lengths that repeat, and that share the reader's copy buffers (by length mod 16)
          text =
              i % 10 == 0
                  ? "y".repeat(MAX_DATAGRAM - 4) + i % 10 + "end"
                  : "reading " + i + "-".repeat(i % 40);
          expected.add(text);
        }
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        peer.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> r.texts.size() >= expected.size());
      assertThat(r.texts).containsExactlyElementsOf(expected);
      assertThat(r.datagrams).allMatch(d -> d.peer().equals(peer.getLocalSocketAddress()));
    }
    assertThat(link.droppedDatagrams()).isZero();
    link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio", "plain"})
  void onTheSocketsOwnLoopDatagramsReachTheListenerWithinTheReadNotAsATask(String loop)
      throws Exception {
    ScheduledExecutorService executor = executor(loop);
    UdpLink link = link(executor);
    Recorder r = new Recorder();
    link.open(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
    int port = link.localAddress().orElseThrow().getPort();
    try (DatagramSocket peer =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      for (int i = 0; i < 200; i++) {
        byte[] b = ("reading " + i).getBytes(StandardCharsets.US_ASCII);
        peer.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> r.texts.size() >= 200);
    }
    assertThat(r.texts).hasSize(200);
    // a plain executor is not the socket's thread: its datagrams still come as tasks
    assertThat(r.withinRead).containsOnly(!loop.equals("plain"));
    link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void datagramsWaitingForAStuckExecutorAreBoundedAndCounted() throws Exception {
    ScheduledExecutorService executor = executor("plain");
    UdpLink link = link(executor);
    Recorder r = new Recorder();
    link.open(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
    UdpEndpoints.Endpoint endpoint =
        endpoints
            .acquire(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                link(executor),
                context(executor),
                1 << 20,
                MAX_DATAGRAM)
            .get(5, TimeUnit.SECONDS);
    CountDownLatch stuck = new CountDownLatch(1);
    executor.execute(
        () -> {
          try {
            stuck.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    InetSocketAddress from = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
    List<Datagram> batch = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      batch.add(new Datagram(from, ("d" + i).getBytes(StandardCharsets.US_ASCII)));
    }
    // the link's own endpoint is not this one: the datagrams are counted, bounded, then ignored
    for (int i = 0; i < 5; i++) {
      link.deliver(endpoint, batch);
    }
    assertThat(link.droppedDatagrams()).isEqualTo(5000 - UdpLink.MAX_PENDING);
    stuck.countDown();
    executor.submit(() -> {}).get(5, TimeUnit.SECONDS); // the batches queued before it have run
    link.deliver(endpoint, batch.subList(0, 10));
    assertThat(link.droppedDatagrams()).as("room again once the executor ran").isEqualTo(904);
    assertThat(r.texts).isEmpty();
    link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private ScheduledExecutorService executor(String loop) {
    return TestLoops.executor(loop, cleanup);
  }

  private static TestContext context(ScheduledExecutorService executor) {
    return new TestContext(
        executor,
        DeviceOptions.defaults(),
        new LinkRequirements(Link.Kind.DATAGRAM, OptionalInt.of(53005), OptionalInt.empty()),
        Map.of());
  }

  private UdpLink link(ScheduledExecutorService executor) {
    return new UdpLink(
        endpoints,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        context(executor),
        1 << 20,
        MAX_DATAGRAM);
  }

  static final class Recorder implements LinkListener {
    final List<String> texts = new CopyOnWriteArrayList<>();
    final List<Datagram> datagrams = new CopyOnWriteArrayList<>();
    // whether each datagram came within the socket's read (its handler is on the stack)
    final List<Boolean> withinRead = new CopyOnWriteArrayList<>();

    @Override
    public void onUp() {}

    @Override
    public void onDatagram(Datagram d) {
      datagrams.add(d);
      withinRead.add(
          StackWalker.getInstance()
              .walk(
                  frames ->
                      frames.anyMatch(
                          f ->
                              f.getClassName()
                                  .equals(UdpEndpoints.class.getName() + "$Endpoint$Inbound"))));
      texts.add(new String(d.payload(), StandardCharsets.US_ASCII));
    }

    @Override
    public void onDown(PowerDeviceException cause) {}
  }
}
