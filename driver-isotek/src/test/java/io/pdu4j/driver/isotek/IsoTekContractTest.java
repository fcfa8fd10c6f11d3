package io.pdu4j.driver.isotek;

import io.pdu4j.api.PowerDevice;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.testkit.PowerDriverContractTest;
import io.pdu4j.testkit.TcpFaultProxy;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The IsoTek driver over TCP against its simulator, checked by the testkit's driver contract. The
 * simulator injects every fault but a one-off rejection (it refuses commands only by its
 * configuration), which the kit's {@link TcpFaultProxy} in front of it answers with the simulator's
 * own error reply.
 */
class IsoTekContractTest extends PowerDriverContractTest {
  private IsoTekSimulator sim;
  private TcpFaultProxy proxy;

  @Override
  protected PowerDevice openDevice() throws Exception {
    sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .initialState(2, false)
            .pushInterval(Duration.ofMillis(300))
            .build()
            .start();
    proxy = TcpFaultProxy.start(sim.port());
    return open(
        new IsoTekDriver(),
        new TcpTransportProvider(),
        "isotek:tcp://127.0.0.1:" + proxy.port() + "?timeout=1s");
  }

  @Override
  protected void stopSimulator() {
    proxy.close();
    sim.close();
  }

  @Override
  protected boolean simulatorOutletState(int outlet) {
    return sim.outletState(outlet);
  }

  @Override
  protected void setSimulatorOutletState(int outlet, boolean on) {
    sim.setOutletState(outlet, on);
  }

  @Override
  protected OptionalLong commandsReceived() {
    return OptionalLong.of(sim.commandCount());
  }

  @Override
  protected void makeDeviceSilent() {
    sim.setSilent(true);
    sim.pausePushes();
  }

  @Override
  protected void restoreDevice() {
    sim.clearFaults();
    proxy.clearFaults();
  }

  @Override
  protected void dropConnectionOnNextCommand() {
    sim.closeMidNextReply();
  }

  @Override
  protected String rejectNextCommand() {
    proxy.rejectNextRequest("ERR\n>\n"); // the simulator's error reply, then the prompt
    return "ERR";
  }

  @Override
  protected void floodTheDevice() {
    sim.injectRaw("CH1=" + "9".repeat(1 << 20) + "\n"); // far beyond any frame bound
    for (int i = 0; i < 500; i++) {
      sim.injectGarbage("CH" + i + "=garbage|");
    }
    sim.injectRaw("\u0000\u00ff\r\n\r\n");
  }

  @Override
  protected Set<String> harnessThreadPrefixes() {
    return Set.of("isotek-sim-", "pdu4j-tcp");
  }
}
