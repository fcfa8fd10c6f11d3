package io.pdu4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.metrics.PduMeter;
import io.pdu4j.sim.enistic.EnisticSimulator;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime's meters for an Enistic controller flooded with readings of unknown sockets, bad
 * lines and forged sources: the driver and transports ServiceLoader finds, real UDP on loopback.
 */
class PowerRuntimeEnisticTest {
  private static final String CONTROLLER = "004A3BB5B04";
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<EnisticSimulator> sims = new ArrayList<>();
  private PowerRuntime runtime;
  private int port;

  @BeforeEach
  void start() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    runtime = PowerRuntime.builder().meterRegistry(registry).build();
  }

  @AfterEach
  void stop() {
    runtime.close();
    sims.forEach(EnisticSimulator::close);
  }

  private EnisticSimulator sim(InetAddress bind, int sockets) {
    EnisticSimulator sim =
        EnisticSimulator.builder()
            .bindAddress(bind)
            .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .rate(20)
            .sockets(sockets)
            .meters(0)
            .build()
            .start();
    sims.add(sim);
    return sim;
  }

  private PowerDevice open(EnisticSimulator sim, String options) {
    return runtime.open(
        DeviceConfig.of(
            "ctl",
            "enistic:udp://127.0.0.1:"
                + port
                + "/"
                + CONTROLLER
                + "?send=127.0.0.1:"
                + sim.controlPort()
                + options));
  }

  private long outletSeries() {
    return registry.getMeters().stream()
        .map(Meter::getId)
        .filter(id -> id.getName().startsWith("pdu.outlet."))
        .count();
  }

  private double counter(PduMeter meter, String reason) {
    return registry
        .get(meter.meterName())
        .tag(PduMeter.TAG_DEVICE, "ctl")
        .tag(PduMeter.TAG_REASON, reason)
        .functionCounter()
        .count();
  }

  /**
   * Floods {@code count} readings of unknown serials from {@code sim}, 500 at a time, waiting after
   * each batch until {@code handled} (the lines the device has dealt with) has caught up.
   */
  private static void flood(EnisticSimulator sim, int count, LongSupplier handled) {
    long before = handled.getAsLong();
    for (int sent = 0; sent < count; ) {
      int n = Math.min(500, count - sent);
      sim.sendUnknownSerials(CONTROLLER, sent, n);
      sent += n;
      long done = sent;
      await().atMost(Duration.ofSeconds(20)).until(() -> handled.getAsLong() - before >= done);
    }
  }

  private void send(String payload) throws Exception {
    byte[] b = payload.getBytes(StandardCharsets.ISO_8859_1);
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
    }
  }

  @Test
  void tenThousandUnknownSocketsLeaveTheOutletSeriesBoundedAndAreCountedAsDropped()
      throws Exception {
    EnisticSimulator sim = sim(InetAddress.getLoopbackAddress(), 2);
    PowerDevice d = open(sim, "");
    await().atMost(Duration.ofSeconds(10)).until(() -> d.outlets().size() == 2);
    Outlet socket =
        d.outlets().stream()
            .filter(o -> o.id().equals(sim.socketSerials(CONTROLLER).get(0)))
            .findFirst()
            .orElseThrow();
    assertThat(socket.switchOff().toCompletableFuture().get(10, TimeUnit.SECONDS).state())
        .isEqualTo(OutletState.OFF);

    flood(
        sim,
        10_000,
        () -> d.outlets().size() + (long) counter(PduMeter.READINGS_DROPPED, "outlet_limit"));

    assertThat(d.outlets()).hasSize(256);
    assertThat(counter(PduMeter.READINGS_DROPPED, "outlet_limit")).isEqualTo(10_000 - 254);
    assertThat(outletSeries()).as("power, voltage, state, energy per outlet").isEqualTo(4 * 256);
    assertThat(socket.switchOn().toCompletableFuture().get(10, TimeUnit.SECONDS).state())
        .isEqualTo(OutletState.ON);
    assertThat(sim.socketOn(socket.id())).contains(true);
  }

  @Test
  void malformedAndOverlongLinesAreCountedInFramesMalformed() throws Exception {
    EnisticSimulator sim = sim(InetAddress.getLoopbackAddress(), 2);
    PowerDevice d = open(sim, "");
    await().atMost(Duration.ofSeconds(10)).until(() -> d.outlets().size() == 2);
    for (int i = 0; i < 5; i++) {
      send("garbage\r" + CONTROLLER + ":Reading:nonsense\r\u001b[2J\u0007\r");
      send("x".repeat(300) + "\r");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                counter(PduMeter.FRAMES_MALFORMED, "malformed") == 15
                    && counter(PduMeter.FRAMES_MALFORMED, "overlong") == 5);
    assertThat(d.outlets()).hasSize(2);
  }

  @Test
  void aFloodFromASourceOutsideTheAllowListIsCountedAndRegistersNothing() throws Exception {
    EnisticSimulator sim = sim(InetAddress.getLoopbackAddress(), 2);
    PowerDevice d = open(sim, "&allow=127.0.0.1");
    await().atMost(Duration.ofSeconds(10)).until(() -> d.outlets().size() == 2);
    long series = outletSeries();
    EnisticSimulator forger = sim(InetAddress.getByName("127.0.0.2"), 0);

    flood(
        forger,
        10_000,
        () ->
            (long) counter(PduMeter.READINGS_DROPPED, "source")
                * EnisticSimulator.FLOOD_LINES_PER_DATAGRAM);

    assertThat(d.outlets()).hasSize(2);
    assertThat(outletSeries()).isEqualTo(series).isEqualTo(4 * 2);
    assertThat(counter(PduMeter.READINGS_DROPPED, "outlet_limit")).isZero();
  }
}
