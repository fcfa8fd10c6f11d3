package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code pdu4j serve} with an {@code mqtt} section, against a Mosquitto that wants a
 * user and password: the password read from a file reference and never seen again (payloads,
 * serve's log, the broker's log), commands confirmed by the device, a failure answered and written
 * to the API's audit file, and the last will when serve dies.
 */
class MqttServeIT {
  private static final String PASSWORD = "s3cret-Mqtt-pw-7f1c";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void serveBridgesItsDevicesToAnAuthenticatingBroker() throws Exception {
    try (Mosquitto broker = Mosquitto.start(dir, "pdu4j", PASSWORD);
        IsoTekSimulator rack =
            IsoTekSimulator.builder().outlets(8).jitter(false).loadWatts(1, 25).build().start()) {
      Path secret = Files.writeString(dir.resolve("mqtt.password"), PASSWORD + "\n");
      Path token = Files.writeString(dir.resolve("ci.token"), "0123456789abcdef0123456789abcdef\n");
      Path audit = dir.resolve("audit.jsonl");
      Path config =
          Files.writeString(
              dir.resolve("devices.yaml"),
              """
              devices:
                rack:
                  uri: "isotek:tcp://127.0.0.1:%d"
                  timeout: 2s
              metrics:
                prometheus:
                  host: 127.0.0.1
                  port: 0
              api:
                host: 127.0.0.1
                port: 0
                auth:
                  tokens:
                    ci: { token: "file:%s", role: operator }
                audit: "%s"
              mqtt:
                url: %s
                username: pdu4j
                password: "file:%s"
                node: serve-1
              """
                  .formatted(rack.port(), token, audit, broker.url(), secret));
      // the probe needs the password too: the broker refuses anonymous clients
      try (MqttProbe probe = MqttProbe.connect(broker.port(), "pdu4j", PASSWORD);
          ServeProcess serve = ServeProcess.start(config)) {
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  assertThat(probe.last("pdu4j/node/serve-1/status")).hasValue("online");
                  assertThat(probe.last("pdu4j/rack/availability")).hasValue("online");
                  assertThat(probe.last("pdu4j/rack/outlet/1/power")).hasValue("25.0");
                  assertThat(probe.last("homeassistant/switch/pdu4j_rack/outlet_1_switch/config"))
                      .isPresent();
                });

        // a command: the device switches, and its confirmed state is published
        await().atMost(WAIT).until(() -> probe.last("pdu4j/rack/outlet/5/state").isPresent());
        probe.publish("pdu4j/rack/outlet/5/set", "OFF");
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> assertThat(probe.last("pdu4j/rack/outlet/5/state")).hasValue("OFF"));
        assertThat(rack.outletState(5)).isFalse();

        // a failure: no outlet 12 on an 8-outlet unit; answered, and audited
        probe.publish("pdu4j/rack/outlet/12/set", "ON");
        await().atMost(WAIT).until(() -> probe.last("pdu4j/rack/outlet/12/result").isPresent());
        JsonNode failed = JSON.readTree(probe.last("pdu4j/rack/outlet/12/result").get());
        assertThat(failed.path("ok").asBoolean(true)).isFalse();
        assertThat(failed.path("error").asText()).isEqualTo("not_found");
        await()
            .atMost(WAIT)
            .until(() -> Files.exists(audit) && Files.readAllLines(audit).size() >= 2);
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(audit, StandardCharsets.UTF_8)) {
          lines.add(JSON.readTree(l));
        }
        // in the order the commands finished, which need not be the order they were sent
        lines.sort(java.util.Comparator.comparing(n -> n.path("outlet").asText()));
        assertThat(lines).hasSize(2);
        JsonNode bad = lines.get(0);
        JsonNode ok = lines.get(1);
        assertThat(ok.path("remote").asText()).isEqualTo("mqtt:pdu4j/rack/outlet/5/set");
        assertThat(ok.path("device").asText()).isEqualTo("rack");
        assertThat(ok.path("outlet").asText()).isEqualTo("5");
        assertThat(ok.path("action").asText()).isEqualTo("off");
        assertThat(ok.path("outcome").asText()).isEqualTo("ok");
        assertThat(bad.path("remote").asText()).isEqualTo("mqtt:pdu4j/rack/outlet/12/set");
        assertThat(bad.path("outcome").asText()).isEqualTo("not_found");
        assertThat(bad.path("status").asInt()).isEqualTo(404);

        // the bridge's drop counter is served with the other meters
        assertThat(serve.metrics())
            .contains("pdu_mqtt_publish_dropped_total")
            .contains("pdu_mqtt_connected 1.0");

        // serve dies without a word: the broker publishes its last will
        serve.kill();
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> assertThat(probe.last("pdu4j/node/serve-1/status")).hasValue("offline"));

        String everything =
            probe.everything() + serve.log() + broker.log() + Files.readString(audit);
        assertThat(everything).doesNotContain(PASSWORD);
        assertThat(serve.log()).contains("MQTT bridge to " + broker.url());
      }
    }
  }
}
