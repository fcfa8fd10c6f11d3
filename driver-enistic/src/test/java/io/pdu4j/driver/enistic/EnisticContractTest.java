package io.pdu4j.driver.enistic;

import io.pdu4j.api.PowerDevice;
import io.pdu4j.sim.enistic.EnisticSimulator;
import io.pdu4j.testkit.PowerDriverContractTest;
import io.pdu4j.transport.net.UdpTransportProvider;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Enistic driver over loopback UDP against its simulator, checked by the testkit's driver
 * contract. The controller only broadcasts readings and obeys commands: {@code refresh()} answers
 * from the readings heard, a switch is the command the device must confirm (by a reading), and
 * "silent" is a controller whose datagrams are all lost. The protocol has no rejection and no
 * connection, so those two checks are skipped.
 */
class EnisticContractTest extends PowerDriverContractTest {
  private static final String CONTROLLER = "004A3BB5B04";

  private EnisticSimulator sim;
  private int port;

  @Override
  protected PowerDevice openDevice() throws Exception {
    port = freePort();
    sim =
        EnisticSimulator.builder()
            .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .controller(CONTROLLER, 3, 1, 3)
            .rate(20)
            .build()
            .start();
    PowerDevice device =
        open(
            new EnisticDriver(),
            new UdpTransportProvider(),
            "enistic:udp://127.0.0.1:"
                + port
                + "/"
                + CONTROLLER
                + "?timeout=1500ms&send=127.0.0.1:"
                + sim.controlPort()
                + "&meters="
                + String.join(",", sim.meterSerials(CONTROLLER)));
    // open() does not wait for readings; refresh() completes once the outlets have settled
    device.refresh().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return device;
  }

  private static int freePort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  protected void stopSimulator() {
    sim.close();
  }

  @Override
  protected boolean refreshAsksTheDevice() {
    return false;
  }

  private String socket(int outlet) {
    return device().outlet(outlet).id();
  }

  @Override
  protected boolean simulatorOutletState(int outlet) {
    return sim.socketOn(socket(outlet)).orElseThrow();
  }

  @Override
  protected void setSimulatorOutletState(int outlet, boolean on) {
    sim.setSocketOn(socket(outlet), on);
  }

  @Override
  protected OptionalLong commandsReceived() {
    return OptionalLong.of(sim.commandsReceived());
  }

  @Override
  protected void makeDeviceSilent() {
    sim.setLossPercent(100);
  }

  @Override
  protected void restoreDevice() {
    sim.setLossPercent(0);
  }

  @Override
  protected void floodTheDevice() throws IOException {
    InetSocketAddress driver = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      send(s, driver, CONTROLLER + ":Reading:" + "9".repeat(1500) + "\r"); // over 256 characters
      send(s, driver, "x\r".repeat(500)); // more lines than a datagram may hold
      for (int i = 0; i < 200; i++) {
        send(s, driver, CONTROLLER + ":Reading:garbage:" + i + "\r\u0000\u00ff\r");
      }
    }
  }

  private static void send(DatagramSocket s, InetSocketAddress to, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    s.send(new DatagramPacket(b, b.length, to));
  }

  @Override
  protected Set<String> harnessThreadPrefixes() {
    return Set.of("enistic-sim-", "pdu4j-udp");
  }
}
