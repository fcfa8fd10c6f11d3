package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletType;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.mqtt.MqttBridge;
import io.pdu4j.mqtt.MqttCommand;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.config.GroupConfig;
import io.pdu4j.runtime.config.MqttConfig;
import io.pdu4j.runtime.config.OutletRef;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MQTT bridge against a real Mosquitto on loopback, with two simulated IsoTek units supervised
 * by the runtime: retained state and Home Assistant discovery, commands confirmed by the device,
 * failures answered, MQTT 5 request/response, a device restart and a broker restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MqttBridgeIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Mosquitto broker;
  static IsoTekSimulator rackA;
  static IsoTekSimulator rackB;
  static PowerRuntime runtime;
  static SimpleMeterRegistry registry;
  static MqttBridge bridge;
  static MqttProbe probe;
  static final List<MqttCommand> audit = new CopyOnWriteArrayList<>();
  static final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    broker = Mosquitto.start(dir);
    rackA =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .loadWatts(1, 40)
            .serialNumber("SN-A-0001")
            .build()
            .start();
    rackB = IsoTekSimulator.builder().outlets(8).jitter(false).build().start();
    registry = new SimpleMeterRegistry();
    runtime = PowerRuntime.builder().meterRegistry(registry).build();
    SupervisedDevice a =
        runtime.supervise(
            new DeviceConfig(
                "rack-a",
                "isotek:tcp://127.0.0.1:" + rackA.port(),
                Optional.of(Duration.ofSeconds(2)),
                Optional.empty()));
    SupervisedDevice b =
        runtime.supervise(
            new DeviceConfig(
                "rack-b",
                "isotek:tcp://127.0.0.1:" + rackB.port(),
                Optional.of(Duration.ofSeconds(2)),
                Optional.empty()));
    probe = MqttProbe.connect(broker.port());
    bridge = bridge("node-a", List.of(a, b), Set.of("rack-a", "rack-b"));
  }

  static MqttBridge bridge(String node, List<SupervisedDevice> devices, Set<String> configured) {
    MqttConfig c =
        new MqttConfig(
            MqttConfig.url(broker.url()),
            Optional.empty(),
            Optional.empty(),
            "pdu4j",
            node,
            true,
            Optional.empty(),
            Optional.empty());
    return MqttBridge.builder()
        .config(c)
        .devices(devices)
        .configured(configured)
        .groups(
            Map.of(
                "both",
                new GroupConfig(
                    "both",
                    List.of(new OutletRef("rack-a", "3"), new OutletRef("rack-b", "2")),
                    Duration.ZERO)))
        .meterRegistry(registry)
        .audit(audit::add)
        .log(log::add)
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (bridge != null) {
      bridge.close();
    }
    if (probe != null) {
      probe.close();
    }
    if (runtime != null) {
      runtime.close();
    }
    for (IsoTekSimulator s : new IsoTekSimulator[] {rackA, rackB}) {
      if (s != null) {
        s.close();
      }
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static JsonNode json(String topic) throws Exception {
    return JSON.readTree(probe.last(topic).orElseThrow());
  }

  /** Waits, at most {@link #WAIT}, until {@code check} passes. */
  private static void eventually(ThrowingRunnable check) {
    await().atMost(WAIT).untilAsserted(check);
  }

  private static void awaitTopic(String topic, String payload) {
    eventually(() -> assertThat(probe.last(topic)).as(topic).hasValue(payload));
  }

  /** What was published on {@code topic} so far, in order. */
  private static List<MqttProbe.Received> sentOn(String topic) {
    return probe.all().stream().filter(m -> m.topic().equals(topic)).toList();
  }

  @Test
  @Order(1)
  void publishesRetainedStateAndHomeAssistantDiscovery() throws Exception {
    awaitTopic("pdu4j/node/node-a/status", "online");
    awaitTopic("pdu4j/rack-a/availability", "online");
    awaitTopic("pdu4j/rack-b/availability", "online");
    awaitTopic("pdu4j/rack-a/outlet/1/state", "ON");
    eventually(
        () -> {
          assertThat(probe.last("pdu4j/rack-a/outlet/1/power")).hasValue("40.0");
          assertThat(probe.last("pdu4j/rack-a/outlet/1/voltage")).isPresent();
          assertThat(probe.last("pdu4j/rack-a/outlet/1/energy")).isPresent();
          assertThat(probe.last("pdu4j/rack-a/status")).isPresent();
          assertThat(probe.last("homeassistant/switch/pdu4j_rack-a/outlet_8_switch/config"))
              .isPresent();
          assertThat(probe.last("homeassistant/switch/pdu4j_rack-a/outlet_1_switch/config"))
              .hasValueSatisfying(v -> assertThat(v).contains("SMART Power 8"));
        });
    assertThat(Double.parseDouble(probe.last("pdu4j/rack-a/outlet/1/energy").get()))
        .isGreaterThanOrEqualTo(0.0);

    JsonNode sw = json("homeassistant/switch/pdu4j_rack-a/outlet_1_switch/config");
    assertThat(sw.path("command_topic").asText()).isEqualTo("pdu4j/rack-a/outlet/1/set");
    assertThat(sw.path("state_topic").asText()).isEqualTo("pdu4j/rack-a/outlet/1/state");
    assertThat(sw.path("optimistic").asBoolean(true)).isFalse();
    assertThat(sw.path("unique_id").asText()).isEqualTo("pdu4j_rack-a_outlet_1_switch");
    assertThat(sw.path("availability").findValuesAsText("topic"))
        .containsExactly("pdu4j/rack-a/availability", "pdu4j/node/node-a/status");
    assertThat(sw.path("availability_mode").asText()).isEqualTo("all");
    JsonNode device = sw.path("device");
    assertThat(device.path("identifiers").get(0).asText()).isEqualTo("pdu4j_rack-a");
    io.pdu4j.api.DeviceInfo info = runtime.supervised().get(0).device().orElseThrow().info();
    assertThat(device.path("manufacturer").asText()).isEqualTo(info.vendor()).isEqualTo("IsoTek");
    assertThat(device.path("model").asText()).isEqualTo(info.model());
    // the serial number the unit answered to A?
    assertThat(info.serial()).hasValue("SN-A-0001");
    assertThat(device.path("serial_number").asText()).isEqualTo("SN-A-0001");

    JsonNode power = json("homeassistant/sensor/pdu4j_rack-a/outlet_1_power/config");
    assertThat(power.path("device_class").asText()).isEqualTo("power");
    assertThat(power.path("unit_of_measurement").asText()).isEqualTo("W");
    assertThat(power.path("state_class").asText()).isEqualTo("measurement");
    assertThat(power.path("state_topic").asText()).isEqualTo("pdu4j/rack-a/outlet/1/power");
    JsonNode energy = json("homeassistant/sensor/pdu4j_rack-a/outlet_1_energy/config");
    assertThat(energy.path("unit_of_measurement").asText()).isEqualTo("kWh");
    assertThat(energy.path("state_class").asText()).isEqualTo("total_increasing");
    JsonNode voltage = json("homeassistant/sensor/pdu4j_rack-a/outlet_1_voltage/config");
    assertThat(voltage.path("unit_of_measurement").asText()).isEqualTo("V");

    // the status object is the one status --json prints
    JsonNode status = json("pdu4j/rack-a/status");
    assertThat(status.path("device").path("model").asText()).isEqualTo(info.model());
    assertThat(status.path("outlets")).hasSize(8);

    // the node's list of what it publishes
    eventually(
        () -> {
          JsonNode owned = json("pdu4j/node/node-a/devices");
          assertThat(owned.path("devices").path("rack-a").toString())
              .as("%s", sentOn("pdu4j/node/node-a/devices"))
              .isEqualTo("[1,2,3,4,5,6,7,8]");
          assertThat(owned.path("devices").path("rack-b").toString())
              .as("%s", sentOn("pdu4j/node/node-a/devices"))
              .isEqualTo("[1,2,3,4,5,6,7,8]");
        });
  }

  @Test
  @Order(2)
  void aCommandSwitchesTheOutletAndTheConfirmedStateIsPublished() throws Exception {
    awaitTopic("pdu4j/rack-a/outlet/2/state", "ON");
    probe.publish("pdu4j/rack-a/outlet/2/set", "OFF");
    awaitTopic("pdu4j/rack-a/outlet/2/state", "OFF");
    assertThat(rackA.outletState(2)).isFalse();
    JsonNode result = JSON.readTree(awaitResult("pdu4j/rack-a/outlet/2/result"));
    assertThat(result.path("ok").asBoolean()).isTrue();
    assertThat(result.path("state").asText()).isEqualTo("OFF");

    probe.publish("pdu4j/rack-a/outlet/2/set", "on");
    awaitTopic("pdu4j/rack-a/outlet/2/state", "ON");
    assertThat(rackA.outletState(2)).isTrue();
    eventually(
        () ->
            assertThat(audit)
                .anySatisfy(
                    c -> {
                      assertThat(c.device()).hasValue("rack-a");
                      assertThat(c.outlet()).hasValue("2");
                      assertThat(c.action()).isEqualTo("off");
                      assertThat(c.ok()).isTrue();
                    }));
  }

  private static String awaitResult(String topic) {
    await().atMost(WAIT).until(() -> probe.last(topic).isPresent());
    return probe.last(topic).get();
  }

  @Test
  @Order(3)
  void aLockedOutletIsAnsweredWithItsErrorAndAudited() throws Exception {
    PowerDevice a = runtime.supervised().get(0).device().orElseThrow();
    a.outlet(3)
        .configure(new OutletConfig("Fridge", OutletType.LOCKED, Duration.ZERO))
        .toCompletableFuture()
        .get();
    boolean before = rackA.outletState(3);
    probe.publish("pdu4j/rack-a/outlet/3/set", before ? "OFF" : "ON");
    JsonNode result = JSON.readTree(awaitResult("pdu4j/rack-a/outlet/3/result"));
    assertThat(result.path("ok").asBoolean(true)).isFalse();
    assertThat(result.path("error").asText()).isNotBlank().isNotEqualTo("internal");
    assertThat(result.path("message").asText()).containsIgnoringCase("lock");
    assertThat(rackA.outletState(3)).isEqualTo(before);
    eventually(
        () ->
            assertThat(audit)
                .anySatisfy(
                    c -> {
                      assertThat(c.outlet()).hasValue("3");
                      assertThat(c.ok()).isFalse();
                    }));
    a.outlet(3)
        .configure(new OutletConfig("Fridge", OutletType.NORMAL, Duration.ZERO))
        .toCompletableFuture()
        .get();
  }

  @Test
  @Order(4)
  void unknownDevicesOutletsAndCommandsAreAnsweredNeverDropped() throws Exception {
    probe.publish("pdu4j/no-such-rack/outlet/1/set", "ON");
    JsonNode unknown = JSON.readTree(awaitResult("pdu4j/no-such-rack/outlet/1/result"));
    assertThat(unknown.path("error").asText()).isEqualTo("not_found");
    assertThat(unknown.path("message").asText()).contains("no-such-rack");

    probe.publish("pdu4j/rack-a/outlet/99/set", "ON");
    JsonNode noOutlet = JSON.readTree(awaitResult("pdu4j/rack-a/outlet/99/result"));
    assertThat(noOutlet.path("error").asText()).isEqualTo("not_found");

    probe.publish("pdu4j/rack-b/outlet/1/set", "TOGGLE");
    JsonNode bad = JSON.readTree(awaitResult("pdu4j/rack-b/outlet/1/result"));
    assertThat(bad.path("error").asText()).isEqualTo("invalid_argument");
    assertThat(bad.path("message").asText()).contains("ON, OFF or CYCLE");
    assertThat(rackB.commandsReceived()).noneMatch(c -> c.startsWith("S1="));

    probe.publish("pdu4j/group/nope/set", "ON");
    JsonNode noGroup = JSON.readTree(awaitResult("pdu4j/group/nope/result"));
    assertThat(noGroup.path("error").asText()).isEqualTo("not_found");
  }

  @Test
  @Order(5)
  void aGroupSwitchesItsOutletsInOrder() throws Exception {
    probe.publish("pdu4j/group/both/set", "OFF");
    JsonNode r = JSON.readTree(awaitResult("pdu4j/group/both/result"));
    assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.path("outlets").findValuesAsText("device")).containsExactly("rack-a", "rack-b");
    assertThat(rackA.outletState(3)).isFalse();
    assertThat(rackB.outletState(2)).isFalse();
    awaitTopic("pdu4j/rack-b/outlet/2/state", "OFF");
  }

  @Test
  @Order(6)
  void mqtt5RequestsAreAnsweredOnTheirResponseTopicWithTheirCorrelationData() throws Exception {
    byte[] id = "req-42".getBytes(StandardCharsets.UTF_8);
    probe.request("pdu4j/rack-b/outlet/1/set", "OFF", "replies/me", id);
    eventually(
        () ->
            assertThat(probe.all())
                .anySatisfy(
                    m -> {
                      assertThat(m.topic()).isEqualTo("replies/me");
                      assertThat(m.correlation()).isPresent();
                      assertThat(StandardCharsets.UTF_8.decode(m.correlation().get()).toString())
                          .isEqualTo("req-42");
                      assertThat(m.payload()).contains("\"ok\":true").contains("\"OFF\"");
                    }));
    assertThat(rackB.outletState(1)).isFalse();
  }

  @Test
  @Order(7)
  void aDeviceThatRestartsGoesOfflineAndComesBack() throws Exception {
    int port = rackB.port();
    rackB.close();
    awaitTopic("pdu4j/rack-b/availability", "offline");
    rackB = IsoTekSimulator.builder().outlets(8).jitter(false).tcpPort(port).build().start();
    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () -> assertThat(probe.last("pdu4j/rack-b/availability")).hasValue("online"));
  }

  @Test
  @Order(8)
  void afterABrokerRestartTheRetainedStateIsPublishedAgain() throws Exception {
    awaitTopic("pdu4j/rack-a/availability", "online");
    broker.stop();
    await().atMost(WAIT).until(() -> !bridge.connected());
    broker.restart(); // without persistence: every retained message is gone
    probe.forget();
    await().atMost(WAIT).until(bridge::connected);
    probe.subscribe();
    awaitTopic("pdu4j/node/node-a/status", "online");
    awaitTopic("pdu4j/rack-a/availability", "online");
    eventually(
        () -> {
          assertThat(probe.last("pdu4j/rack-a/outlet/2/state")).hasValue("ON");
          assertThat(probe.last("homeassistant/switch/pdu4j_rack-a/outlet_2_switch/config"))
              .isPresent();
          assertThat(probe.last("pdu4j/node/node-a/devices")).isPresent();
        });
    assertThat(String.join("\n", log)).contains("lost the broker").contains("connected to");
  }

  @Test
  @Order(9)
  void aDeviceRemovedFromTheConfigurationLosesItsDiscoveryEntries() throws Exception {
    awaitTopic("pdu4j/rack-b/availability", "online");
    assertThat(probe.last("homeassistant/switch/pdu4j_rack-b/outlet_1_switch/config").orElse(""))
        .isNotEmpty();
    bridge.close();
    awaitTopic("pdu4j/node/node-a/status", "offline");
    awaitTopic("pdu4j/rack-b/availability", "offline");
    // the next run of the same node has rack-a only
    bridge = bridge("node-a", List.of(runtime.supervised().get(0)), Set.of("rack-a"));
    awaitTopic("homeassistant/switch/pdu4j_rack-b/outlet_1_switch/config", "");
    awaitTopic("homeassistant/sensor/pdu4j_rack-b/outlet_2_power/config", "");
    awaitTopic("pdu4j/rack-b/availability", "");
    awaitTopic("pdu4j/rack-b/outlet/1/state", "");
    assertThat(probe.last("homeassistant/switch/pdu4j_rack-a/outlet_1_switch/config").orElse(""))
        .isNotEmpty();
    eventually(
        () ->
            assertThat(json("pdu4j/node/node-a/devices").path("devices").has("rack-b")).isFalse());
  }
}
