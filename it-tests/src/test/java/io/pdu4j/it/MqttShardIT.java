package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.runtime.config.Shard;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code serve --shard I/3} instances of the packaged jar share one configuration and one
 * Mosquitto: each runs and publishes its own devices, every device is switched through the broker
 * whichever instance owns it, and a shard that dies goes offline through its last will, its devices
 * offline through the live shards, and both come back when it is restarted. {@code pdu4j --mqtt}
 * reads and switches devices of two shards through the broker, and the file's {@code shard:} key
 * yields to each instance's {@code --shard}.
 */
class MqttShardIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int SHARDS = 3;

  @TempDir Path dir;

  /** Two device names per shard, picked by the same hash serve uses. */
  private static Map<String, Integer> names() {
    Map<String, Integer> names = new LinkedHashMap<>();
    int[] per = new int[SHARDS];
    for (int i = 0; names.size() < 2 * SHARDS; i++) {
      String n = "rack-" + i;
      int s = Shard.of(n, SHARDS);
      if (per[s] < 2) {
        per[s]++;
        names.put(n, s);
      }
    }
    return names;
  }

  @Test
  void threeShardsShareOneBrokerAndADeadShardGoesOffline() throws Exception {
    Map<String, Integer> names = names();
    List<IsoTekSimulator> sims = new ArrayList<>();
    List<ServeProcess> shards = new ArrayList<>();
    try (Mosquitto broker = Mosquitto.start(dir);
        MqttProbe probe = MqttProbe.connect(broker.port())) {
      StringBuilder yaml = new StringBuilder("devices:\n");
      Map<String, IsoTekSimulator> byName = new LinkedHashMap<>();
      for (String n : names.keySet()) {
        IsoTekSimulator s =
            IsoTekSimulator.builder()
                .outlets(8)
                .jitter(false)
                .outletConfig(2, "Fridge", 3, 0) // locked
                .build()
                .start();
        sims.add(s);
        byName.put(n, s);
        yaml.append("  ")
            .append(n)
            .append(":\n    uri: \"isotek:tcp://127.0.0.1:")
            .append(s.port())
            .append("\"\n    timeout: 2s\n");
      }
      yaml.append(
          """
          metrics:
            prometheus:
              host: 127.0.0.1
              port: 0
          mqtt:
            url: %s
            node: lab
            homeassistant: false
          shard: 0/3
          """
              .formatted(broker.url()));
      Path config = Files.writeString(dir.resolve("devices.yaml"), yaml.toString());
      for (int i = 0; i < SHARDS; i++) {
        shards.add(ServeProcess.start(config, "shard-" + i, "--shard", i + "/" + SHARDS));
      }

      // each shard publishes exactly its own devices
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                for (int i = 0; i < SHARDS; i++) {
                  assertThat(probe.last("pdu4j/node/lab-" + i + "/status")).hasValue("online");
                }
                for (String n : names.keySet()) {
                  assertThat(probe.last("pdu4j/" + n + "/availability")).as(n).hasValue("online");
                  assertThat(probe.last("pdu4j/" + n + "/outlet/4/state")).as(n).hasValue("ON");
                }
              });
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                for (int i = 0; i < SHARDS; i++) {
                  String list = probe.last("pdu4j/node/lab-" + i + "/devices").orElse("");
                  for (Map.Entry<String, Integer> e : names.entrySet()) {
                    assertThat(list.contains("\"" + e.getKey() + "\""))
                        .as("shard %d lists %s", i, e.getKey())
                        .isEqualTo(e.getValue() == i);
                  }
                }
              });

      // every device switched through the broker, whichever shard owns it
      for (String n : names.keySet()) {
        probe.publish("pdu4j/" + n + "/outlet/4/set", "OFF");
      }
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                for (String n : names.keySet()) {
                  assertThat(probe.last("pdu4j/" + n + "/outlet/4/state")).as(n).hasValue("OFF");
                  assertThat(byName.get(n).outletState(4)).as(n).isFalse();
                }
              });
      // one answer per command: only the owner answers (the answer follows the state it confirms)
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                for (String n : names.keySet()) {
                  assertThat(probe.all())
                      .filteredOn(m -> m.topic().equals("pdu4j/" + n + "/outlet/4/result"))
                      .hasSize(1);
                }
              });

      cliThroughTheBroker(broker, names, byName);

      // shard 1 dies: the broker publishes its last will; the others stay online
      shards.get(1).kill();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(probe.last("pdu4j/node/lab-1/status")).hasValue("offline"));
      assertThat(probe.last("pdu4j/node/lab-0/status")).hasValue("online");
      assertThat(probe.last("pdu4j/node/lab-2/status")).hasValue("online");
      // the live shards publish the dead one's devices offline (it cannot), and only those
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                for (Map.Entry<String, Integer> e : names.entrySet()) {
                  assertThat(probe.last("pdu4j/" + e.getKey() + "/availability"))
                      .as(e.getKey())
                      .hasValue(e.getValue() == 1 ? "offline" : "online");
                }
              });
      String ofShard1 = ofShard(names, 1);
      CliIT.Run offline = CliIT.pdu4j("--mqtt", broker.url(), "status", ofShard1);
      assertThat(offline.exit()).as(offline.err()).isEqualTo(4);
      assertThat(offline.err()).contains(ofShard1 + " is OFFLINE (node lab-1)");

      // restarted, it publishes its devices again
      shards.set(1, ServeProcess.start(config, "shard-1b", "--shard", "1/" + SHARDS));
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(probe.last("pdu4j/node/lab-1/status")).hasValue("online"));
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                for (String n : names.keySet()) {
                  assertThat(probe.last("pdu4j/" + n + "/availability")).as(n).hasValue("online");
                }
              });
      CliIT.Run back = CliIT.pdu4j("--mqtt", broker.url(), "status", ofShard1);
      assertThat(back.exit()).as(back.err()).isZero();
    } finally {
      shards.forEach(ServeProcess::close);
      sims.forEach(IsoTekSimulator::close);
    }
  }

  private static String ofShard(Map<String, Integer> names, int shard) {
    return names.entrySet().stream()
        .filter(e -> e.getValue() == shard)
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow();
  }

  /**
   * {@code pdu4j --mqtt}: status, on, off and cycle of devices of two shards, a locked outlet, no
   * node.
   */
  private static void cliThroughTheBroker(
      Mosquitto broker, Map<String, Integer> names, Map<String, IsoTekSimulator> sims)
      throws Exception {
    String url = broker.url();
    for (int shard : new int[] {0, 2}) {
      String n = ofShard(names, shard);
      // the retained status follows the device's next report after the switch to OFF above
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                CliIT.Run status = CliIT.pdu4j("--mqtt", url, "status", n, "--json");
                assertThat(status.exit()).as(status.err()).isZero();
                assertThat(status.out()).containsPattern("\"number\":4,[^}]*\"state\":\"OFF\"");
              });
      CliIT.Run table = CliIT.pdu4j(Map.of("PDU4J_MQTT", url), "status", n);
      assertThat(table.exit()).as(table.err()).isZero();
      assertThat(table.out()).contains("Fridge");

      CliIT.Run on = CliIT.pdu4j("--mqtt", url, "on", n, "4", "5");
      assertThat(on.exit()).as(on.err()).isZero();
      assertThat(on.out()).containsPattern("outlet +4 .*ON").containsPattern("outlet +5 .*ON");
      assertThat(sims.get(n).outletState(4)).isTrue();
      CliIT.Run off = CliIT.pdu4j("off", n, "5", "--mqtt", url, "--json");
      assertThat(off.exit()).as(off.err()).isZero();
      assertThat(off.out()).contains("\"device\":\"" + n + "\"").contains("\"state\":\"OFF\"");
      assertThat(sims.get(n).outletState(5)).isFalse();
    }

    String n = ofShard(names, 0);
    // cycle: the device's bridge switches it off, waits its off time and switches it on again
    CliIT.Run cycle = CliIT.pdu4j("--mqtt", url, "cycle", n, "5");
    assertThat(cycle.exit()).as(cycle.err()).isZero();
    assertThat(cycle.out()).containsPattern("outlet +5 .*ON");
    assertThat(sims.get(n).outletState(5)).isTrue();
    List<String> outlet5 =
        sims.get(n).commandsReceived().stream().filter(c -> c.startsWith("S5=")).toList();
    // before it: on, then off (above); the cycle adds its off and its on
    assertThat(outlet5.subList(outlet5.size() - 2, outlet5.size()))
        .satisfiesExactly(
            off -> assertThat(off).startsWith("S5=0"), on -> assertThat(on).startsWith("S5=1"));
    CliIT.Run offTime = CliIT.pdu4j("--mqtt", url, "cycle", n, "5", "--off-time", "1s");
    assertThat(offTime.exit()).as(offTime.err()).isEqualTo(2);
    assertThat(offTime.err()).contains("the bridge's off time");
    CliIT.Run cycleLocked = CliIT.pdu4j("--mqtt", url, "cycle", n, "2");
    assertThat(cycleLocked.exit()).as(cycleLocked.err()).isEqualTo(3);
    assertThat(cycleLocked.err()).contains("outlet 2 (Fridge)").contains("cannot be switched");

    boolean before = sims.get(n).outletState(2);
    CliIT.Run locked = CliIT.pdu4j("--mqtt", url, before ? "off" : "on", n, "2");
    assertThat(locked.exit()).as(locked.out() + locked.err()).isEqualTo(3);
    assertThat(locked.err()).contains("outlet 2 (Fridge)").contains("cannot be switched");
    assertThat(sims.get(n).outletState(2)).isEqualTo(before);

    CliIT.Run nobody = CliIT.pdu4j("--mqtt", url, "on", "no-such-rack", "1", "--timeout", "1s");
    assertThat(nobody.exit()).as(nobody.err()).isEqualTo(4);
    assertThat(nobody.err()).contains("no node answers for no-such-rack");

    CliIT.Run unreachable =
        CliIT.pdu4j("--mqtt", "tcp://127.0.0.1:1", "status", n, "--timeout", "1s");
    assertThat(unreachable.exit()).as(unreachable.err()).isEqualTo(4);
    assertThat(unreachable.err()).contains("cannot reach the MQTT broker");
  }
}
