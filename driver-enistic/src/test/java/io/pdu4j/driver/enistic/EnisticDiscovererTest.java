package io.pdu4j.driver.enistic;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.driver.enistic.internal.EnisticCodec;
import io.pdu4j.sim.enistic.EnisticSimulator;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DeviceDiscoverer;
import io.pdu4j.spi.DiscoveryContext;
import io.pdu4j.testkit.TestDiscoveryContext;
import io.pdu4j.transport.net.UdpTransportProvider;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnisticDiscovererTest {
  private final UdpTransportProvider udp = new UdpTransportProvider();
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "discovery-test");
            t.setDaemon(true);
            return t;
          });

  /** Datagram links as the runtime gives them, from the udp transport. */
  private DiscoveryContext context() {
    return new TestDiscoveryContext("enistic", udp, executor);
  }

  @AfterEach
  void releaseTheTransport() {
    udp.close();
    executor.shutdownNow();
  }

  private static final String A = "004A3BB5B04";
  private static final String B = "0000000000AB";

  private static int freeUdpPort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void isFoundByServiceLoader() {
    assertThat(ServiceLoader.load(DeviceDiscoverer.class).stream())
        .anyMatch(p -> p.type() == EnisticDiscoverer.class);
  }

  @Test
  void listsEveryControllerHeardOnceWithAnAddressReadyToOpen() throws Exception {
    int port = freeUdpPort();
    DeviceDiscoverer discoverer = new EnisticDiscoverer();
    CompletionStage<DeviceDiscoverer.Result> result =
        discoverer.discover(
            new DeviceDiscoverer.Request("unused", port, Duration.ofSeconds(2)), context());
    try (EnisticSimulator sim =
            EnisticSimulator.builder()
                .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .rate(20)
                .controller(A, 2, 1, 2)
                .controller(B, 1, 0, 1)
                .otherEventPercent(20)
                .build()
                .start();
        DatagramSocket noise = new DatagramSocket()) {
      byte[] junk = "hello:world\r".getBytes(StandardCharsets.US_ASCII);
      noise.send(
          new DatagramPacket(
              junk, junk.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
      DeviceDiscoverer.Result r = result.toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(sim.datagramsSent()).isPositive();
      assertThat(r.devices())
          .extracting(DeviceDiscoverer.Found::serial)
          .containsExactlyInAnyOrder(A, B);
      assertThat(r.ignored()).isPositive();
      for (DeviceDiscoverer.Found f : r.devices()) {
        assertThat(f.driver()).isEqualTo("enistic");
        DeviceAddress address = DeviceAddress.parse(f.uri());
        assertThat(address.driver()).isEqualTo("enistic");
        assertThat(address.port()).hasValue(port);
        assertThat(address.path()).isEqualTo("/" + f.serial());
        assertThat(new EnisticDriver().requirements(address)).isNotNull();
      }
    }
  }

  @Test
  void nothingHeardIsAnEmptyResult() throws Exception {
    int port = freeUdpPort();
    DeviceDiscoverer.Result r =
        new EnisticDiscoverer()
            .discover(
                new DeviceDiscoverer.Request("unused", port, Duration.ofMillis(300)), context())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(r.devices()).isEmpty();
    assertThat(r.ignored()).isZero();
  }

  @Test
  void aFloodOfMadeUpControllerSerialsListsAtMostMaxFound() throws Exception {
    int port = freeUdpPort();
    CompletionStage<DeviceDiscoverer.Result> result =
        new EnisticDiscoverer()
            .discover(
                new DeviceDiscoverer.Request("unused", port, Duration.ofSeconds(2)), context());
    // rounds of 1000 made-up controllers, 100 ms apart, until the window closes (those sent
    // before the discoverer listens are lost, so one round is not enough)
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      while (!result.toCompletableFuture().isDone()) {
        for (int i = 0; i < 1000; i++) {
          byte[] b =
              String.format("%012X:Reading:0021ED0000041319:5:1:1\r", i)
                  .getBytes(StandardCharsets.US_ASCII);
          s.send(
              new DatagramPacket(
                  b, b.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
        }
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
    DeviceDiscoverer.Result r = result.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(r.devices()).hasSize(EnisticDiscoverer.MAX_FOUND);
    assertThat(r.ignored()).isPositive();
  }

  @Test
  void readingsAreToldApartFromOtherDatagrams() {
    assertThat(
            EnisticDiscoverer.controllers(
                "004A3BB5B04:Reading:0021ED0000041319:94031.992:1:1\r"
                    + "004A3BB5B04:Heartbeat:x\r"
                    + "garbage\r"))
        .containsExactly(A);
    assertThat(EnisticDiscoverer.controllers("A?\n")).isEmpty();
    String reading = "004A3BB5B04:Reading:0021ED0000041319:5:1:1\r";
    assertThat(
            EnisticDiscoverer.controllers(
                reading.repeat(EnisticCodec.MAX_LINES) + "00C0FFEE:Reading:0021ED0000041319:5:1:1"))
        .hasSize(EnisticCodec.MAX_LINES)
        .containsOnly(A);
  }
}
