package io.pdu4j.driver.isotek;

import io.pdu4j.api.PowerDevice;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DeviceOptions;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.testkit.PowerDriverContractTest;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/** The IsoTek driver over TCP against its simulator, checked by the testkit's driver contract. */
class IsoTekContractTest extends PowerDriverContractTest {
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "isotek-contract"));
  private final TcpTransportProvider tcp = new TcpTransportProvider();
  private IsoTekSimulator sim;

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
    DeviceAddress address =
        DeviceAddress.parse("isotek:tcp://127.0.0.1:" + sim.port() + "?timeout=1s");
    DeviceOptions options = DeviceOptions.defaults().withOverrides(address);
    PowerDriver driver = new IsoTekDriver();
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
  }

  @Override
  protected void dropConnectionOnNextCommand() {
    sim.closeMidNextReply();
  }
}
