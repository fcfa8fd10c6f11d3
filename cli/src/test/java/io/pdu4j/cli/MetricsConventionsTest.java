package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.runtime.config.Pdu4jConfig;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conventions of {@code /metrics} as {@code pdu4j serve} answers it on a simulated device:
 * names, the command histogram, JVM and build meters, OpenMetrics negotiation, and that
 * docs/metrics.md and the Grafana dashboard name what the scrape holds.
 */
class MetricsConventionsTest {
  private static final Path DOCS = Path.of("..", "docs", "metrics.md");
  private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "pdu4j.json");
  private static final Pattern SERIES_NAME =
      Pattern.compile("\\b((?:pdu4?|jvm|process|system)_[a-z0-9_]+)");
  private static final Pattern TYPE_LINE = Pattern.compile("(?m)^# TYPE (\\w+) (\\w+)$");
  private static final Pattern CODE = Pattern.compile("`([a-z0-9_]+)`");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final StringWriter log = new StringWriter();
  private IsoTekSimulator sim;
  private FleetServer server;
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    sim = IsoTekSimulator.builder().outlets(8).jitter(false).loadWatts(2, 40).build().start();
    Path token = dir.resolve("viewer.token");
    Files.writeString(token, "0123456789abcdef0123456789abcdef\n");
    String yaml =
        """
        devices:
          rack-a:
            uri: "isotek:tcp://127.0.0.1:%d"
            timeout: 2s
        metrics:
          prometheus:
            host: 127.0.0.1
            port: 0
        api:
          host: 127.0.0.1
          port: %d
          auth:
            tokens:
              ci: { token: "file:%s", role: viewer }
          audit: audit.jsonl
        mqtt:
          url: tcp://127.0.0.1:%d
          node: conventions
        """
            .formatted(sim.port(), freePort(), token, freePort());
    server =
        FleetServer.start(
            Pdu4jConfig.parse(new StringReader(yaml), "serve.yaml", dir), new PrintWriter(log));
    await().atMost(Duration.ofSeconds(10)).until(() -> server.device("rack-a").isPresent());
    server.device("rack-a").orElseThrow().refresh().toCompletableFuture().join();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> scrape(null).body().contains("pdu_commands_seconds_count{"));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    sim.close();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private HttpResponse<String> scrape(String accept) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics");
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET();
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The metric families of a scrape, from its {@code # TYPE} lines. */
  private static Set<String> families(String body) {
    Set<String> names = new TreeSet<>();
    Matcher m = TYPE_LINE.matcher(body);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** Every name in a "Prometheus name" column of docs/metrics.md. */
  private static Set<String> documentedNames() throws IOException {
    Set<String> names = new TreeSet<>();
    int column = -1;
    for (String line : Files.readAllLines(DOCS)) {
      if (!line.startsWith("|")) {
        column = -1;
        continue;
      }
      List<String> cells = List.of(line.split("\\|", -1));
      if (cells.stream().anyMatch(c -> c.trim().equals("Prometheus name"))) {
        column = cells.stream().map(String::trim).toList().indexOf("Prometheus name");
        continue;
      }
      if (column < 0 || column >= cells.size() || cells.get(column).trim().startsWith("---")) {
        continue;
      }
      Matcher m = CODE.matcher(cells.get(column));
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  @Test
  void namesCarryTheirUnitOnceAndEnergyInJoules() throws Exception {
    String body = scrape(null).body();
    assertThat(body)
        .containsPattern("(?m)^pdu_link_sent_bytes_total\\{device=\"rack-a\"} \\d")
        .containsPattern("(?m)^pdu_link_received_bytes_total\\{device=\"rack-a\"} \\d")
        .containsPattern("(?m)^pdu_outlet_energy_joules_total\\{device=\"rack-a\",outlet=\"2\"} ")
        .containsPattern("(?m)^pdu_outlet_power_watts\\{device=\"rack-a\",outlet=\"2\"} 40");
    for (String family : families(body)) {
      assertThat(family)
          .as("a unit named twice")
          .doesNotContainPattern("(bytes|watts|volts|seconds|joules|hours)\\w*_\\1");
    }
  }

  @Test
  void commandDurationsAreABoundedHistogram() throws Exception {
    String body = scrape(null).body();
    assertThat(body).contains("# TYPE pdu_commands_seconds histogram");
    Matcher m =
        Pattern.compile(
                "(?m)^pdu_commands_seconds_bucket\\{command=\"refresh\",device=\"rack-a\","
                    + "outcome=\"ok\",le=\"([^\"]+)\"} (\\d+)")
            .matcher(body);
    List<String> bounds = new ArrayList<>();
    while (m.find()) {
      bounds.add(m.group(1));
    }
    assertThat(bounds).contains("0.005", "0.1", "1.0", "10.0", "+Inf").hasSizeLessThanOrEqualTo(16);
    assertThat(body)
        .containsPattern(
            "(?m)^pdu_commands_seconds_bucket\\{command=\"refresh\",device=\"rack-a\","
                + "outcome=\"ok\",le=\"\\+Inf\"} [1-9]");
  }

  @Test
  void jvmProcessAndBuildMetricsAreServed() throws Exception {
    String body = scrape(null).body();
    assertThat(body)
        .containsPattern("(?m)^jvm_memory_used_bytes\\{")
        .containsPattern("(?m)^jvm_gc_max_data_size_bytes ")
        .containsPattern("(?m)^jvm_threads_live_threads ")
        .containsPattern("(?m)^system_cpu_count ")
        .containsPattern("(?m)^process_uptime_seconds ")
        .containsPattern("(?m)^process_files_open_files ")
        .containsPattern("(?m)^pdu4j_build_info\\{java=\"[^\"]+\",version=\"[^\"]+\"} 1(\\.0)?$");
  }

  @Test
  void openMetricsIsServedWhenAskedFor() throws Exception {
    HttpResponse<String> om = scrape("application/openmetrics-text; version=1.0.0");
    assertThat(om.statusCode()).isEqualTo(200);
    assertThat(om.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/openmetrics-text");
    assertThat(om.body())
        .endsWith("# EOF\n")
        .contains("# TYPE pdu_link_sent_bytes counter")
        .containsPattern("(?m)^pdu_link_sent_bytes_total\\{device=\"rack-a\"} \\d");

    for (String accept : new String[] {null, "text/plain", "*/*"}) {
      HttpResponse<String> text = scrape(accept);
      assertThat(text.statusCode()).isEqualTo(200);
      assertThat(text.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("text/plain; version=0.0.4");
      assertThat(text.body()).doesNotContain("# EOF");
    }
  }

  @Test
  void docsTableNamesExactlyThePduMetricsOfTheScrape() throws Exception {
    // one connection served, so the HTTP counter has a series
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> scrape(null).body().contains("pdu_http_connections_total{"));
    Set<String> scraped = families(scrape(null).body());
    Set<String> documented = documentedNames();
    assertThat(documented).isNotEmpty();
    assertThat(scraped).as("documented in docs/metrics.md").containsAll(documented);
    Set<String> ours = new TreeSet<>();
    scraped.stream().filter(n -> n.startsWith("pdu")).forEach(ours::add);
    assertThat(documented).as("pdu metrics of the scrape").containsAll(ours);
  }

  /** The names of the samples of a scrape: {@code pdu_commands_seconds_bucket}, ... */
  private static Set<String> sampleNames(String body) {
    Set<String> names = new TreeSet<>();
    for (String line : body.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  @Test
  void theGrafanaDashboardQueriesOnlySeriesOfTheScrape() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    List<String> queries = new ArrayList<>();
    dashboard.findValues("expr").forEach(e -> queries.add(e.asText()));
    dashboard.findValues("definition").forEach(e -> queries.add(e.asText()));
    assertThat(queries).hasSizeGreaterThan(10);
    Set<String> queried = new TreeSet<>();
    for (String q : queries) {
      Matcher m = SERIES_NAME.matcher(q);
      while (m.find()) {
        queried.add(m.group(1));
      }
    }
    assertThat(queried)
        .contains(
            "pdu_outlet_power_watts",
            "pdu_device_connected",
            "pdu_commands_seconds_count",
            "pdu_commands_seconds_bucket",
            "pdu_link_reconnects_total",
            "pdu_frames_malformed_total");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(sampleNames(scrape(null).body())).containsAll(queried));
    // every panel reads the dashboard's data source variable, not one of the author's
    for (JsonNode panel : dashboard.path("panels")) {
      if (!panel.path("type").asText().equals("row")) {
        assertThat(panel.path("datasource").path("uid").asText())
            .as(panel.path("title").asText())
            .isEqualTo("${datasource}");
      }
    }
  }
}
