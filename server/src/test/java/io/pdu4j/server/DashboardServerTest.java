package io.pdu4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.ApiConfig;
import io.pdu4j.runtime.config.ApiRole;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.config.TokenConfig;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's side of the server over real HTTP on loopback, against the runtime driving an
 * IsoTek simulator: the power history endpoint, and the page and its files.
 */
class DashboardServerTest {
  static final String VIEWER_TOKEN = "view-0123456789abcdef0123456789abcdef";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;
  private IsoTekSimulator sim;
  private PowerRuntime runtime;
  private SupervisedDevice rack;
  private ControlServer server;

  @BeforeEach
  void start() throws IOException {
    sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .mainsVolts(231)
            .loadWatts(1, 150)
            .loadWatts(2, 40)
            .initialState(3, false)
            .build()
            .start();
    runtime = PowerRuntime.builder().build();
    rack = runtime.supervise(DeviceConfig.of("rack", "isotek:tcp://127.0.0.1:" + sim.port()));
    await().atMost(Duration.ofSeconds(10)).until(() -> rack.health().isConnected());
    Path f = dir.resolve("viewer.token");
    Files.writeString(f, VIEWER_TOKEN + "\n");
    TokenConfig viewer = new TokenConfig("grafana", "file:" + f, ApiRole.VIEWER, List.of());
    server =
        ControlServer.builder()
            .devices(List.of(rack))
            .api(new ApiConfig("127.0.0.1", 0, true, Map.of("grafana", viewer), Optional.empty()))
            .log(l -> {})
            .start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    runtime.close();
    sim.close();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.apiAddress().orElseThrow().getPort() + path);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void thePowerHistoryIsColumnsOfTheSimulatorsReadingsWithNullGaps() throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              HttpResponse<String> r = get("/api/v1/devices/rack/power", VIEWER_TOKEN);
              assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
              assertThat(r.headers().firstValue("Content-Type").orElse(""))
                  .startsWith("application/json");
              JsonNode h = JSON.readTree(r.body());
              assertThat(h.path("device").asText()).isEqualTo("rack");
              assertThat(h.path("stepSeconds").asInt()).isEqualTo(60);
              assertThat(h.path("times").size()).isEqualTo(60);
              assertThat(h.path("watts").size()).isEqualTo(60);
              long last = h.path("times").get(59).asLong();
              assertThat(last)
                  .isBetween(Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond());
              // the simulator's loads: outlet 1 150 W, outlet 2 40 W, outlet 3 off
              JsonNode o1 = h.path("outlets").get(0);
              assertThat(o1.path("number").asInt()).isEqualTo(1);
              assertThat(o1.path("watts").get(59).asDouble()).isEqualTo(150.0);
              assertThat(h.path("outlets").get(1).path("watts").get(59).asDouble()).isEqualTo(40.0);
              assertThat(h.path("watts").get(59).asDouble()).isGreaterThanOrEqualTo(190.0);
              assertThat(h.path("volts").get(59).asDouble()).isEqualTo(231.0);
              // an hour ago the device was not heard: a gap, not a zero
              assertThat(h.path("watts").get(0).isNull()).isTrue();
              assertThat(o1.path("watts").get(0).isNull()).isTrue();
            });
  }

  @Test
  void thePowerHistoryNeedsATokenAndAKnownDevice() throws Exception {
    assertThat(get("/api/v1/devices/rack/power", null).statusCode()).isEqualTo(401);
    HttpResponse<String> unknown = get("/api/v1/devices/nope/power", VIEWER_TOKEN);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).path("message").asText()).contains("nope");
  }

  @Test
  void thePageAndItsFilesArePublicWithTheirTypesAndCaching() throws Exception {
    HttpResponse<String> page = get("/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("script-src 'self'")
        .contains("connect-src 'self'");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.body())
        .contains("/ui/dashboard.js")
        .contains("/ui/uplot/1.6.30/uPlot.iife.min.js");

    HttpResponse<String> js = get("/ui/dashboard.js", null);
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
    assertThat(js.headers().firstValue("Cache-Control")).hasValue("no-cache");
    // device text goes in with textContent only
    assertThat(js.body()).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(");
    assertThat(get("/ui/dashboard.css", null).headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/css");

    HttpResponse<String> uplot = get("/ui/uplot/1.6.30/uPlot.iife.min.js", null);
    assertThat(uplot.statusCode()).isEqualTo(200);
    assertThat(uplot.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
    assertThat(uplot.headers().firstValue("Cache-Control").orElse("")).contains("max-age=31536000");
    assertThat(uplot.body()).contains("uPlot");
    HttpResponse<String> css = get("/ui/uplot/1.6.30/uPlot.min.css", null);
    assertThat(css.headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
    assertThat(css.body()).contains(".uplot");

    // the page holds no data: the API behind it still wants the token
    assertThat(get("/api/v1/devices", null).statusCode()).isEqualTo(401);
    assertThat(get("/ui/nothing.js", null).statusCode()).isEqualTo(404);
  }

  @Test
  void thePageCannotBePostedTo() throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.apiAddress().orElseThrow().getPort() + "/");
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }
}
