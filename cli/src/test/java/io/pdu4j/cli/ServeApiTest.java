package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.runtime.config.Pdu4jConfig;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pdu4j serve} with an {@code api} section: the control API beside /metrics and /health. */
class ServeApiTest {
  private static final String TOKEN = "serve-test-0123456789abcdef0123456789";
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir Path dir;
  private IsoTekSimulator sim;
  private FleetServer server;
  private final StringWriter log = new StringWriter();

  @BeforeEach
  void start() throws Exception {
    sim = IsoTekSimulator.builder().outlets(8).jitter(false).initialState(4, false).build().start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    sim.close();
  }

  private FleetServer serve(String api) throws Exception {
    return serve(api, "");
  }

  private FleetServer serve(String api, String tail) throws Exception {
    Path token = dir.resolve("op.token");
    Files.writeString(token, TOKEN + "\n");
    String yaml =
        """
        devices:
          rack:
            uri: "isotek:tcp://127.0.0.1:%d"
        groups:
          pair:
            outlets: [rack/4, rack/5]
            sequence-delay: 100ms
        metrics:
          prometheus:
            host: 127.0.0.1
            port: %d
        api:
        %s
          auth:
            tokens:
              ci: { token: "file:%s", role: operator }
          audit: audit.jsonl
        """
                .formatted(sim.port(), freePort(), api, token)
            + tail;
    Pdu4jConfig config = Pdu4jConfig.parse(new StringReader(yaml), "serve.yaml", dir);
    return FleetServer.start(config, new PrintWriter(log, true));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private HttpResponse<String> send(int port, String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + TOKEN)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theFilesRuntimeSectionSetsThePowerHistorysStep() throws Exception {
    server =
        serve("  host: 127.0.0.1\n  port: 0", "runtime:\n  max-opening: 2\n  history-step: 5s\n");
    int api = server.apiAddress().orElseThrow().getPort();
    HttpResponse<String> power = send(api, "GET", "/api/v1/devices/rack/power");
    assertThat(power.statusCode()).as(power.body()).isEqualTo(200);
    assertThat(power.body()).contains("\"stepSeconds\":5,\"points\":720,");
  }

  @Test
  void withoutItThePowerHistoryKeepsAPointAMinute() throws Exception {
    server = serve("  host: 127.0.0.1\n  port: 0");
    int api = server.apiAddress().orElseThrow().getPort();
    HttpResponse<String> power = send(api, "GET", "/api/v1/devices/rack/power");
    assertThat(power.statusCode()).as(power.body()).isEqualTo(200);
    assertThat(power.body()).contains("\"stepSeconds\":60,\"points\":60,");
  }

  @Test
  void theApiSwitchesThroughTheSupervisedDevicesBesideMetricsAndHealth() throws Exception {
    server = serve("  host: 127.0.0.1\n  port: 0");
    int api = server.apiAddress().orElseThrow().getPort();
    int monitoring = server.address().getPort();
    assertThat(api).isNotEqualTo(monitoring);
    assertThat(log.toString()).contains("API at http://127.0.0.1:" + api + "/api/v1");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> send(monitoring, "GET", "/health/ready").statusCode() == 200);

    HttpResponse<String> on = send(api, "POST", "/api/v1/devices/rack/outlets/4/on");
    assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
    assertThat(sim.outletState(4)).isTrue();
    HttpResponse<String> group = send(api, "POST", "/api/v1/groups/pair/off");
    assertThat(group.statusCode()).as(group.body()).isEqualTo(200);
    assertThat(sim.outletState(4)).isFalse();
    assertThat(sim.outletState(5)).isFalse();

    assertThat(send(monitoring, "GET", "/metrics").body()).contains("pdu_device_connected");
    assertThat(send(monitoring, "GET", "/api/v1/devices").statusCode()).isEqualTo(404);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                Files.exists(dir.resolve("audit.jsonl"))
                    && Files.readAllLines(dir.resolve("audit.jsonl")).size() == 2);
    assertThat(
            new ObjectMapper()
                .readTree(Files.readAllLines(dir.resolve("audit.jsonl")).get(0))
                .path("token")
                .asText())
        .isEqualTo("ci");
    assertThat(log.toString() + Files.readString(dir.resolve("audit.jsonl"))).doesNotContain(TOKEN);

    sim.close();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> send(monitoring, "GET", "/health/ready").statusCode() == 503);
  }

  @Test
  void apiAndMetricsOnOnePortShareOneListener() throws Exception {
    int port = freePort();
    Path token = dir.resolve("op.token");
    Files.writeString(token, TOKEN + "\n");
    String yaml =
        """
        devices:
          rack:
            uri: "isotek:tcp://127.0.0.1:%d"
        metrics:
          prometheus: { port: %d }
        api:
          port: %d
          auth:
            tokens:
              ci: { token: "file:%s", role: viewer }
        """
            .formatted(sim.port(), port, port, token);
    server =
        FleetServer.start(
            Pdu4jConfig.parse(new StringReader(yaml), "one.yaml", dir), new PrintWriter(log, true));
    assertThat(server.apiAddress().orElseThrow().getPort()).isEqualTo(port);
    assertThat(server.address().getPort()).isEqualTo(port);
    assertThat(send(port, "GET", "/metrics").statusCode()).isEqualTo(200);
    assertThat(send(port, "GET", "/api/v1/devices").statusCode()).isEqualTo(200);
    assertThat(send(port, "POST", "/api/v1/devices/rack/all/on").statusCode())
        .as("a viewer may not switch")
        .isEqualTo(403);
  }

  @Test
  void pdudaemonsClientsSwitchThroughServe() throws Exception {
    String yaml =
        """
        devices:
          rack:
            uri: "isotek:tcp://127.0.0.1:%d"
        metrics:
          prometheus: { port: 0 }
        pdudaemon:
          port: 0
        """
            .formatted(sim.port());
    server =
        FleetServer.start(
            Pdu4jConfig.parse(new StringReader(yaml), "pd.yaml", dir), new PrintWriter(log, true));
    int port = server.pdudaemonAddress().orElseThrow().getPort();
    assertThat(log.toString()).contains("pdudaemon requests at http://127.0.0.1:" + port);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> send(server.address().getPort(), "GET", "/health/ready").statusCode() == 200);
    HttpResponse<String> on = send(port, "GET", "/power/control/on?hostname=rack&port=4");
    assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
    assertThat(on.body()).startsWith("OK - accepted request");
    assertThat(sim.outletState(4)).isTrue();
  }

  @Test
  void anOpenApiBeyondLoopbackIsRefusedBeforeAnyDeviceRuns() throws Exception {
    String yaml =
        """
        devices:
          rack:
            uri: "isotek:tcp://127.0.0.1:%d"
        metrics:
          prometheus: { port: 0 }
        api:
          host: 0.0.0.0
          port: 0
        """
            .formatted(sim.port());
    Pdu4jConfig config = Pdu4jConfig.parse(new StringReader(yaml), "open.yaml", dir);
    assertThatThrownBy(() -> FleetServer.start(config, new PrintWriter(log, true)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("api.host 0.0.0.0 is not a loopback address and api has no auth");
    assertThat(log.toString()).contains("stopped");
  }
}
