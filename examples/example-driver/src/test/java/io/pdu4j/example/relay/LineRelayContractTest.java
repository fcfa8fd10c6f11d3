package io.pdu4j.example.relay;

import io.pdu4j.api.PowerDevice;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DeviceOptions;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.testkit.PowerDriverContractTest;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.time.Clock;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/** The example driver checked by the testkit's driver contract, against its simulator. */
class LineRelayContractTest extends PowerDriverContractTest {
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "relay-contract"));
  private final TcpTransportProvider tcp = new TcpTransportProvider();
  private LineRelaySimulator sim;

  @Override
  protected PowerDevice openDevice() throws Exception {
    sim = new LineRelaySimulator(0, 4);
    DeviceAddress address =
        DeviceAddress.parse("linerelay:tcp://127.0.0.1:" + sim.port() + "?timeout=1s");
    DeviceOptions options = DeviceOptions.defaults().withOverrides(address);
    PowerDriver driver = new LineRelayDriver();
    Link link =
        tcp.create(address, new TcpTestContext(executor, options, driver.requirements(address)));
    return driver
        .open(new DriverContext(address, link, options, Clock.systemUTC()))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    sim.close();
    tcp.close();
    executor.shutdownNow();
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
  }

  @Override
  protected void dropConnectionOnNextCommand() {
    sim.dropOnNextCommand();
  }
}
