package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged {@code pdu4j serve}, as a separate process, across a simulator restart. */
class ServeIT {
  private static final Path JAR =
      Path.of(System.getProperty("pdu4j.jar", "../cli/target/pdu4j.jar"));
  private static final Pattern LISTENING =
      Pattern.compile("metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private IsoTekSimulator sim;
  private Process serve;
  private int httpPort;

  @TempDir Path dir;

  @AfterEach
  void stop() {
    if (serve != null) {
      serve.destroyForcibly();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode rack() throws Exception {
    HttpResponse<String> r = get("/health");
    assertThat(r.statusCode()).isEqualTo(200);
    return json.readTree(r.body()).path("devices").path("rack");
  }

  private String metrics() throws Exception {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  void keepsServingAcrossASimulatorRestartAndShowsTheDeviceOfflineThenBack() throws Exception {
    assertThat(JAR).as("the packaged CLI jar").exists();
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
    Path err = dir.resolve("serve.err");
    serve =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    JAR.toString(),
                    "serve",
                    "--config",
                    config.toString()))
            .redirectOutput(dir.resolve("serve.out").toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> LISTENING.matcher(Files.readString(err, StandardCharsets.UTF_8)).find());
    Matcher m = LISTENING.matcher(Files.readString(err, StandardCharsets.UTF_8));
    assertThat(m.find()).isTrue();
    httpPort = Integer.parseInt(m.group(1));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> rack().path("state").asText(), "CONNECTED"::equals);
    assertThat(metrics())
        .containsPattern(
            "(?m)^pdu_device_health\\{device=\"rack\",problem=\"none\",state=\"connected\"} 1");

    sim.close();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> rack().path("state").asText(), "OFFLINE"::equals);
    JsonNode offline = rack();
    assertThat(offline.path("problem").asText()).isEqualTo("COMMUNICATION_ERROR");
    assertThat(offline.path("message").asText()).isNotEmpty();
    assertThat(metrics())
        .containsPattern(
            "(?m)^pdu_device_health\\{device=\"rack\",problem=\"communication_error\","
                + "state=\"offline\"} 1")
        .containsPattern("(?m)^pdu_device_connected\\{device=\"rack\"} 0");

    sim = IsoTekSimulator.builder().outlets(8).tcpPort(port).build().start();
    await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> rack().path("state").asText(), "CONNECTED"::equals);
    assertThat(rack().has("problem")).isFalse();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(metrics())
                    .containsPattern("(?m)^pdu_device_connected\\{device=\"rack\"} 1")
                    .containsPattern("(?m)^pdu_link_reconnects_total\\{device=\"rack\"} 1"));

    serve.destroy(); // SIGTERM: the shutdown hook stops the server and the runtime
    assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("serve stops on SIGTERM").isTrue();
    String log = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(log)
        .contains("rack: CONNECTED")
        .contains("rack: OFFLINE communication_error")
        .contains("stopped");
    await().atMost(Duration.ofSeconds(10)).until(() -> sim.connectedClients() == 0);
  }
}
