package io.pdu4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pdu4j.api.ConnectionProblem;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceHealth;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.metrics.PduMeter;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link PowerRuntime#supervise}: health, retries, quiet links, against the IsoTek simulator. */
class SupervisionTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private PowerRuntime runtime;
  private IsoTekSimulator sim;

  @BeforeEach
  void start() {
    runtime =
        PowerRuntime.builder()
            .meterRegistry(registry)
            .retryBackoff(Duration.ofMillis(100), Duration.ofMillis(400))
            .build();
  }

  @AfterEach
  void stop() {
    runtime.close();
    if (sim != null) {
      sim.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private double health(String device, String state, String problem) {
    return registry
        .get(PduMeter.DEVICE_HEALTH.meterName())
        .tags(PduMeter.TAG_DEVICE, device, PduMeter.TAG_STATE, state, PduMeter.TAG_PROBLEM, problem)
        .gauge()
        .value();
  }

  @Test
  void superviseReturnsAtOnceAndOpensTheDeviceOnceItIsThere() throws Exception {
    int port = freePort();
    List<DeviceHealth> seen = new CopyOnWriteArrayList<>();
    SupervisedDevice pdu =
        runtime.supervise(DeviceConfig.of("rack1", "isotek:tcp://127.0.0.1:" + port));
    pdu.subscribe(seen::add);
    assertThat(pdu.name()).isEqualTo("rack1");
    assertThat(runtime.supervised()).containsExactly(pdu);

    await().until(() -> pdu.health().state() == ConnectionState.OFFLINE);
    assertThat(pdu.health().problem()).contains(ConnectionProblem.COMMUNICATION_ERROR);
    assertThat(pdu.health().message()).hasValueSatisfying(m -> assertThat(m).contains("" + port));
    assertThat(pdu.device()).isEmpty();
    assertThat(health("rack1", "offline", "communication_error")).isEqualTo(1.0);
    assertThat(health("rack1", "connected", "none")).isZero();

    sim = IsoTekSimulator.builder().outlets(8).tcpPort(port).build().start();
    PowerDevice device = pdu.opened().toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().until(() -> pdu.health().isConnected());
    assertThat(pdu.device()).containsSame(device);
    assertThat(health("rack1", "connected", "none")).isEqualTo(1.0);
    assertThat(health("rack1", "offline", "communication_error")).isZero();
    assertThat(device.outlet(2).switchOff().toCompletableFuture().get(5, TimeUnit.SECONDS).state())
        .isEqualTo(OutletState.OFF);
    await().until(() -> !seen.isEmpty() && seen.get(seen.size() - 1).isConnected());
    // the health when subscribed first, then each change
    assertThat(seen.get(0).state()).isIn(ConnectionState.CONNECTING, ConnectionState.OFFLINE);
    assertThat(seen).anySatisfy(h -> assertThat(h.state()).isEqualTo(ConnectionState.OFFLINE));
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i).sameAs(seen.get(i - 1))).as("a change each time").isFalse();
    }
  }

  @Test
  void aBadAddressIsAConfigurationErrorInTheHealthNotAnException() {
    SupervisedDevice bad = runtime.supervise(DeviceConfig.of("bad", "nosuchdriver:tcp://h:1"));
    await().until(() -> bad.health().state() == ConnectionState.OFFLINE);
    assertThat(bad.health().problem()).contains(ConnectionProblem.CONFIGURATION_ERROR);
    assertThat(bad.health().message())
        .hasValueSatisfying(m -> assertThat(m).contains("unknown driver 'nosuchdriver'"));
    assertThat(health("bad", "offline", "configuration_error")).isEqualTo(1.0);

    assertThatThrownBy(() -> runtime.supervise(DeviceConfig.of("bad", "isotek:tcp://h:1")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("already supervised");

    bad.close();
    assertThat(bad.health().state()).isEqualTo(ConnectionState.CLOSED);
    assertThat(registry.find(PduMeter.DEVICE_HEALTH.meterName()).meters()).isEmpty();
    assertThat(runtime.supervised()).isEmpty();
    assertThatThrownBy(() -> bad.opened().toCompletableFuture().join())
        .hasCauseInstanceOf(DeviceClosedException.class);
  }

  @Test
  void aQuietStreamIsRecycledAndTheDeviceComesBackWhenItAnswersAgain() throws Exception {
    sim = IsoTekSimulator.builder().outlets(8).build().start();
    SupervisedDevice pdu =
        runtime.supervise(
            DeviceConfig.of("quiet", "isotek:tcp://127.0.0.1:" + sim.port() + "?quiet=1s"));
    PowerDevice device = pdu.opened().toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().until(() -> pdu.health().isConnected());

    // the connection stays up, but nothing comes back any more: no push, no answer
    sim.pausePushes();
    sim.setSilent(true);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> pdu.health().state() == ConnectionState.OFFLINE);
    assertThat(pdu.health().problem()).contains(ConnectionProblem.COMMUNICATION_ERROR);
    assertThat(pdu.health().message())
        .hasValueSatisfying(m -> assertThat(m).contains("nothing received for 1s"));
    double recycled =
        registry
            .get(PduMeter.LINK_RECYCLED.meterName())
            .tags(PduMeter.TAG_DEVICE, "quiet")
            .functionCounter()
            .count();
    assertThat(recycled).isGreaterThanOrEqualTo(1.0);

    sim.clearFaults();
    await().atMost(Duration.ofSeconds(15)).until(() -> pdu.health().isConnected());
    assertThat(pdu.device()).containsSame(device);
    assertThat(device.refresh().toCompletableFuture().get(5, TimeUnit.SECONDS).outlets())
        .hasSize(8);
  }

  @Test
  void aPushingDeviceIsNotRecycledWhileItTalks() throws Exception {
    sim = IsoTekSimulator.builder().outlets(8).pushInterval(Duration.ofMillis(200)).build().start();
    SupervisedDevice pdu =
        runtime.supervise(
            DeviceConfig.of("talks", "isotek:tcp://127.0.0.1:" + sim.port() + "?quiet=500ms"));
    pdu.opened().toCompletableFuture().get(10, TimeUnit.SECONDS);
    double readings = readings("talks");
    await().until(() -> readings("talks") >= readings + 10); // 2 s of pushes, 4 quiet periods
    assertThat(
            registry
                .get(PduMeter.LINK_RECYCLED.meterName())
                .tags(PduMeter.TAG_DEVICE, "talks")
                .functionCounter()
                .count())
        .isZero();
    assertThat(pdu.health().isConnected()).isTrue();
  }

  private double readings(String device) {
    return registry
        .get(PduMeter.READINGS_RECEIVED.meterName())
        .tags(PduMeter.TAG_DEVICE, device)
        .functionCounter()
        .count();
  }

  @Test
  void aDeviceWhoseDriverDoesNotReconnectIsClosedAndOpenedAgainAfterStayingOffline()
      throws Exception {
    FakeDriver driver = new FakeDriver("fake");
    try (PowerRuntime own =
        PowerRuntime.builder()
            .loadServices(false)
            .driver(driver)
            .transport(new FakeTransport("mem"))
            .retryBackoff(Duration.ofMillis(100), Duration.ofMillis(400))
            .reopenOffline(Duration.ofMillis(500))
            .build()) {
      SupervisedDevice d = own.supervise(DeviceConfig.of("stuck", "fake:mem://board"));
      d.opened().toCompletableFuture().get(10, TimeUnit.SECONDS);
      await().until(() -> d.health().isConnected());
      FakeDevice first = driver.devices.get(0);
      first.goOffline();
      await().until(() -> d.health().state() == ConnectionState.OFFLINE);
      // nothing in the driver brings it back: the supervisor does, once reopenOffline has passed
      await().atMost(Duration.ofSeconds(10)).until(() -> driver.devices.size() == 2);
      assertThat(first.connectionState()).isEqualTo(ConnectionState.CLOSED);
      await().until(() -> d.health().isConnected());
      assertThat(d.device()).containsSame(driver.devices.get(1));
    }
  }

  @Test
  void aDeviceClosedByItsUserIsOpenedAgainAndClosingTheRuntimeStopsEverything() throws Exception {
    sim = IsoTekSimulator.builder().outlets(8).build().start();
    SupervisedDevice pdu =
        runtime.supervise(DeviceConfig.of("reopened", "isotek:tcp://127.0.0.1:" + sim.port()));
    PowerDevice first = pdu.opened().toCompletableFuture().get(10, TimeUnit.SECONDS);
    first.close();
    await().until(() -> pdu.device().isPresent() && pdu.device().get() != first);
    await().until(() -> pdu.health().isConnected());
    List<Meter.Id> ids = registry.getMeters().stream().map(Meter::getId).toList();
    assertThat(ids).doesNotHaveDuplicates();

    runtime.close();
    assertThat(pdu.health().state()).isEqualTo(ConnectionState.CLOSED);
    assertThat(pdu.device()).isEmpty();
    assertThat(PowerRuntimeTest.ioThreads()).isEmpty();
    await().until(() -> sim.connectedClients() == 0);
    assertThatThrownBy(() -> runtime.supervise(DeviceConfig.of("late", "isotek:tcp://h:1")))
        .isInstanceOf(DeviceClosedException.class);
  }
}
