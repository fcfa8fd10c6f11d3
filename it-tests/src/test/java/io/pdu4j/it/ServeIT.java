package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged {@code pdu4j serve}, as a separate process, across a simulator restart. */
class ServeIT {
  private IsoTekSimulator sim;
  private ServeProcess serve;

  @TempDir Path dir;

  @AfterEach
  void stop() {
    if (serve != null) {
      serve.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void keepsServingAcrossASimulatorRestartAndShowsTheDeviceOfflineThenBack() throws Exception {
    sim = IsoTekSimulator.builder().outlets(8).tcpPort(0).build().start();
    int port = sim.port();
    Path config =
        Files.writeString(
            dir.resolve("devices.yaml"),
            """
            devices:
              rack:
                uri: "isotek:tcp://127.0.0.1:%d"
            metrics:
              prometheus:
                host: 127.0.0.1
                port: 0
            """
                .formatted(port));
    serve = ServeProcess.start(config);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> serve.health("rack").path("state").asText(), "CONNECTED"::equals);
    assertThat(serve.metrics())
        .containsPattern(
            "(?m)^pdu_device_health\\{device=\"rack\",problem=\"none\",state=\"connected\"} 1");

    sim.close();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> serve.health("rack").path("state").asText(), "OFFLINE"::equals);
    JsonNode offline = serve.health("rack");
    assertThat(offline.path("problem").asText()).isEqualTo("COMMUNICATION_ERROR");
    assertThat(offline.path("message").asText()).isNotEmpty();
    assertThat(serve.metrics())
        .containsPattern(
            "(?m)^pdu_device_health\\{device=\"rack\",problem=\"communication_error\","
                + "state=\"offline\"} 1")
        .containsPattern("(?m)^pdu_device_connected\\{device=\"rack\"} 0");

    sim = IsoTekSimulator.builder().outlets(8).tcpPort(port).build().start();
    await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> serve.health("rack").path("state").asText(), "CONNECTED"::equals);
    assertThat(serve.health("rack").has("problem")).isFalse();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(serve.metrics())
                    .containsPattern("(?m)^pdu_device_connected\\{device=\"rack\"} 1")
                    .containsPattern("(?m)^pdu_link_reconnects_total\\{device=\"rack\"} 1"));

    // SIGTERM: the shutdown hook stops the server and the runtime
    assertThat(serve.stopGracefully()).as("serve stops on SIGTERM").isTrue();
    assertThat(serve.log())
        .contains("rack: CONNECTED")
        .contains("rack: OFFLINE communication_error")
        .contains("stopped");
    await().atMost(Duration.ofSeconds(10)).until(() -> sim.connectedClients() == 0);
  }
}
