package io.pdu4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runtime with the drivers and transports ServiceLoader finds, against the simulator. */
class PowerRuntimeIsoTekTest {
  private IsoTekSimulator sim;
  private PowerRuntime runtime;
  private String uri;

  @BeforeEach
  void start() {
    sim = IsoTekSimulator.builder().outlets(8).jitter(false).initialState(5, false).build().start();
    uri = "isotek:tcp://127.0.0.1:" + sim.port();
    runtime = PowerRuntime.builder().build();
  }

  @AfterEach
  void stop() {
    runtime.close();
    sim.close();
  }

  private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theIsoTekDriverAndTcpTransportAreFoundWithTheirJars() {
    assertThat(runtime.drivers())
        .anySatisfy(
            d -> {
              assertThat(d.code()).isEqualTo("isotek");
              assertThat(d.className()).isEqualTo("io.pdu4j.driver.isotek.IsoTekDriver");
              assertThat(d.location()).isPresent();
              assertThat(d.embedded()).isFalse();
            });
    assertThat(runtime.transports())
        .anySatisfy(
            t -> {
              assertThat(t.scheme()).isEqualTo("tcp");
              assertThat(t.className()).isEqualTo(TcpTransportProvider.class.getName());
              assertThat(t.location())
                  .hasValueSatisfying(l -> assertThat(l).contains("transport-net"));
            });
  }

  @Test
  void anEmbeddedTransportClashingWithTheServiceLoadedOneIsRefusedNamingBoth() {
    PowerRuntime.Builder builder = PowerRuntime.builder().transport(new TcpTransportProvider());
    assertThatThrownBy(builder::build)
        .isInstanceOf(PowerDeviceException.class)
        .hasMessageContaining("two transports have the scheme 'tcp'")
        .hasMessageContaining(TcpTransportProvider.class.getName() + " from file:")
        .hasMessageContaining(TcpTransportProvider.class.getName() + " (embedded");
  }

  @Test
  void opensReadsAndSwitchesOverLoopbackTcp() throws Exception {
    PowerDevice pdu = runtime.open(uri);
    assertThat(pdu.info().driver()).isEqualTo("isotek");
    assertThat(pdu.outlets()).hasSize(8);
    assertThat(runtime.devices()).containsExactly(pdu);

    List<String> threads = new CopyOnWriteArrayList<>();
    pdu.subscribe(
        e -> {
          if (e instanceof DeviceEvent.StatusReported) {
            threads.add(Thread.currentThread().getName());
          }
        });

    DeviceStatus status = get(pdu.refresh());
    assertThat(status.outlets()).hasSize(8);
    assertThat(status.outlet(1).orElseThrow().state()).isEqualTo(OutletState.ON);
    assertThat(status.outlet(5).orElseThrow().state()).isEqualTo(OutletState.OFF);
    assertThat(status.outlet(1).orElseThrow().voltage()).hasValue(230.0);

    OutletStatus off = get(pdu.outlet(3).switchOff());
    assertThat(off.state()).isEqualTo(OutletState.OFF);
    assertThat(sim.outletState(3)).isFalse();

    OutletStatus on = get(pdu.outlet(5).switchOn());
    assertThat(on.state()).isEqualTo(OutletState.ON);
    assertThat(sim.outletState(5)).isTrue();

    DeviceStatus all = get(pdu.switchAll(OutletState.ON));
    assertThat(all.outlets()).allSatisfy(o -> assertThat(o.state()).isEqualTo(OutletState.ON));
    assertThat(sim.outletState(3)).isTrue();

    await().until(() -> !threads.isEmpty());
    assertThat(threads).allSatisfy(t -> assertThat(t).matches("pdu4j-io-\\d+"));
  }

  @Test
  void closeDisconnectsEveryDeviceAndLeavesNoIoThread() throws Exception {
    IsoTekSimulator second = IsoTekSimulator.builder().outlets(16).build().start();
    try {
      PowerDevice a = runtime.open(uri);
      PowerDevice b =
          runtime
              .openAsync("isotek:tcp://127.0.0.1:" + second.port())
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertThat(b.outlets()).hasSize(16);
      assertThat(runtime.devices()).containsExactly(a, b);
      assertThat(PowerRuntimeTest.ioThreads()).isNotEmpty();

      runtime.close();

      assertThat(PowerRuntimeTest.ioThreads()).as("I/O threads after close").isEmpty();
      assertThat(runtime.devices()).isEmpty();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> sim.connectedClients() == 0 && second.connectedClients() == 0);
      assertThatThrownBy(() -> runtime.open(uri))
          .isInstanceOf(io.pdu4j.api.DeviceClosedException.class);
    } finally {
      second.close();
    }
  }

  @Test
  void thePowerHistoryIsFedByTheDevicesOwnStatusPushes() {
    sim.setLoadWatts(1, 120);
    sim.setLoadWatts(2, 35);
    SupervisedDevice rack = runtime.supervise(DeviceConfig.of("rack", uri));
    // supervised and not yet heard: an hour of gaps, not zeros
    assertThat(runtime.powerHistory("rack").watts().count()).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              io.pdu4j.runtime.history.PowerHistory h = runtime.powerHistory("rack");
              assertThat(h.outlet(1)).isPresent();
              java.util.OptionalDouble w = h.outlet(1).get().watts().at(h.times().size() - 1);
              assertThat(w).hasValue(120.0);
            });
    assertThat(rack.powerHistory().outlet(2).orElseThrow().watts().count()).isPositive();
    assertThat(rack.powerHistory().volts().count()).isPositive();
  }

  @Test
  void thePowerHistoryOfAnUnknownDeviceIsAClearError() {
    runtime.supervise(DeviceConfig.of("rack", uri));
    assertThatThrownBy(() -> runtime.powerHistory("nope"))
        .isInstanceOf(io.pdu4j.api.InvalidArgumentException.class)
        .hasMessageContaining("no device named 'nope'")
        .hasMessageContaining("known: rack");
    runtime.supervised().get(0).close();
    // the history goes with the supervision and the device
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> runtime.powerHistory("rack"))
                    .isInstanceOf(io.pdu4j.api.InvalidArgumentException.class));
  }
}
