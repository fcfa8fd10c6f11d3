package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pdu4j.mqtt.MqttBridge;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.config.MqttConfig;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.testkit.TcpFaultProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bridges of several nodes on one Mosquitto, each a {@link MqttBridge} in this JVM over the same
 * supervised simulators; a node "dies" when the TCP relay between it and the broker is closed, so
 * that the broker publishes its last will. A live peer then publishes the dead node's devices
 * {@code offline}, but not a device a live node runs; a bridge that starts does the same for a node
 * that died while no peer ran; and a node sets its device {@code online} again when another
 * client's late {@code offline} reaches the broker after it.
 */
class MqttPeersIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  static final Map<String, IsoTekSimulator> sims = new TreeMap<>();
  static PowerRuntime runtime;
  static final Map<String, SupervisedDevice> devices = new TreeMap<>();

  Mosquitto broker;
  MqttProbe probe;
  final List<MqttBridge> bridges = new ArrayList<>();
  final List<TcpFaultProxy> relays = new ArrayList<>();

  @BeforeAll
  static void simulators() {
    runtime = PowerRuntime.builder().meterRegistry(new SimpleMeterRegistry()).build();
    for (String n : List.of("rack-a", "rack-b", "rack-c")) {
      IsoTekSimulator s = IsoTekSimulator.builder().outlets(8).jitter(false).build().start();
      sims.put(n, s);
      devices.put(
          n,
          runtime.supervise(
              new DeviceConfig(
                  n,
                  "isotek:tcp://127.0.0.1:" + s.port(),
                  Optional.of(Duration.ofSeconds(2)),
                  Optional.empty())));
    }
  }

  @AfterAll
  static void stopSimulators() {
    if (runtime != null) {
      runtime.close();
    }
    sims.values().forEach(IsoTekSimulator::close);
  }

  @BeforeEach
  void startBroker() throws Exception {
    broker = Mosquitto.start(dir);
    probe = MqttProbe.connect(broker.port());
  }

  @AfterEach
  void stopBroker() {
    bridges.forEach(MqttBridge::close);
    relays.forEach(TcpFaultProxy::close);
    if (probe != null) {
      probe.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  /** A bridge of {@code node} for {@code names}, straight to the broker. */
  private MqttBridge bridge(String node, String... names) {
    return bridge(node, broker.port(), names);
  }

  /** A bridge of {@code node} through a relay that {@link TcpFaultProxy#close()} cuts. */
  private TcpFaultProxy mortal(String node, String... names) {
    TcpFaultProxy relay = TcpFaultProxy.start(broker.port());
    relays.add(relay);
    bridge(node, relay.port(), names);
    return relay;
  }

  private MqttBridge bridge(String node, int port, String... names) {
    MqttConfig c =
        new MqttConfig(
            MqttConfig.url("tcp://127.0.0.1:" + port),
            Optional.empty(),
            Optional.empty(),
            "pdu4j",
            node,
            false,
            Optional.empty(),
            Optional.empty());
    MqttBridge b =
        MqttBridge.builder()
            .config(c)
            .devices(List.of(names).stream().map(devices::get).toList())
            .configured(devices.keySet())
            .start();
    bridges.add(b);
    return b;
  }

  private void awaitTopic(String topic, String payload) {
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(probe.last(topic)).as(topic).hasValue(payload));
  }

  /** Until the node's list names each device, so that peers know it. */
  private void awaitListed(String node, String... names) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              String list = probe.last("pdu4j/node/" + node + "/devices").orElse("");
              for (String n : names) {
                assertThat(list).contains("\"" + n + "\"");
              }
            });
  }

  /** The payloads on {@code topic} since message number {@code from} of the probe. */
  private List<String> since(int from, String topic) {
    List<MqttProbe.Received> all = probe.all();
    return all.subList(from, all.size()).stream()
        .filter(m -> m.topic().equals(topic))
        .map(MqttProbe.Received::payload)
        .toList();
  }

  @Test
  void aPeerMarksTheDevicesOfADeadNodeOfflineButNotOneALiveNodeRuns() {
    bridge("node-a", "rack-a");
    TcpFaultProxy x = mortal("node-x", "rack-b", "rack-c");
    // rack-b has moved to node-y, a live node, while node-x's list still names it
    bridge("node-y", "rack-b");
    for (String n : List.of("rack-a", "rack-b", "rack-c")) {
      awaitTopic("pdu4j/" + n + "/availability", "online");
    }
    awaitListed("node-x", "rack-b", "rack-c");
    awaitListed("node-y", "rack-b");
    awaitTopic("pdu4j/node/node-y/status", "online");
    int before = probe.all().size();

    x.close(); // node-x dies: the broker publishes its last will
    awaitTopic("pdu4j/node/node-x/status", "offline");
    // both peers (node-a and node-y) mark rack-c, the device of node-x that no live node runs
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(since(before, "pdu4j/rack-c/availability"))
                    .containsExactly("offline", "offline"));
    // each peer marks in name order, so a wrong mark of rack-b would have come before rack-c's
    assertThat(since(before, "pdu4j/rack-b/availability")).isEmpty();
    assertThat(probe.last("pdu4j/rack-b/availability")).hasValue("online");
    assertThat(probe.last("pdu4j/rack-a/availability")).hasValue("online");
    assertThat(since(before, "pdu4j/rack-a/availability")).isEmpty();
  }

  @Test
  void aBridgeThatStartsMarksTheDevicesOfANodeThatDiedWhileNoPeerRan() {
    TcpFaultProxy z = mortal("node-z", "rack-c");
    awaitTopic("pdu4j/rack-c/availability", "online");
    awaitListed("node-z", "rack-c");
    z.close();
    awaitTopic("pdu4j/node/node-z/status", "offline");
    // no peer runs: the dead node's device keeps what it last said
    assertThat(probe.last("pdu4j/rack-c/availability")).hasValue("online");

    bridge("node-a", "rack-a");
    awaitTopic("pdu4j/rack-c/availability", "offline");
    awaitTopic("pdu4j/rack-a/availability", "online");
  }

  @Test
  void aNodeSetsItsDeviceOnlineAgainAfterALateOfflineFromAnotherClient() throws Exception {
    bridge("node-a", "rack-a");
    awaitTopic("pdu4j/rack-a/availability", "online");
    awaitTopic("pdu4j/node/node-a/status", "online");
    // what a peer's mark for a dead node looks like when it reaches the broker after the node
    // came back and published its device online
    int before = probe.all().size();
    probe.publishRetained("pdu4j/rack-a/availability", "offline");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(since(before, "pdu4j/rack-a/availability"))
                    .containsExactly("offline", "online"));
  }
}
