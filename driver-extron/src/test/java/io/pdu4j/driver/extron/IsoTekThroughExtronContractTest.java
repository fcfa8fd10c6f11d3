package io.pdu4j.driver.extron;

import io.pdu4j.api.PowerDevice;
import io.pdu4j.driver.isotek.IsoTekDriver;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.testkit.PowerDriverContractTest;
import io.pdu4j.testkit.TcpFaultProxy;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IsoTek driver through the {@code extron} tunnel (an IsoTek on COM3 of an IPCP), checked by
 * the testkit's driver contract: the IsoTek simulator stands behind the Extron simulator's serial
 * port, and the kit's {@link TcpFaultProxy} sits between the driver and the IPCP. A rejection is
 * the IPCP's own {@code E13} for the next send-data-string.
 */
class IsoTekThroughExtronContractTest extends PowerDriverContractTest {
  private static final String PASSWORD = "adm1n";

  @TempDir Path dir;
  private IsoTekSimulator pdu;
  private ExtronSimulator ipcp;
  private TcpFaultProxy proxy;

  @Override
  protected PowerDevice openDevice() throws Exception {
    pdu =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .initialState(2, false)
            .pushInterval(Duration.ofMillis(300))
            .build()
            .start();
    ipcp =
        ExtronSimulator.builder()
            .adminPassword(PASSWORD)
            .serialDevice(3, pdu.port())
            .build()
            .start();
    proxy = TcpFaultProxy.start(ipcp.port());
    Path secret = Files.writeString(dir.resolve("password"), PASSWORD);
    return open(
        new IsoTekDriver(),
        new ExtronTunnelProvider(),
        "isotek:extron://127.0.0.1:" + proxy.port() + "/3?password=file:" + secret + "&timeout=2s",
        new TcpTransportProvider());
  }

  @Override
  protected void stopSimulator() {
    proxy.close();
    ipcp.close();
    pdu.close();
  }

  @Override
  protected boolean simulatorOutletState(int outlet) {
    return pdu.outletState(outlet);
  }

  @Override
  protected void setSimulatorOutletState(int outlet, boolean on) {
    pdu.setOutletState(outlet, on);
  }

  @Override
  protected OptionalLong commandsReceived() {
    return OptionalLong.of(pdu.commandCount());
  }

  @Override
  protected void makeDeviceSilent() {
    pdu.setSilent(true);
    pdu.pausePushes();
  }

  @Override
  protected void restoreDevice() {
    pdu.clearFaults();
    proxy.clearFaults();
  }

  @Override
  protected void dropConnectionOnNextCommand() {
    proxy.dropOnNextRequest();
  }

  @Override
  protected String rejectNextCommand() {
    ipcp.failNextSendData("E13");
    return "E13";
  }

  @Override
  protected void floodTheDevice() {
    StringBuilder flood = new StringBuilder("x".repeat(1 << 20)).append("\r\n");
    for (int i = 0; i < 500; i++) {
      flood.append("CH").append(i).append("=garbage|\r\n");
    }
    proxy.sendToClients(flood.toString().getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  protected boolean countsSkippedInput() {
    return false; // the tunnel drops what arrives outside a reply without framing it
  }

  @Override
  protected Set<String> harnessThreadPrefixes() {
    return Set.of("isotek-sim-", "extron-sim-", "pdu4j-tcp");
  }
}
