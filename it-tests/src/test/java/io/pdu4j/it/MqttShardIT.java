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
 * whichever instance owns it, and a shard that dies goes offline through its last will and comes
 * back when restarted.
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
        IsoTekSimulator s = IsoTekSimulator.builder().outlets(8).jitter(false).build().start();
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
      // one answer per command: only the owner answers
      for (String n : names.keySet()) {
        assertThat(probe.all())
            .filteredOn(m -> m.topic().equals("pdu4j/" + n + "/outlet/4/result"))
            .hasSize(1);
      }

      // shard 1 dies: the broker publishes its last will; the others stay online
      shards.get(1).kill();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(probe.last("pdu4j/node/lab-1/status")).hasValue("offline"));
      assertThat(probe.last("pdu4j/node/lab-0/status")).hasValue("online");
      assertThat(probe.last("pdu4j/node/lab-2/status")).hasValue("online");

      // restarted, it publishes its devices again
      shards.set(1, ServeProcess.start(config, "shard-1b", "--shard", "1/" + SHARDS));
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(probe.last("pdu4j/node/lab-1/status")).hasValue("online"));
      for (Map.Entry<String, Integer> e : names.entrySet()) {
        if (e.getValue() == 1) {
          await()
              .atMost(WAIT)
              .untilAsserted(
                  () ->
                      assertThat(probe.last("pdu4j/" + e.getKey() + "/availability"))
                          .hasValue("online"));
        }
      }
    } finally {
      shards.forEach(ServeProcess::close);
      sims.forEach(IsoTekSimulator::close);
    }
  }
}
