package io.pdu4j.driver.extron;

import io.pdu4j.api.PowerDevice;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.testkit.PowerDriverContractTest;
import io.pdu4j.testkit.TcpFaultProxy;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code extron} driver (an IPCP's relays 1..8 as outlets, {@code extron:tcp://}) against the
 * Extron simulator, checked by the testkit's driver contract. The simulator has no switch for
 * silence, a one-off error, a dropped session or a flood, so the kit's {@link TcpFaultProxy} sits
 * between the driver and the IPCP and plays them: an error is the IPCP's own {@code E13}. A relay
 * switched "at the device" is switched by a second SIS session, as another controller would.
 */
class ExtronRelaysContractTest extends PowerDriverContractTest {
  private static final String PASSWORD = "adm1n";

  @TempDir Path dir;
  private ExtronSimulator ipcp;
  private TcpFaultProxy proxy;

  @Override
  protected PowerDevice openDevice() throws Exception {
    ipcp = ExtronSimulator.builder().adminPassword(PASSWORD).build().start();
    proxy = TcpFaultProxy.start(ipcp.port());
    Path secret = Files.writeString(dir.resolve("password"), PASSWORD);
    return open(
        new ExtronDriver(),
        new TcpTransportProvider(),
        "extron:tcp://127.0.0.1:" + proxy.port() + "?password=file:" + secret + "&timeout=1s");
  }

  @Override
  protected void stopSimulator() {
    proxy.close();
    ipcp.close();
  }

  @Override
  protected boolean simulatorOutletState(int outlet) {
    return ipcp.relay(outlet);
  }

  @Override
  protected void setSimulatorOutletState(int outlet, boolean on) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ipcp.port())) {
      s.setSoTimeout(5000);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      readUntil(in, "Password:");
      out.write((PASSWORD + "\r").getBytes(StandardCharsets.US_ASCII));
      readUntil(in, "Login Administrator\r\n");
      out.write((outlet + "*" + (on ? 1 : 0) + "O").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      readUntil(in, "Rly" + (on ? 1 : 0) + "\r\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void readUntil(InputStream in, String end) throws IOException {
    StringBuilder b = new StringBuilder();
    while (b.indexOf(end) < 0) {
      int c = in.read();
      if (c < 0 || b.length() > 4096) {
        throw new IOException("the IPCP did not send " + end + ", only " + b);
      }
      b.append((char) c);
    }
  }

  @Override
  protected OptionalLong commandsReceived() {
    return OptionalLong.of(ipcp.commandsReceived().size());
  }

  @Override
  protected void makeDeviceSilent() {
    proxy.silent(true);
  }

  @Override
  protected void restoreDevice() {
    proxy.clearFaults();
  }

  @Override
  protected void dropConnectionOnNextCommand() {
    proxy.dropOnNextRequest();
  }

  @Override
  protected String rejectNextCommand() {
    proxy.rejectNextRequest("E13\r\n");
    return "E13";
  }

  @Override
  protected void floodTheDevice() {
    StringBuilder flood = new StringBuilder("x".repeat(1 << 20)).append("\r\n");
    for (int i = 0; i < 500; i++) {
      flood.append("E").append(i % 100).append(" garbage\r\n");
    }
    proxy.sendToClients(flood.toString().getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  protected boolean countsSkippedInput() {
    return false; // the session drops what arrives outside a reply without framing it
  }

  @Override
  protected Set<String> harnessThreadPrefixes() {
    return Set.of("extron-sim-", "pdu4j-tcp");
  }
}
