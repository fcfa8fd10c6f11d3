package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.runtime.config.Pdu4jConfig;
import io.pdu4j.runtime.config.Shard;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pdu4j serve} in this JVM: Prometheus text and health JSON over loopback HTTP. */
class ServeCommandTest {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private IsoTekSimulator sim;
  private FleetServer server;
  private int deadPort;
  private final StringWriter log = new StringWriter();

  @BeforeEach
  void start() throws IOException {
    sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .loadWatts(3, 18)
            .initialState(5, false)
            .build()
            .start();
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort(); // nothing listens there once closed
    }
    String yaml =
        """
        devices:
          rack-a:
            uri: "isotek:tcp://127.0.0.1:%d"
            timeout: 2s
          dead:
            uri: "isotek:tcp://127.0.0.1:%d?connect-timeout=500ms"
        metrics:
          prometheus:
            host: 127.0.0.1
            port: 0
        """
            .formatted(sim.port(), deadPort);
    Pdu4jConfig config = Pdu4jConfig.parse(new StringReader(yaml), "test.yaml", Path.of("."));
    server = FleetServer.start(config, new PrintWriter(log, true));
  }

  @AfterEach
  void stop() {
    server.close();
    sim.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode health() throws Exception {
    HttpResponse<String> r = get("/health");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return new ObjectMapper().readTree(r.body());
  }

  @Test
  void servesPrometheusTextTaggedWithTheConfiguredNames() throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> health().path("devices").path("rack-a").path("state").asText(),
            "CONNECTED"::equals);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              HttpResponse<String> r = get("/metrics");
              assertThat(r.statusCode()).isEqualTo(200);
              assertThat(r.headers().firstValue("Content-Type").orElseThrow())
                  .startsWith("text/plain");
              assertThat(r.body())
                  .containsPattern(
                      "(?m)^pdu_outlet_power_watts\\{device=\"rack-a\",outlet=\"3\"} 18(\\.0)?$")
                  .containsPattern(
                      "(?m)^pdu_outlet_state\\{device=\"rack-a\",outlet=\"5\"} 0(\\.0)?$")
                  .containsPattern(
                      "(?m)^pdu_outlet_voltage_volts\\{device=\"rack-a\",outlet=\"1\"} 230(\\.0)?$")
                  .containsPattern("(?m)^pdu_device_connected\\{device=\"rack-a\"} 1(\\.0)?$")
                  .containsPattern("(?m)^pdu_readings_received_total\\{device=\"rack-a\"} \\d")
                  .containsPattern("(?m)^pdu_link_received_bytes_total\\{device=\"rack-a\"} \\d")
                  .containsPattern(
                      "(?m)^pdu_outlet_energy_joules_total\\{device=\"rack-a\",outlet=\"1\"}")
                  .containsPattern(
                      "(?m)^pdu_device_health\\{device=\"rack-a\",problem=\"none\","
                          + "state=\"connected\"} 1(\\.0)?$")
                  .containsPattern(
                      "(?m)^pdu_device_health\\{device=\"dead\",problem=\"communication_error\","
                          + "state=\"offline\"} 1(\\.0)?$")
                  // a device never opened has its health, and no other meter
                  .doesNotContainPattern("(?m)^pdu_(?!device_health)\\w+\\{device=\"dead\"");
            });
  }

  /** The sample names and labels of an exposition, without their values. */
  private static java.util.Set<String> series(String exposition) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        names.add(line.substring(0, line.lastIndexOf(' ')));
      }
    }
    return names;
  }

  @Test
  void aScraperThatAcceptsGzipGetsTheSameSeriesCompressed() throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get("/metrics").body().contains("pdu_outlet_power_watts{device=\"rack-a\""));
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics");
    HttpResponse<byte[]> gz =
        http.send(
            HttpRequest.newBuilder(uri)
                .header("Accept-Encoding", "gzip")
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(gz.statusCode()).isEqualTo(200);
    assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
    String text;
    try (java.io.InputStream in =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body()))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(gz.body().length).isLessThan(text.length() / 3);
    HttpResponse<String> plain = get("/metrics");
    assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    // the JVM's series may come and go between two scrapes (a GC's pause timer); the devices' stay
    java.util.function.Predicate<String> pdu = n -> n.startsWith("pdu_") && n.contains("device=");
    assertThat(series(text).stream().filter(pdu).toList())
        .isEqualTo(series(plain.body()).stream().filter(pdu).toList())
        .hasSizeGreaterThan(8 * 4);
  }

  @Test
  void metricsOutletsLeavesTheOtherPerOutletFamiliesOut() throws Exception {
    String yaml =
        """
        devices:
          rack-b:
            uri: "isotek:tcp://127.0.0.1:%d"
        metrics:
          prometheus:
            port: 0
            outlets: [power, state]
        """
            .formatted(sim.port());
    Pdu4jConfig config = Pdu4jConfig.parse(new StringReader(yaml), "test.yaml", Path.of("."));
    FleetServer light = FleetServer.start(config, new PrintWriter(new StringWriter(), true));
    try {
      URI uri = URI.create("http://127.0.0.1:" + light.address().getPort() + "/metrics");
      for (String accept : new String[] {"text/plain", "application/openmetrics-text"}) {
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> {
                  String body =
                      http.send(
                              HttpRequest.newBuilder(uri)
                                  .header("Accept", accept)
                                  .timeout(Duration.ofSeconds(5))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString())
                          .body();
                  assertThat(body)
                      .containsPattern(
                          "(?m)^pdu_outlet_power_watts\\{device=\"rack-b\",outlet=\"3\"} 18\\.0$")
                      .containsPattern(
                          "(?m)^pdu_outlet_state\\{device=\"rack-b\",outlet=\"5\"} 0\\.0$")
                      .containsPattern("(?m)^pdu_device_connected\\{device=\"rack-b\"} 1\\.0$")
                      .doesNotContain("pdu_outlet_voltage")
                      .doesNotContain("pdu_outlet_energy");
                });
      }
    } finally {
      light.close();
    }
  }

  @Test
  void healthReportsEveryDeviceAndAnUnreachableOneIsRetried() throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> health().path("devices").path("rack-a").path("state").asText(),
            "CONNECTED"::equals);
    assertThat(health().path("status").asText()).isEqualTo("DEGRADED");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> health().path("devices").path("dead").path("state").asText(), "OFFLINE"::equals);
    JsonNode dead = health().path("devices").path("dead");
    assertThat(dead.path("problem").asText()).isEqualTo("COMMUNICATION_ERROR");
    assertThat(dead.path("message").asText()).contains("127.0.0.1:" + deadPort);
    assertThat(dead.path("address").asText()).contains(":" + deadPort);
    assertThat(dead.path("since").asText()).isNotEmpty();

    // the device comes up: the next retry finds it
    IsoTekSimulator late = IsoTekSimulator.builder().outlets(8).tcpPort(deadPort).build().start();
    try {
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> health().path("status").asText(), "UP"::equals);
      assertThat(log.toString())
          .contains("dead: OFFLINE communication_error (")
          .contains("dead: CONNECTED")
          .contains("rack-a: CONNECTED");
    } finally {
      server.close();
      late.close();
    }
  }

  @Test
  void aDeviceWithABadAddressIsOfflineWithAConfigurationError() throws Exception {
    Pdu4jConfig config =
        Pdu4jConfig.parse(
            new StringReader(
                """
                devices:
                  typo:
                    uri: "isotec:tcp://127.0.0.1:1"
                metrics:
                  prometheus:
                    host: 127.0.0.1
                    port: 0
                """),
            "bad.yaml",
            Path.of("."));
    StringWriter out = new StringWriter();
    try (FleetServer other = FleetServer.start(config, new PrintWriter(out, true))) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> other.states().get("typo"), "OFFLINE"::equals);
      URI health = URI.create("http://127.0.0.1:" + other.address().getPort() + "/health");
      String body =
          http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
              .body();
      JsonNode typo = new ObjectMapper().readTree(body).path("devices").path("typo");
      assertThat(typo.path("problem").asText()).isEqualTo("CONFIGURATION_ERROR");
      assertThat(typo.path("message").asText()).contains("unknown driver 'isotec'");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> out.toString().contains("typo: OFFLINE configuration_error"));
    }
  }

  @Test
  void unknownPathsAndMethodsAreRefused() throws Exception {
    assertThat(get("/nope").statusCode()).isEqualTo(404);
    assertThat(get("/metrics/x").statusCode()).isEqualTo(404);
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics");
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void closingStopsTheServerAndDisconnectsTheDevices() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> sim.connectedClients() == 1);
    int port = server.address().getPort();
    ServeCommand.stop(server);
    server.awaitStopped();
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.connectedClients() == 0);
    URI uri = URI.create("http://127.0.0.1:" + port + "/health");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                http.send(
                    HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
    assertThat(log.toString()).contains("stopped");
  }

  @Test
  void aBadConfigurationIsAUsageErrorNamingTheLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("devices.yaml");
    Files.writeString(file, "devices:\n  a:\n    uri: isotek:tcp://h\n    timout: 5s\n");
    CliTest.Result r = CliTest.run("serve", "--config", file.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains(file + ":4: devices.a.timout: unknown key");
  }

  @Test
  void aBadShardIsAUsageErrorBeforeAnythingStarts(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("devices.yaml");
    Files.writeString(file, "devices:\n  a:\n    uri: isotek:tcp://127.0.0.1:1\n");
    CliTest.Result r = CliTest.run("serve", "--config", file.toString(), "--shard", "3/3");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--shard: the shard index must be 0..2");
    CliTest.Result words = CliTest.run("serve", "--config", file.toString(), "--shard", "one");
    assertThat(words.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(words.err()).contains("write INDEX/COUNT");
  }

  @Test
  void theShardFlagWinsOverTheFilesShardKey() {
    String devices = "devices:\n  a:\n    uri: isotek:tcp://127.0.0.1:1\n";
    Pdu4jConfig keyed =
        Pdu4jConfig.parse(new StringReader(devices + "shard: 1/3\n"), "devices.yaml", Path.of("."));
    Pdu4jConfig plain = Pdu4jConfig.parse(new StringReader(devices), "devices.yaml", Path.of("."));
    assertThat(ServeCommand.shard(Optional.empty(), keyed)).isEqualTo(new Shard(1, 3));
    assertThat(ServeCommand.shard(Optional.of(new Shard(2, 3)), keyed)).isEqualTo(new Shard(2, 3));
    assertThat(ServeCommand.shard(Optional.of(new Shard(0, 2)), plain)).isEqualTo(new Shard(0, 2));
    assertThat(ServeCommand.shard(Optional.empty(), plain)).isEqualTo(Shard.ALL);
  }

  @Test
  void aScrapeIsAnsweredWhileSlowClientsHangOnTheServer() throws Exception {
    int port = server.address().getPort();
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Socket s = new Socket("127.0.0.1", port);
        s.getOutputStream().write("GET /metr".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        slow.add(s);
      }
      for (int i = 0; i < 4; i++) {
        slow.add(new Socket("127.0.0.1", port)); // connects and sends nothing
      }
      CompletableFuture<HttpResponse<String>> metrics = getAsync("/metrics");
      CompletableFuture<HttpResponse<String>> health = getAsync("/health");
      await().atMost(Duration.ofSeconds(10)).until(() -> metrics.isDone() && health.isDone());
      assertThat(metrics.get().statusCode()).isEqualTo(200);
      assertThat(metrics.get().body()).contains("pdu_device_health{device=\"rack-a\"");
      assertThat(health.get().statusCode()).isEqualTo(200);

      // the slow ones are closed by the server in the end, and counted
      for (Socket s : slow) {
        s.setSoTimeout(30_000);
        assertThat(s.getInputStream().read()).as("closed by the server").isEqualTo(-1);
      }
      // counted as the server's connection closes: Jetty half-closes an idle connection (the
      // client reads its end) and closes it fully one idle timeout later
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () ->
                  assertThat(get("/metrics").body())
                      .containsPattern(
                          "(?m)^pdu_http_connections_total\\{outcome=\"timed_out\"} 12(\\.0)?$")
                      .containsPattern(
                          "(?m)^pdu_http_connections_total\\{outcome=\"served\"} [1-9]"));
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  private CompletableFuture<HttpResponse<String>> getAsync(String path) {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    return http.sendAsync(
        HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void bindingBeyondLoopbackWarnsThatTheEndpointsAreUnauthenticated() throws Exception {
    assertThat(log.toString()).contains("metrics at http://127.0.0.1:").doesNotContain("WARNING");
    Pdu4jConfig config =
        Pdu4jConfig.parse(
            new StringReader(
                """
                devices:
                  a:
                    uri: "isotek:tcp://127.0.0.1:%d"
                metrics:
                  prometheus:
                    host: 0.0.0.0
                    port: 0
                """
                    .formatted(deadPort)),
            "any.yaml",
            Path.of("."));
    StringWriter out = new StringWriter();
    try (FleetServer open = FleetServer.start(config, new PrintWriter(out, true))) {
      assertThat(open.address().getAddress().isAnyLocalAddress()).isTrue();
      assertThat(out.toString())
          .containsPattern(
              "WARNING: /metrics and /health are served on 0\\.0\\.0\\.0:\\d+ without"
                  + " authentication");
    }
  }
}
