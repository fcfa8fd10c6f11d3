package io.pdu4j.sim.isotek;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Building, starting, closing, and what is left afterwards. */
class SimulatorLifecycleTest {

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private static List<Thread> threadsOf(int port) {
    String prefix = "isotek-sim-" + port + "-";
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
        .toList();
  }

  @Test
  void closeStopsEveryThreadClosesEveryClientAndReleasesThePort() throws Exception {
    IsoTekSimulator sim =
        IsoTekSimulator.builder()
            .pushInterval(Duration.ofMillis(50))
            .udpDiscoveryPort(0)
            .build()
            .start();
    int port = sim.port();
    TestClient first = TestClient.connect(port);
    TestClient second = TestClient.connect(port);
    toClose.add(first);
    toClose.add(second);
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.connectedClients() == 2);
    await().atMost(Duration.ofSeconds(5)).until(() -> first.received().contains("RTC="));
    sim.setReplyLatency(Duration.ofSeconds(30));
    first.sendLine("?"); // leaves a reader thread asleep in the latency
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.commandCount() == 1);

    List<String> names = threadsOf(port).stream().map(Thread::getName).toList();
    assertThat(names)
        .contains(
            "isotek-sim-" + port + "-accept",
            "isotek-sim-" + port + "-push",
            "isotek-sim-" + port + "-udp",
            "isotek-sim-" + port + "-client-1-reader",
            "isotek-sim-" + port + "-client-1-writer",
            "isotek-sim-" + port + "-client-2-reader",
            "isotek-sim-" + port + "-client-2-writer");

    long start = System.nanoTime();
    sim.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

    assertThat(threadsOf(port)).isEmpty();
    assertThat(sim.connectedClients()).isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> first.eof() && second.eof());
    try (ServerSocket again = new ServerSocket()) {
      again.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
    sim.close(); // idempotent
  }

  @Test
  void aClosedSimulatorCannotBeRestartedAndAStartedOneNotStartedTwice() {
    IsoTekSimulator sim = IsoTekSimulator.builder().build();
    toClose.add(sim);
    assertThatThrownBy(sim::port).isInstanceOf(IllegalStateException.class);
    assertThat(sim.describe()).contains("not running", "16 outlets");

    sim.start();
    assertThatThrownBy(sim::start).isInstanceOf(IllegalStateException.class);
    sim.close();
    assertThatThrownBy(sim::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void describeNamesAddressPortAndOutlets() {
    IsoTekSimulator sim = IsoTekSimulator.builder().outlets(8).serialNumber("SN42").build().start();
    toClose.add(sim);

    assertThat(sim.describe())
        .isEqualTo(
            "IsoTek SMART Power simulator on 127.0.0.1:"
                + sim.port()
                + ", 8 outlets, status push every 1 s, serial SN42");
  }

  @Test
  void aPortInUseFailsTheStartWithTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      IsoTekSimulator sim = IsoTekSimulator.builder().tcpPort(taken.getLocalPort()).build();
      toClose.add(sim);
      assertThatThrownBy(sim::start)
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("127.0.0.1");
      assertThat(threadsOf(taken.getLocalPort())).isEmpty();
    }
  }

  @Test
  void clientsBeyondTheLimitAreClosed() {
    IsoTekSimulator sim = IsoTekSimulator.builder().maxClients(1).build().start();
    toClose.add(sim);
    TestClient first = TestClient.connect(sim.port());
    toClose.add(first);
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.connectedClients() == 1);

    TestClient second = TestClient.connect(sim.port());
    toClose.add(second);

    await().atMost(Duration.ofSeconds(5)).until(second::eof);
    assertThat(sim.connectedClients()).isEqualTo(1);
    assertThat(first.eof()).isFalse();
  }

  @Test
  void theClientClosingIsNoticed() {
    IsoTekSimulator sim = IsoTekSimulator.builder().build().start();
    toClose.add(sim);
    TestClient client = TestClient.connect(sim.port());
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.connectedClients() == 1);

    client.close();

    await().atMost(Duration.ofSeconds(5)).until(() -> sim.connectedClients() == 0);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> threadsOf(sim.port()).stream().noneMatch(t -> t.getName().contains("client")));
  }

  @Test
  void udpDiscoveryAnswersTheAddressLine() throws Exception {
    IsoTekSimulator sim =
        IsoTekSimulator.builder()
            .udpDiscoveryPort(0)
            .serialNumber("ISO0001")
            .mac("00:11:22:33:44:55")
            .build()
            .start();
    toClose.add(sim);
    int udpPort = sim.udpPort().orElseThrow();

    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.setSoTimeout(5000);
      byte[] ask = "A?".getBytes(ISO_8859_1);
      socket.send(new DatagramPacket(ask, ask.length, InetAddress.getLoopbackAddress(), udpPort));
      DatagramPacket answer = new DatagramPacket(new byte[512], 512);
      socket.receive(answer);

      assertThat(new String(answer.getData(), 0, answer.getLength(), ISO_8859_1))
          .isEqualTo("A=ISO0001|00:11:22:33:44:55|127.0.0.1|" + sim.port() + "|0.0.0.0|0|\n");
    }
    assertThat(sim.describe()).contains("UDP discovery on " + udpPort);
  }

  @Test
  void withoutUdpDiscoveryThereIsNoUdpPort() {
    IsoTekSimulator sim = IsoTekSimulator.builder().build().start();
    toClose.add(sim);

    assertThat(sim.udpPort()).isEmpty();
  }

  @Test
  void theClockStartsAtHostTimeByDefault() {
    LocalDateTime before = LocalDateTime.now().withNano(0);
    IsoTekSimulator sim = IsoTekSimulator.builder().build();
    toClose.add(sim);

    assertThat(sim.deviceClock()).isBetween(before, LocalDateTime.now().plusSeconds(1));
  }

  @Test
  void builderRejectsBadArgumentsWithTheReason() {
    IsoTekSimulator.Builder b = IsoTekSimulator.builder();
    assertThatThrownBy(() -> b.outlets(12))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("outlets must be 8 or 16 (the IsoTek models), was 12");
    assertThatThrownBy(() -> b.tcpPort(70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tcpPort must be 0..65535");
    assertThatThrownBy(() -> b.pushInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 10 ms");
    assertThatThrownBy(() -> b.serialNumber("A|B"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without '|'");
    assertThatThrownBy(() -> b.errorReply(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("errorReply");
    assertThatThrownBy(() -> b.outletConfig(1, "Too long name", 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 8 characters");
    assertThatThrownBy(() -> b.outletConfig(1, "ok", 4, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outlet type must be 1");
    assertThatThrownBy(() -> b.loadWatts(17, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("outlet must be 1..16, was 17");
    assertThatThrownBy(() -> b.bindAddress(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IsoTekSimulator.builder().outlets(8).loadWatts(9, 10).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("outlet 9 is configured but the unit has only 8 outlets");
  }

  @Test
  void observersRejectOutletsOutOfRange() {
    IsoTekSimulator sim = IsoTekSimulator.builder().outlets(8).build();
    toClose.add(sim);

    assertThatThrownBy(() -> sim.outletState(9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("outlet must be 1..8, was 9");
    assertThatThrownBy(() -> sim.setLoadWatts(1, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sim.setReplyLatency(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
