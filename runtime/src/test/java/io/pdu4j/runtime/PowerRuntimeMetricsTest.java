package io.pdu4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.metrics.PduMeter;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Micrometer meters of devices opened by the runtime, against the IsoTek simulator. */
class PowerRuntimeMetricsTest {
  private IsoTekSimulator sim;
  private SimpleMeterRegistry registry;
  private PowerRuntime runtime;
  private String uri;

  @BeforeEach
  void start() {
    sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .pushInterval(Duration.ofMillis(200))
            .initialState(5, false)
            .loadWatts(1, 36)
            .build()
            .start();
    uri = "isotek:tcp://127.0.0.1:" + sim.port();
    registry = new SimpleMeterRegistry();
    runtime = PowerRuntime.builder().meterRegistry(registry).build();
  }

  @AfterEach
  void stop() {
    runtime.close();
    sim.close();
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private double gauge(PduMeter meter, int outlet) {
    return registry
        .get(meter.meterName())
        .tags(PduMeter.TAG_DEVICE, uri, PduMeter.TAG_OUTLET, Integer.toString(outlet))
        .gauge()
        .value();
  }

  private double deviceValue(PduMeter meter) {
    Meter m = registry.get(meter.meterName()).tags(PduMeter.TAG_DEVICE, uri).meter();
    return m.measure().iterator().next().getValue();
  }

  private long commands(String command, String outcome) {
    Timer t =
        registry
            .find(PduMeter.COMMANDS.meterName())
            .tags(
                PduMeter.TAG_DEVICE,
                uri,
                PduMeter.TAG_COMMAND,
                command,
                PduMeter.TAG_OUTCOME,
                outcome)
            .timer();
    return t == null ? 0 : t.count();
  }

  /** Commands are recorded just after their stage completes: the caller may look first. */
  private void awaitCommands(String command, String outcome, long count) {
    await().untilAsserted(() -> assertThat(commands(command, outcome)).isEqualTo(count));
  }

  private List<String> deviceMeters() {
    return registry.getMeters().stream()
        .filter(m -> uri.equals(m.getId().getTag(PduMeter.TAG_DEVICE)))
        // not the command timers, nor their bucket gauges (pdu.commands.histogram, in registries
        // without histograms of their own): a new outcome adds them
        .filter(m -> !m.getId().getName().startsWith(PduMeter.COMMANDS.meterName()))
        .map(m -> m.getId().getName() + m.getId().getTags())
        .sorted()
        .toList();
  }

  @Test
  void outletReadingsMatchTheSimulator() throws Exception {
    PowerDevice pdu = runtime.open(uri);
    get(pdu.refresh());

    assertThat(gauge(PduMeter.OUTLET_POWER, 1)).isEqualTo(36.0);
    assertThat(gauge(PduMeter.OUTLET_POWER, 5)).isEqualTo(0.0);
    assertThat(gauge(PduMeter.OUTLET_VOLTAGE, 1)).isEqualTo(230.0);
    assertThat(gauge(PduMeter.OUTLET_STATE, 1)).isEqualTo(1.0);
    assertThat(gauge(PduMeter.OUTLET_STATE, 5)).isEqualTo(0.0);
    assertThat(deviceValue(PduMeter.DEVICE_CONNECTED)).isEqualTo(1.0);
    assertThat(registry.find(PduMeter.OUTLET_POWER.meterName()).gauges()).hasSize(8);
    assertThat(registry.get(PduMeter.OUTLET_POWER.meterName()).gauge().getId().getBaseUnit())
        .isEqualTo("watts");

    double readings = deviceValue(PduMeter.READINGS_RECEIVED);
    assertThat(readings).isGreaterThanOrEqualTo(1);
    await().until(() -> deviceValue(PduMeter.READINGS_RECEIVED) >= readings + 3);

    // 36 W integrated over the pushes since the device opened: more than nothing, and no more
    // than 36 W over the time the test has been running
    long started = System.nanoTime();
    await().until(() -> energy(1) > 0);
    double joules = energy(1);
    assertThat(joules).isLessThan(36.0 * (System.nanoTime() - started + 20e9) / 1e9);
    assertThat(energy(5)).isZero();

    sim.setOutletState(3, false);
    await().until(() -> gauge(PduMeter.OUTLET_STATE, 3) == 0.0);
    assertThat(gauge(PduMeter.OUTLET_POWER, 3)).isEqualTo(0.0);
  }

  private double energy(int outlet) {
    return registry
        .get(PduMeter.OUTLET_ENERGY.meterName())
        .tags(PduMeter.TAG_DEVICE, uri, PduMeter.TAG_OUTLET, Integer.toString(outlet))
        .functionCounter()
        .count();
  }

  @Test
  void commandsAreTimedWithTheirOutcome() throws Exception {
    PowerDevice pdu = runtime.open(uri + "?timeout=400ms");
    uri = uri + "?timeout=400ms";
    get(pdu.outlet(3).switchOff());
    get(pdu.outlet(3).switchOn());
    get(pdu.refresh());
    get(pdu.switchAll(OutletState.ON));
    awaitCommands("switch_off", "ok", 1);
    awaitCommands("switch_on", "ok", 1);
    awaitCommands("refresh", "ok", 1);
    awaitCommands("switch_all", "ok", 1);

    sim.setSilent(true);
    assertThatThrownBy(() -> get(pdu.refresh()))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(DeviceTimeoutException.class);
    awaitCommands("refresh", "timeout", 1);
    awaitCommands("refresh", "ok", 1);
    Timer ok =
        registry
            .get(PduMeter.COMMANDS.meterName())
            .tags(PduMeter.TAG_COMMAND, "switch_off", PduMeter.TAG_OUTCOME, "ok")
            .timer();
    assertThat(ok.totalTime(TimeUnit.NANOSECONDS)).isPositive();
  }

  @Test
  void garbageAndOverlongLinesReachTheMalformedFramesCounter() throws Exception {
    PowerDevice pdu = runtime.open(uri);
    // in batches: the simulator drops what does not fit its per-client queue of 64
    for (int batch = 1; batch <= 6; batch++) {
      for (int i = 0; i < 50; i++) {
        sim.injectGarbage("junk line " + i);
      }
      int expected = batch * 50;
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(malformed("malformed")).isEqualTo(expected));
    }
    sim.injectGarbage("Z".repeat(5000));
    sim.injectGarbage("CH3=x|y|");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(malformed("malformed")).isEqualTo(301);
              assertThat(malformed("overlong")).isEqualTo(1);
            });
    assertThat(get(pdu.refresh()).outlets()).hasSize(8);
  }

  private double malformed(String reason) {
    return registry
        .get(PduMeter.FRAMES_MALFORMED.meterName())
        .tags(PduMeter.TAG_DEVICE, uri, PduMeter.TAG_REASON, reason)
        .functionCounter()
        .count();
  }

  @Test
  void bytesAreCountedBothWays() throws Exception {
    PowerDevice pdu = runtime.open(uri);
    get(pdu.refresh());
    double sent = deviceValue(PduMeter.LINK_BYTES_SENT);
    // at least "?\r" or "?\n" for the first status and the refresh
    assertThat(sent).isGreaterThanOrEqualTo(4);
    get(pdu.outlet(2).switchOff());
    // "S2=0" and a line end at least, then a status request or more; a switch the caller's thread
    // wrote is counted when the I/O thread completes the write, at its next wake-up (which may come
    // after the caller heard the switch is done)
    await().until(() -> deviceValue(PduMeter.LINK_BYTES_SENT) >= sent + 5);
    double received = deviceValue(PduMeter.LINK_BYTES_RECEIVED);
    assertThat(received).isGreaterThan(100);
    await().until(() -> deviceValue(PduMeter.LINK_BYTES_RECEIVED) > received + 100);
  }

  @Test
  void aReconnectIsCountedOnceAndRegistersNothingNew() throws Exception {
    PowerDevice pdu = runtime.open(uri);
    get(pdu.refresh());
    List<String> before = deviceMeters();
    assertThat(deviceValue(PduMeter.LINK_RECONNECTS)).isZero();

    sim.closeMidNextReply();
    pdu.refresh(); // fails when the link drops half-way through the reply
    await().until(() -> deviceValue(PduMeter.LINK_RECONNECTS) == 1.0);
    await().until(() -> deviceValue(PduMeter.DEVICE_CONNECTED) == 1.0);
    get(pdu.refresh());

    assertThat(deviceValue(PduMeter.LINK_RECONNECTS)).isEqualTo(1.0);
    assertThat(deviceMeters()).isEqualTo(before);
    assertThat(registry.find(PduMeter.OUTLET_POWER.meterName()).gauges()).hasSize(8);
  }

  @Test
  void closingADeviceRemovesItsMetersAndTheRuntimeRemovesTheRest() throws Exception {
    IsoTekSimulator second = IsoTekSimulator.builder().outlets(16).build().start();
    try {
      PowerDevice a = runtime.open(uri);
      get(a.refresh());
      String secondUri = "isotek:tcp://127.0.0.1:" + second.port();
      runtime.open(secondUri);
      assertThat(deviceMeters()).isNotEmpty();
      assertThat(registry.find(PduMeter.OUTLET_POWER.meterName()).gauges()).hasSize(8 + 16);

      a.close();

      assertThat(registry.getMeters())
          .noneSatisfy(m -> assertThat(m.getId().getTag(PduMeter.TAG_DEVICE)).isEqualTo(uri));
      assertThat(registry.find(PduMeter.OUTLET_POWER.meterName()).gauges()).hasSize(16);

      runtime.close();
      assertThat(registry.getMeters()).isEmpty();
    } finally {
      second.close();
    }
  }

  @Test
  void theSameAddressOpenedTwiceGetsTwoDeviceTags() {
    runtime.open(uri);
    runtime.open(uri);
    assertThat(registry.find(PduMeter.DEVICE_CONNECTED.meterName()).gauges())
        .extracting(g -> g.getId().getTag(PduMeter.TAG_DEVICE))
        .containsExactlyInAnyOrder(uri, uri + " #2");
  }

  @Test
  void aConfiguredDeviceIsTaggedWithItsNameWhichIsUniqueWhileOpen() throws Exception {
    DeviceConfig rack = DeviceConfig.of("rack-a", uri);
    PowerDevice pdu = runtime.open(rack);
    get(pdu.refresh());
    assertThat(
            registry
                .get(PduMeter.OUTLET_POWER.meterName())
                .tags(PduMeter.TAG_DEVICE, "rack-a", PduMeter.TAG_OUTLET, "1")
                .gauge()
                .value())
        .isEqualTo(36.0);
    assertThatThrownBy(() -> runtime.open(rack))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("a device named 'rack-a' is already open");

    pdu.close();
    await().until(() -> runtime.devices().isEmpty());
    PowerDevice again = runtime.open(rack);
    assertThat(again.connectionState()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(registry.find(PduMeter.DEVICE_CONNECTED.meterName()).gauges()).hasSize(1);
  }

  @Test
  void guiceTakesTheApplicationsOwnRegistry() throws Exception {
    MeterRegistry own = new SimpleMeterRegistry();
    Injector injector =
        Guice.createInjector(
            new PowerModule(), binder -> binder.bind(MeterRegistry.class).toInstance(own));
    try (PowerRuntime guiced = injector.getInstance(PowerRuntime.class)) {
      PowerDevice pdu = guiced.open(uri);
      get(pdu.refresh());
      assertThat(own.find(PduMeter.OUTLET_POWER.meterName()).tag("outlet", "1").gauge())
          .isNotNull()
          .satisfies(g -> assertThat(g.value()).isEqualTo(36.0));
    }
    assertThat(own.getMeters()).isEmpty();
  }

  @Test
  void withoutARegistryNoMetersAreKept() throws Exception {
    try (PowerRuntime plain = PowerRuntime.builder().build()) {
      PowerDevice pdu = plain.open(uri);
      assertThat(pdu.getClass().getName()).doesNotContain("Timed");
      get(pdu.refresh());
    }
    assertThat(registry.getMeters()).isEmpty();
  }
}
