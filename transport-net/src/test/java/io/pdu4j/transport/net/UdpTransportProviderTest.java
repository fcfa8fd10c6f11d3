package io.pdu4j.transport.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.transport.TransportProvider;
import io.pdu4j.transport.net.internal.TestContext;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UdpTransportProviderTest {
  private static final LinkRequirements DATAGRAM =
      new LinkRequirements(Link.Kind.DATAGRAM, OptionalInt.of(53005), OptionalInt.empty());

  private final ScheduledExecutorService plain = Executors.newSingleThreadScheduledExecutor();
  private final MultiThreadIoEventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final UdpTransportProvider provider = new UdpTransportProvider();
  private final DatagramSocket peer = openPeer();

  private static DatagramSocket openPeer() {
    try {
      return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (SocketException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void tearDown() {
    peer.close();
    provider.close();
    plain.shutdownNow();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private TestContext context(ScheduledExecutorService executor) {
    return new TestContext(executor, DeviceOptions.defaults(), DATAGRAM, Map.of());
  }

  private static int freePort() throws SocketException {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private Link link(int port, ScheduledExecutorService executor) {
    return provider.create(
        DeviceAddress.parse("enistic:udp://127.0.0.1:" + port + "/1"), context(executor));
  }

  private void sendTo(int port, String text) throws Exception {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    peer.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
  }

  static final class Recorder implements LinkListener {
    final List<String> texts = new CopyOnWriteArrayList<>();
    final List<Datagram> datagrams = new CopyOnWriteArrayList<>();
    final List<PowerDeviceException> downs = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    volatile int ups;

    @Override
    public void onUp() {
      ups++;
    }

    @Override
    public void onDatagram(Datagram d) {
      threads.add(Thread.currentThread());
      datagrams.add(d);
      texts.add(new String(d.payload(), StandardCharsets.US_ASCII));
    }

    @Override
    public void onDown(PowerDeviceException cause) {
      downs.add(cause);
    }
  }

  @Test
  void isFoundByServiceLoaderNextToTcp() {
    assertThat(ServiceLoader.load(TransportProvider.class))
        .extracting(TransportProvider::scheme)
        .contains("tcp", "udp");
    assertThat(provider.optionNames()).contains("rcvbuf");
  }

  @Test
  void createsAClosedDatagramLinkOnTheWildcardByDefault() {
    Link link = provider.create(DeviceAddress.parse("enistic:udp:///X"), context(plain));
    assertThat(link.kind()).isEqualTo(Link.Kind.DATAGRAM);
    assertThat(link.carriesUnsolicited()).isTrue();
    assertThat(link.isOpen()).isFalse();
    assertThat(link.describe()).isEqualTo("udp://0.0.0.0:53005");
  }

  @Test
  void refusesHostNamesAndBadOptions() {
    assertThatThrownBy(
            () ->
                provider.create(DeviceAddress.parse("enistic:udp://example.com/1"), context(plain)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("IP address");
    assertThatThrownBy(
            () ->
                provider.create(
                    DeviceAddress.parse("enistic:udp://127.0.0.1:5/1?rcvbuf=12"), context(plain)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("rcvbuf");
  }

  @Test
  void receivesDatagramsWithTheirSenderOnTheLinksExecutor() throws Exception {
    int port = freePort();
    Link link = link(port, group.next());
    Recorder r = new Recorder();
    link.open(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(link.isOpen()).isTrue();
    assertThat(r.ups).isEqualTo(1);

    sendTo(port, "hello");

    await().atMost(Duration.ofSeconds(5)).until(() -> r.datagrams.size() == 1);
    assertThat(r.texts).containsExactly("hello");
    assertThat(r.datagrams.get(0).peer()).isEqualTo(peer.getLocalSocketAddress());
    assertThat(((java.util.concurrent.ExecutorService) link.executor()).isShutdown()).isFalse();
    link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(r.downs).singleElement().isInstanceOf(DeviceClosedException.class);
  }

  @Test
  void sendsUnicastDatagrams() throws Exception {
    int port = freePort();
    Link link = link(port, plain);
    link.open(new Recorder()).toCompletableFuture().get(5, TimeUnit.SECONDS);

    link.send(new Datagram((InetSocketAddress) peer.getLocalSocketAddress(), "cmd;".getBytes()))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);

    DatagramPacket p = new DatagramPacket(new byte[100], 100);
    peer.setSoTimeout(5000);
    peer.receive(p);
    assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII))
        .isEqualTo("cmd;");
    assertThat(p.getPort()).isEqualTo(port);
    link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void twoLinksShareOnePortEachGetsEveryDatagramAndTheLastCloseReleasesIt() throws Exception {
    int port = freePort();
    Link a = link(port, group.next());
    Link b = link(port, plain);
    Recorder ra = new Recorder();
    Recorder rb = new Recorder();
    a.open(ra).toCompletableFuture().get(5, TimeUnit.SECONDS);
    b.open(rb).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(provider.openSockets()).isEqualTo(1);

    sendTo(port, "one");
    await().atMost(Duration.ofSeconds(5)).until(() -> ra.texts.size() == 1 && rb.texts.size() == 1);
    assertThat(rb.threads).allMatch(t -> !t.getName().startsWith("nioEventLoop"));

    a.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(ra.downs).hasSize(1);
    assertThat(rb.downs).isEmpty();
    sendTo(port, "two");
    await().atMost(Duration.ofSeconds(5)).until(() -> rb.texts.size() == 2);
    assertThat(rb.texts).containsExactly("one", "two");
    assertThat(ra.texts).containsExactly("one");
    assertThat(provider.openSockets()).isEqualTo(1);

    b.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(provider.openSockets()).isZero();
    // a plain socket without SO_REUSEADDR can bind only when nobody holds the port; a NIO channel
    // registered with a selector releases its port at the loop's next select, hence the wait
    await()
        .atMost(Duration.ofSeconds(5))
        .ignoreExceptions()
        .until(
            () -> {
              try (DatagramSocket s = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort() == port;
              }
            });
  }

  /** Port 0: each link binds a free port of its own, sends from it and gets the answers there. */
  @Test
  void portZeroGivesEachLinkAFreePortOfItsOwn() throws Exception {
    Link a = link(0, group.next());
    Link b = link(0, group.next());
    Recorder ra = new Recorder();
    Recorder rb = new Recorder();
    a.open(ra).toCompletableFuture().get(5, TimeUnit.SECONDS);
    b.open(rb).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(provider.openSockets()).isEqualTo(2);
    int portA =
        ((io.pdu4j.transport.net.internal.UdpLink) a).localAddress().orElseThrow().getPort();
    int portB =
        ((io.pdu4j.transport.net.internal.UdpLink) b).localAddress().orElseThrow().getPort();
    assertThat(portA).isPositive().isNotEqualTo(portB);

    a.send(
            new Datagram(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), peer.getLocalPort()),
                "A?".getBytes(StandardCharsets.US_ASCII)))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    byte[] buf = new byte[16];
    DatagramPacket request = new DatagramPacket(buf, buf.length);
    peer.setSoTimeout(5000);
    peer.receive(request);
    assertThat(request.getPort()).isEqualTo(portA);
    sendTo(portA, "answer");
    await().atMost(Duration.ofSeconds(5)).until(() -> ra.texts.size() == 1);
    assertThat(ra.texts).containsExactly("answer");
    assertThat(rb.texts).isEmpty();

    a.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
    b.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(provider.openSockets()).isZero();
  }

  @Test
  void aLinkCanBeOpenedAgainAfterClose() throws Exception {
    int port = freePort();
    Link link = link(port, plain);
    Recorder r = new Recorder();
    link.open(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
    link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
    link.open(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
    sendTo(port, "again");
    await().atMost(Duration.ofSeconds(5)).until(() -> r.texts.contains("again"));
    link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void dropsOversizedDatagrams() throws Exception {
    int port = freePort();
    Link link =
        provider.create(
            DeviceAddress.parse("enistic:udp://127.0.0.1:" + port + "/1?max-datagram=64"),
            context(plain));
    Recorder r = new Recorder();
    link.open(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
    sendTo(port, "x".repeat(65));
    sendTo(port, "y".repeat(64));
    await().atMost(Duration.ofSeconds(5)).until(() -> r.texts.size() == 1);
    assertThat(r.texts).containsExactly("y".repeat(64));
    link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void sendOnAClosedLinkFails() {
    Link link = link(1, plain);
    assertThatThrownBy(
            () ->
                link.send(
                        new Datagram(
                            (InetSocketAddress) peer.getLocalSocketAddress(), new byte[] {1}))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(io.pdu4j.api.LinkLostException.class);
  }
}
