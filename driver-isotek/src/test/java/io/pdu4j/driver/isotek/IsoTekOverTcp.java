package io.pdu4j.driver.isotek;

import static io.pdu4j.testkit.Stages.get;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.testkit.TestTransportContext;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * IsoTek devices over real TCP to simulators, wired by hand as the runtime would: one device
 * thread, the Netty TCP transport, and whatever was started or opened through it closed with it,
 * the devices first.
 */
final class IsoTekOverTcp implements AutoCloseable {
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "isotek-device"));
  private final TcpTransportProvider tcp = new TcpTransportProvider();
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  /** The device thread. */
  ScheduledExecutorService executor() {
    return executor;
  }

  /** Starts the simulator {@code b} builds, closed with this. */
  IsoTekSimulator start(IsoTekSimulator.Builder b) {
    return track(b.build().start());
  }

  /** {@code sim}, closed with this. */
  IsoTekSimulator track(IsoTekSimulator sim) {
    opened.push(sim);
    return sim;
  }

  /** A driver's context for {@code uri}, with a new TCP link (not yet open). */
  DriverContext context(String uri) {
    DeviceAddress address = DeviceAddress.parse(uri);
    DeviceOptions options = DeviceOptions.defaults().withOverrides(address);
    PowerDriver driver = new IsoTekDriver();
    Link link =
        tcp.create(
            address, new TestTransportContext(executor, options, driver.requirements(address)));
    return new DriverContext(address, link, options, Clock.systemUTC());
  }

  /** Opens {@code isotek:tcp://127.0.0.1:PORT} of {@code sim} with {@code options} ("?..."). */
  PowerDevice open(IsoTekSimulator sim, String options) throws Exception {
    return track(
        get(new IsoTekDriver().open(context("isotek:tcp://127.0.0.1:" + sim.port() + options))));
  }

  /** {@code device}, closed with this (before every simulator). */
  PowerDevice track(PowerDevice device) {
    opened.push(device);
    return device;
  }

  @Override
  public void close() {
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (Exception e) {
        // closing the rest matters more; the test has its verdict already
      }
    }
    tcp.close();
    executor.shutdownNow();
  }
}
