package io.pdu4j.driver.isotek;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.driver.isotek.internal.IsoTekDiscoveryAnswers;
import io.pdu4j.sim.isotek.IsoTekSimulator;
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
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** UDP discovery, on loopback only (127.0.0.1 stands in for the broadcast address). */
class IsoTekDiscovererTest {
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
    return new TestDiscoveryContext("isotek", udp, executor);
  }

  @AfterEach
  void releaseTheTransport() {
    udp.close();
    executor.shutdownNow();
  }

  private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 501);

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void readsTheAnswerOfTheDocument() {
    // A=SerialNum|MAC|ServerIP1|ServerPort1|ServerIP2|ServerPort2|
    Optional<DeviceDiscoverer.Found> d =
        IsoTekDiscoveryAnswers.parse(
            FROM, bytes("A=IT000123|00:1E:C0:11:22:33|192.168.1.20|501|0.0.0.0|0|\r\n"));
    assertThat(d)
        .contains(
            new DeviceDiscoverer.Found(
                "isotek",
                "isotek:tcp://127.0.0.1:501",
                "IT000123",
                Optional.of("00:1E:C0:11:22:33")));
    assertThat(IsoTekDiscoveryAnswers.parse(FROM, bytes("A=IT1|MAC|1.2.3.4|5010|")).orElseThrow())
        .extracting(DeviceDiscoverer.Found::uri)
        .isEqualTo("isotek:tcp://127.0.0.1:5010");
    assertThat(IsoTekDiscoveryAnswers.parse(FROM, bytes("A=IT1|MAC|1.2.3.4|99999|")).orElseThrow())
        .extracting(DeviceDiscoverer.Found::uri)
        .isEqualTo("isotek:tcp://127.0.0.1:501");
  }

  @Test
  void countsAndIgnoresForeignAndMalformedDatagramsAndDeduplicates() {
    IsoTekDiscoveryAnswers answers = new IsoTekDiscoveryAnswers();
    assertThat(answers.accept(FROM, bytes("A=S1|M1|x|501|"))).isPresent();
    assertThat(answers.accept(FROM, bytes("A=S1|M1|x|501|"))).isEmpty();
    answers.accept(FROM, bytes("hello"));
    answers.accept(FROM, bytes("A="));
    answers.accept(FROM, bytes("A=S2\u0000|M|"));
    answers.accept(FROM, new byte[600]);
    answers.accept(FROM, new byte[0]);
    assertThat(answers.accept(FROM, bytes("A=S2|M2|x|501|"))).isPresent();
    assertThat(answers.result().devices())
        .extracting(DeviceDiscoverer.Found::serial)
        .containsExactly("S1", "S2");
    assertThat(answers.result().ignored()).isEqualTo(5);
  }

  @Test
  void keepsAtMostMaxFoundUnitsAndCountsTheRestAsIgnored() {
    IsoTekDiscoveryAnswers answers = new IsoTekDiscoveryAnswers();
    for (int i = 0; i < IsoTekDiscoveryAnswers.MAX_FOUND + 10; i++) {
      answers.accept(FROM, bytes("A=S" + i + "|M" + i + "|x|501|"));
    }
    assertThat(answers.result().devices()).hasSize(IsoTekDiscoveryAnswers.MAX_FOUND);
    assertThat(answers.result().ignored()).isEqualTo(10);
    assertThat(answers.accept(FROM, bytes("A=S0|M0|x|501|"))).as("a unit kept, again").isEmpty();
    assertThat(answers.result().ignored()).isEqualTo(10);
  }

  @Test
  void isFoundThroughTheServiceLoader() {
    assertThat(ServiceLoader.load(DeviceDiscoverer.class).stream().map(p -> p.get().driver()))
        .contains("isotek");
  }

  @Test
  void findsTheSimulatorOnLoopbackWithAnAddressThatOpens() throws Exception {
    try (IsoTekSimulator sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .udpDiscoveryPort(0)
            .serialNumber("DISC-1")
            .build()
            .start()) {
      DeviceDiscoverer.Result r =
          new IsoTekDiscoverer()
              .discover(
                  new DeviceDiscoverer.Request(
                      "127.0.0.1", sim.udpPort().getAsInt(), Duration.ofMillis(600)),
                  context())
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);
      // asked twice, answered twice, listed once
      assertThat(r.devices()).hasSize(1);
      DeviceDiscoverer.Found d = r.devices().get(0);
      assertThat(d.serial()).isEqualTo("DISC-1");
      assertThat(d.uri()).isEqualTo("isotek:tcp://127.0.0.1:" + sim.port());
      assertThat(d.mac()).isPresent();
      assertThat(sim.commandsReceived()).isEmpty();
    }
  }

  @Test
  void ignoresAForeignResponderButKeepsTheRealAnswer() throws Exception {
    try (DatagramSocket fake = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      Thread responder =
          new Thread(
              () -> {
                try {
                  byte[] buf = new byte[64];
                  DatagramPacket p = new DatagramPacket(buf, buf.length);
                  fake.receive(p);
                  for (String s : new String[] {"garbage", "A=FAKE|MAC|x|7000|"}) {
                    byte[] out = bytes(s);
                    fake.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                  }
                } catch (java.io.IOException e) {
                  // closed
                }
              });
      responder.setDaemon(true);
      responder.start();
      DeviceDiscoverer.Result r =
          new IsoTekDiscoverer()
              .discover(
                  new DeviceDiscoverer.Request(
                      "127.0.0.1", fake.getLocalPort(), Duration.ofMillis(400)),
                  context())
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);
      assertThat(r.devices())
          .extracting(DeviceDiscoverer.Found::uri)
          .containsExactly("isotek:tcp://127.0.0.1:7000");
      assertThat(r.ignored()).isEqualTo(1);
    }
  }
}
