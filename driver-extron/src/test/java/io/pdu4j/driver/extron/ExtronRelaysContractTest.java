package io.pdu4j.driver.extron;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.testkit.PowerDriverContractTest;
import io.pdu4j.testkit.Stages;
import io.pdu4j.testkit.TcpFaultProxy;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code extron} driver (an IPCP's relays 1..8 as outlets, {@code extron:tcp://}) against the
 * Extron simulator, checked by the testkit's driver contract. The simulator has no switch for
 * silence, a one-off error, a dropped session or a flood, so the kit's {@link TcpFaultProxy} sits
 * between the driver and the IPCP and plays them: an error is the IPCP's own {@code E13}.
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
    ipcp.setRelay(outlet, on);
  }

  @Override
  protected OptionalLong commandsReceived() {
    // the device's own reads (a relay read-back "nO" every 5 s, the keep-alive "Q") may land in any
    // window; what a "nothing sent" check means is that no relay was set
    return OptionalLong.of(ipcp.commandsReceived().stream().filter(c -> c.contains("*")).count());
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

  /**
   * A relay has no reset delay of its own: a cycle without an off time (or with a negative one)
   * fails before the relay is opened, rather than opening it and failing with it left open.
   */
  @Test
  void aCycleWithoutAUsableOffTimeFailsBeforeOpeningTheRelay() throws Exception {
    ipcp.setRelay(2, true);
    long before = commandsReceived().getAsLong();
    for (Duration offTime : new Duration[] {null, Duration.ofSeconds(-1)}) {
      assertThat(Stages.failure(device().outlet(2).cycle(offTime)))
          .as("cycle(%s)", offTime)
          .isInstanceOf(InvalidArgumentException.class);
    }
    assertThat(ipcp.relay(2)).as("relay 2, still closed").isTrue();
    assertThat(commandsReceived().getAsLong()).as("relays set").isEqualTo(before);
  }
}
