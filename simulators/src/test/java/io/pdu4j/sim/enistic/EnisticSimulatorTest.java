package io.pdu4j.sim.enistic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnisticSimulatorTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private DatagramSocket listener() throws Exception {
    DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    s.setSoTimeout(200);
    closeables.add(s);
    return s;
  }

  private EnisticSimulator start(DatagramSocket listener, EnisticSimulator.Builder b) {
    EnisticSimulator sim =
        b.target((InetSocketAddress) listener.getLocalSocketAddress()).rate(50).build().start();
    closeables.add(sim);
    return sim;
  }

  private static List<String> receive(DatagramSocket s, int count) throws Exception {
    List<String> lines = new ArrayList<>();
    byte[] buf = new byte[2048];
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (lines.size() < count && System.nanoTime() < end) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        s.receive(p);
      } catch (SocketTimeoutException e) {
        continue;
      }
      lines.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
    }
    return lines;
  }

  private static void command(EnisticSimulator sim, String text) throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      byte[] b = text.getBytes(StandardCharsets.US_ASCII);
      s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), sim.controlPort()));
    }
  }

  @Test
  void sendsCrTerminatedReadingsForSocketsAndMeterChannels() throws Exception {
    DatagramSocket l = listener();
    EnisticSimulator sim = start(l, EnisticSimulator.builder().sockets(2).meters(1).channels(3));
    List<String> got = receive(l, 10);
    assertThat(got).allMatch(s -> s.endsWith("\r"));
    String socket = sim.socketSerials("004A3BB5B04").get(0);
    String meter = sim.meterSerials("004A3BB5B04").get(0);
    assertThat(got)
        .anyMatch(s -> s.matches("004A3BB5B04:Reading:" + socket + ":\\d+\\.\\d{3}:1:1\r"))
        .anyMatch(s -> s.matches("004A3BB5B04:Reading:" + meter + ":\\d+\\.\\d{3}:3:0\r"));
  }

  @Test
  void floodsReadingsOfDistinctUnknownSerialsTwentyFiveToADatagram() throws Exception {
    DatagramSocket l = listener();
    EnisticSimulator sim = start(l, EnisticSimulator.builder().controller("00AB12", 0, 0, 1));
    assertThat(sim.sendUnknownSerials("00AB12", 0x10, 60)).isEqualTo(3);
    List<String> got = receive(l, 3);
    assertThat(got).hasSize(3);
    assertThat(got.get(0).split("\r")).hasSize(25);
    assertThat(got.get(2).split("\r")).hasSize(10);
    List<String> lines = got.stream().flatMap(d -> java.util.Arrays.stream(d.split("\r"))).toList();
    assertThat(lines).hasSize(60).doesNotHaveDuplicates();
    assertThat(lines).allMatch(x -> x.matches("00AB12:Reading:FFEE[0-9A-F]{12}:1\\.500:1:1"));
    assertThat(lines.get(0)).isEqualTo("00AB12:Reading:FFEE000000000010:1.500:1:1");
    assertThat(lines.get(59)).isEqualTo("00AB12:Reading:FFEE00000000004B:1.500:1:1");
    assertThat(got).allMatch(d -> d.length() < 2048);
  }

  @Test
  void obeysCommandsForItsSocketsWithEitherPolarity() throws Exception {
    DatagramSocket l = listener();
    EnisticSimulator sim = start(l, EnisticSimulator.builder().sockets(1).meters(0));
    String socket = sim.socketSerials("004A3BB5B04").get(0);
    command(sim, "004A3BB5B04,0," + socket + ";");
    await().until(() -> sim.socketOn(socket).orElseThrow() == false);
    command(sim, "FFFFFFFFFFFF,1," + socket.toLowerCase(java.util.Locale.ROOT) + ";");
    await().until(() -> sim.socketOn(socket).orElseThrow());

    DatagramSocket l2 = listener();
    EnisticSimulator inverted =
        start(l2, EnisticSimulator.builder().sockets(1).meters(0).invertedPolarity(true));
    command(inverted, "004A3BB5B04,1," + socket + ";");
    await().until(() -> inverted.socketOn(socket).orElseThrow() == false);
  }

  @Test
  void ignoresCommandsForForeignControllersSocketsAndGarbage() throws Exception {
    DatagramSocket l = listener();
    EnisticSimulator sim =
        start(
            l, EnisticSimulator.builder().controller("00AA", 1, 0, 1).controller("00BB", 1, 0, 1));
    String a = sim.socketSerials("00AA").get(0);
    command(sim, "00BB,0," + a + ";"); // not joined to 00BB
    command(sim, "00AA,0,0021ED0000999999;");
    command(sim, "garbage;00AA,2," + a + ";");
    await().until(() -> sim.commandsReceived() == 4);
    assertThat(sim.commandsObeyed()).isZero();
    assertThat(sim.socketOn(a)).contains(true);
  }

  @Test
  void mixesInOtherEventsMalformedLinesAndForgedReadings() throws Exception {
    DatagramSocket l = listener();
    start(
        l,
        EnisticSimulator.builder()
            .sockets(1)
            .meters(0)
            .otherEventPercent(50)
            .malformedPercent(30)
            .forgedController("BAD"));
    List<String> got = receive(l, 60);
    assertThat(got)
        .anyMatch(s -> s.contains(":Heartbeat:"))
        .anyMatch(s -> s.contains("x.y"))
        .anyMatch(s -> s.startsWith("BAD:Reading:"));
  }

  @Test
  void validatesTheBuilderAndClosesIdempotently() throws Exception {
    assertThatThrownBy(() -> EnisticSimulator.builder().lossPercent(101))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EnisticSimulator.builder().controller("XYZ", 1, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    DatagramSocket l = listener();
    EnisticSimulator sim =
        EnisticSimulator.builder()
            .target((InetSocketAddress) l.getLocalSocketAddress())
            .build()
            .start();
    sim.close();
    sim.close();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("enistic-sim-") && t.isAlive());
  }
}
