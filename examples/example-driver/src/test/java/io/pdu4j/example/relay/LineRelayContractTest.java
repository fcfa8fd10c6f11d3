package io.pdu4j.example.relay;

import io.pdu4j.api.PowerDevice;
import io.pdu4j.testkit.PowerDriverContractTest;
import io.pdu4j.testkit.TcpFaultProxy;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The example driver checked by the testkit's driver contract, against its simulator; the kit's
 * {@link TcpFaultProxy} stands in for the faults the simulator has no switch for (a rejection, a
 * flood).
 */
class LineRelayContractTest extends PowerDriverContractTest {
  private LineRelaySimulator sim;
  private TcpFaultProxy proxy;

  @Override
  protected PowerDevice openDevice() throws Exception {
    sim = new LineRelaySimulator(0, 4);
    proxy = TcpFaultProxy.start(sim.port());
    return open(
        new LineRelayDriver(),
        new TcpTransportProvider(),
        "linerelay:tcp://127.0.0.1:" + proxy.port() + "?timeout=1s");
  }

  @Override
  protected void stopSimulator() {
    proxy.close();
    sim.close();
  }

  @Override
  protected boolean simulatorOutletState(int outlet) {
    return sim.relay(outlet);
  }

  @Override
  protected void setSimulatorOutletState(int outlet, boolean on) {
    sim.setRelay(outlet, on);
  }

  @Override
  protected OptionalLong commandsReceived() {
    return OptionalLong.of(sim.received().size());
  }

  @Override
  protected void makeDeviceSilent() {
    sim.silent(true);
  }

  @Override
  protected void restoreDevice() {
    sim.silent(false);
    proxy.clearFaults();
  }

  @Override
  protected void dropConnectionOnNextCommand() {
    sim.dropOnNextCommand();
  }

  @Override
  protected String rejectNextCommand() {
    proxy.rejectNextRequest("ERR busy\n");
    return "ERR busy";
  }

  @Override
  protected void floodTheDevice() {
    StringBuilder flood = new StringBuilder();
    flood.append("x".repeat(LineRelayProtocol.MAX_LINE * 64)).append('\n');
    for (int i = 0; i < 1000; i++) {
      flood.append("garbage ").append(i).append('\n');
    }
    proxy.sendToClients(flood.toString().getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  protected Set<String> harnessThreadPrefixes() {
    return Set.of("line-relay-sim", "pdu4j-tcp");
  }
}
