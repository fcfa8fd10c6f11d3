package io.pdu4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.ApiConfig;
import io.pdu4j.runtime.config.ApiRole;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.config.GroupConfig;
import io.pdu4j.runtime.config.OutletRef;
import io.pdu4j.runtime.config.TokenConfig;
import io.pdu4j.server.internal.JettyControlServer;
import io.pdu4j.server.internal.Route;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control API over real HTTP on loopback, against the runtime driving an IsoTek simulator:
 * switching confirmed by the simulator, each error status, tokens and roles, the audit file, the
 * event stream and the OpenAPI document.
 */
class ControlServerTest {
  static final String OPERATOR_TOKEN = "op-0123456789abcdef0123456789abcdef";
  static final String VIEWER_TOKEN = "view-0123456789abcdef0123456789abcdef";
  static final String LIMITED_TOKEN = "lim-0123456789abcdef0123456789abcdef";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;
  private IsoTekSimulator sim;
  private PowerRuntime runtime;
  private SupervisedDevice rack;
  private SupervisedDevice dead;
  private ControlServer server;
  private Path audit;
  private final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .initialState(5, false)
            .initialState(6, false)
            .outletConfig(3, "LOCKED  ", 3, 0)
            .build()
            .start();
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    runtime = PowerRuntime.builder().build();
    rack =
        runtime.supervise(
            new DeviceConfig(
                "rack",
                "isotek:tcp://127.0.0.1:" + sim.port(),
                Optional.of(Duration.ofSeconds(2)),
                Optional.empty()));
    dead =
        runtime.supervise(
            DeviceConfig.of(
                "dead", "isotek:tcp://127.0.0.1:" + deadPort + "?connect-timeout=300ms"));
    await().atMost(Duration.ofSeconds(10)).until(() -> rack.health().isConnected());
    audit = dir.resolve("audit.jsonl");
    server = start(builder());
  }

  private ControlServer.Builder builder() throws IOException {
    Map<String, TokenConfig> tokens = new LinkedHashMap<>();
    tokens.put("ci-bot", token("ci-bot", OPERATOR_TOKEN, ApiRole.OPERATOR, List.of()));
    tokens.put("grafana", token("grafana", VIEWER_TOKEN, ApiRole.VIEWER, List.of()));
    tokens.put("other", token("other", LIMITED_TOKEN, ApiRole.ADMIN, List.of("de*")));
    Map<String, GroupConfig> groups = new LinkedHashMap<>();
    groups.put(
        "bench",
        new GroupConfig(
            "bench",
            List.of(OutletRef.parse("rack/5"), OutletRef.parse("rack/6")),
            Duration.ofMillis(300)));
    groups.put(
        "mixed",
        new GroupConfig(
            "mixed", List.of(OutletRef.parse("rack/7"), OutletRef.parse("dead/1")), Duration.ZERO));
    return ControlServer.builder()
        .devices(List.of(rack, dead))
        .api(new ApiConfig("127.0.0.1", 0, true, tokens, Optional.of(audit)))
        .groups(groups)
        .log(log::add);
  }

  private ControlServer start(ControlServer.Builder b) {
    return b.start();
  }

  private TokenConfig token(String name, String secret, ApiRole role, List<String> devices)
      throws IOException {
    Path f = dir.resolve(name + ".token");
    Files.writeString(f, secret + "\n");
    return new TokenConfig(name, "file:" + f, role, devices);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    runtime.close();
    sim.close();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.apiAddress().orElseThrow().getPort() + path);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.header("Content-Type", "application/json");
    return http.send(
        b.POST(
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body());
  }

  private List<JsonNode> auditLines() throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    if (Files.exists(audit)) {
      for (String l : Files.readAllLines(audit)) {
        lines.add(JSON.readTree(l));
      }
    }
    return lines;
  }

  @Test
  void switchingAnswersWithTheStateTheSimulatorConfirmed() throws Exception {
    assertThat(sim.outletState(5)).isFalse();
    HttpResponse<String> on = post("/api/v1/devices/rack/outlets/5/on", OPERATOR_TOKEN, null);
    assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
    JsonNode body = json(on);
    assertThat(body.path("device").asText()).isEqualTo("rack");
    assertThat(body.path("outlet").path("number").asInt()).isEqualTo(5);
    assertThat(body.path("outlet").path("state").asText()).isEqualTo("ON");
    assertThat(sim.outletState(5)).isTrue();
    assertThat(sim.commandsReceived()).contains("S5=1");

    HttpResponse<String> off = post("/api/v1/devices/rack/outlets/5/off", OPERATOR_TOKEN, "");
    assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
    assertThat(json(off).path("outlet").path("state").asText()).isEqualTo("OFF");
    assertThat(sim.outletState(5)).isFalse();
  }

  @Test
  void anOutletIsFoundByItsIdToo() throws Exception {
    HttpResponse<String> on = post("/api/v1/devices/rack/outlets/6/on", OPERATOR_TOKEN, null);
    assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
    String id = json(on).path("outlet").path("id").asText();
    HttpResponse<String> off =
        post("/api/v1/devices/rack/outlets/" + id + "/off", OPERATOR_TOKEN, null);
    assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
    assertThat(sim.outletState(6)).isFalse();
  }

  @Test
  void cycleTakesItsOffTimeFromTheBodyWithinTheCliBounds() throws Exception {
    sim.setOutletState(2, true);
    HttpResponse<String> cycle =
        post("/api/v1/devices/rack/outlets/2/cycle", OPERATOR_TOKEN, "{\"offTime\":\"300ms\"}");
    assertThat(cycle.statusCode()).as(cycle.body()).isEqualTo(200);
    assertThat(json(cycle).path("outlet").path("state").asText()).isEqualTo("ON");
    assertThat(sim.commandsReceived()).containsSubsequence("S2=0", "S2=1");

    long before = sim.commandCount();
    for (String bad :
        List.of(
            "{\"offTime\":\"0s\"}",
            "{\"offTime\":\"2h\"}",
            "{\"offTime\":\"soon\"}",
            "{\"off\":\"5s\"}",
            "[1]",
            "not json")) {
      HttpResponse<String> r = post("/api/v1/devices/rack/outlets/2/cycle", OPERATOR_TOKEN, bad);
      assertThat(r.statusCode()).as(bad + " -> " + r.body()).isEqualTo(400);
      assertThat(json(r).path("error").asText()).isEqualTo("invalid_argument");
    }
    assertThat(sim.commandsReceived().subList((int) before, sim.commandsReceived().size()))
        .as("nothing switched for a bad body")
        .noneMatch(c -> c.startsWith("S2="));
  }

  @Test
  void allOnAndOffAnswerWithTheStatusAfterIt() throws Exception {
    HttpResponse<String> on = post("/api/v1/devices/rack/all/on", OPERATOR_TOKEN, null);
    assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
    assertThat(json(on).path("outlets").size()).isEqualTo(8);
    assertThat(sim.outletState(5)).isTrue();
    HttpResponse<String> off = post("/api/v1/devices/rack/all/off", OPERATOR_TOKEN, null);
    assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
    assertThat(sim.outletState(5)).isFalse();
  }

  @Test
  void readsEveryDeviceAndOneDeviceAsStatusJsonWithHealth() throws Exception {
    HttpResponse<String> list = get("/api/v1/devices", VIEWER_TOKEN);
    assertThat(list.statusCode()).isEqualTo(200);
    JsonNode devices = json(list).path("devices");
    assertThat(devices.size()).isEqualTo(2);
    assertThat(devices.get(0).path("name").asText()).isEqualTo("rack");
    assertThat(devices.get(0).path("health").path("state").asText()).isEqualTo("CONNECTED");
    assertThat(devices.get(0).path("outlets").size()).isEqualTo(8);
    assertThat(devices.get(1).path("health").path("state").asText()).isNotEqualTo("CONNECTED");

    HttpResponse<String> one = get("/api/v1/devices/rack", VIEWER_TOKEN);
    assertThat(one.statusCode()).isEqualTo(200);
    JsonNode d = json(one);
    assertThat(d.path("device").path("driver").asText()).isEqualTo("isotek");
    assertThat(d.path("outlets").get(4).path("state").asText()).isEqualTo("OFF");
    assertThat(d.path("health").path("state").asText()).isEqualTo("CONNECTED");
    assertThat(d.has("input")).isTrue();
    assertThat(d.has("clock")).isTrue();
  }

  @Test
  void errorsHaveTheirStatusAndKind() throws Exception {
    HttpResponse<String> noDevice = post("/api/v1/devices/nope/outlets/1/on", OPERATOR_TOKEN, null);
    assertThat(noDevice.statusCode()).isEqualTo(404);
    assertThat(json(noDevice).path("error").asText()).isEqualTo("not_found");
    assertThat(json(noDevice).path("device").asText()).isEqualTo("nope");

    HttpResponse<String> noOutlet =
        post("/api/v1/devices/rack/outlets/99/on", OPERATOR_TOKEN, null);
    assertThat(noOutlet.statusCode()).isEqualTo(404);

    // an id holding a '/' (an Enistic meter channel) comes percent-encoded within its segment
    HttpResponse<String> slashed =
        post("/api/v1/devices/rack/outlets/0021ED0000099001%2F2/on", OPERATOR_TOKEN, null);
    assertThat(slashed.statusCode()).as(slashed.body()).isEqualTo(404);
    assertThat(json(slashed).path("message").asText()).contains("'0021ED0000099001/2'");

    HttpResponse<String> noGroup = post("/api/v1/groups/nope/on", OPERATOR_TOKEN, null);
    assertThat(noGroup.statusCode()).isEqualTo(404);

    HttpResponse<String> noPath = get("/api/v1/nope", OPERATOR_TOKEN);
    assertThat(noPath.statusCode()).isEqualTo(404);

    HttpResponse<String> wrongMethod = get("/api/v1/devices/rack/all/on", OPERATOR_TOKEN);
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");

    // a locked outlet: the device cannot switch it, nothing is sent
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              HttpResponse<String> locked =
                  post("/api/v1/devices/rack/outlets/3/off", OPERATOR_TOKEN, null);
              assertThat(locked.statusCode()).as(locked.body()).isEqualTo(409);
              assertThat(json(locked).path("error").asText()).isEqualTo("unsupported");
            });
    assertThat(sim.commandsReceived()).doesNotContain("S3=0");

    // not connected: 503 at once, nothing sent
    HttpResponse<String> down = post("/api/v1/devices/dead/outlets/1/on", OPERATOR_TOKEN, null);
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(json(down).path("error").asText()).isEqualTo("not_connected");
    assertThat(json(down).path("device").asText()).isEqualTo("dead");

    // no answer in time: 504 with what was sent
    sim.setSilent(true);
    HttpResponse<String> slow = post("/api/v1/devices/rack/outlets/4/off", OPERATOR_TOKEN, null);
    assertThat(slow.statusCode()).as(slow.body()).isEqualTo(504);
    JsonNode timeout = json(slow);
    assertThat(timeout.path("error").asText()).isEqualTo("timeout");
    assertThat(timeout.path("sent").asText()).contains("S4=0");
    assertThat(timeout.path("device").asText()).isEqualTo("rack");
  }

  @Test
  void tokensAndRolesDecideWhoMayDoWhat() throws Exception {
    HttpResponse<String> none = get("/api/v1/devices", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
    assertThat(json(none).path("error").asText()).isEqualTo("unauthorized");
    assertThat(get("/api/v1/devices", "wrong-0123456789abcdef0123456789").statusCode())
        .isEqualTo(401);
    assertThat(get("/api/v1/devices", OPERATOR_TOKEN.substring(0, 20)).statusCode()).isEqualTo(401);

    HttpResponse<String> viewerSwitch =
        post("/api/v1/devices/rack/outlets/5/on", VIEWER_TOKEN, null);
    assertThat(viewerSwitch.statusCode()).isEqualTo(403);
    assertThat(json(viewerSwitch).path("message").asText()).contains("viewer", "operator");
    assertThat(sim.outletState(5)).isFalse();

    HttpResponse<String> otherDevice =
        post("/api/v1/devices/rack/outlets/5/on", LIMITED_TOKEN, null);
    assertThat(otherDevice.statusCode()).isEqualTo(403);
    assertThat(get("/api/v1/devices/rack", LIMITED_TOKEN).statusCode()).isEqualTo(403);
    HttpResponse<String> limitedList = get("/api/v1/devices", LIMITED_TOKEN);
    assertThat(json(limitedList).path("devices").size()).isEqualTo(1);
    assertThat(json(limitedList).path("devices").get(0).path("name").asText()).isEqualTo("dead");
    assertThat(post("/api/v1/groups/bench/on", LIMITED_TOKEN, null).statusCode()).isEqualTo(403);
    assertThat(sim.outletState(5)).isFalse();
  }

  @Test
  void everyControlRequestIsAnAuditLineAndTheTokenIsNeverWritten() throws Exception {
    post("/api/v1/devices/rack/outlets/5/on", OPERATOR_TOKEN, null);
    post("/api/v1/devices/rack/outlets/5/on", VIEWER_TOKEN, null);
    post("/api/v1/devices/rack/outlets/5/off", "not-a-token-at-all-0123456789", null);
    post("/api/v1/devices/nope/outlets/1/off", OPERATOR_TOKEN, null);
    get("/api/v1/devices", VIEWER_TOKEN); // reading is not audited
    await().atMost(Duration.ofSeconds(5)).until(() -> auditLines().size() == 4);
    List<JsonNode> lines = auditLines();
    JsonNode ok = lines.get(0);
    assertThat(ok.path("token").asText()).isEqualTo("ci-bot");
    assertThat(ok.path("remote").asText()).isEqualTo("127.0.0.1");
    assertThat(ok.path("device").asText()).isEqualTo("rack");
    assertThat(ok.path("outlet").asText()).isEqualTo("5");
    assertThat(ok.path("action").asText()).isEqualTo("on");
    assertThat(ok.path("outcome").asText()).isEqualTo("ok");
    assertThat(ok.path("status").asInt()).isEqualTo(200);
    assertThat(ok.path("durationMs").asLong()).isNotNegative();
    assertThat(ok.path("time").asText()).endsWith("Z");
    assertThat(lines.get(1).path("token").asText()).isEqualTo("grafana");
    assertThat(lines.get(1).path("outcome").asText()).isEqualTo("forbidden");
    assertThat(lines.get(2).path("token").isNull()).isTrue();
    assertThat(lines.get(2).path("status").asInt()).isEqualTo(401);
    assertThat(lines.get(3).path("status").asInt()).isEqualTo(404);
    String text = Files.readString(audit) + String.join("\n", log);
    for (String secret : List.of(OPERATOR_TOKEN, VIEWER_TOKEN, "not-a-token-at-all")) {
      assertThat(text).doesNotContain(secret);
    }
  }

  @Test
  void aGroupRunsInOrderWithItsDelayAndListsEachOutcome() throws Exception {
    HttpResponse<String> on = post("/api/v1/groups/bench/on", OPERATOR_TOKEN, null);
    assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
    JsonNode body = json(on);
    assertThat(body.path("ok").asBoolean()).isTrue();
    assertThat(body.path("outlets").size()).isEqualTo(2);
    assertThat(body.path("outlets").get(0).path("outlet").asText()).isEqualTo("5");
    assertThat(body.path("outlets").get(1).path("status").path("state").asText()).isEqualTo("ON");
    assertThat(sim.outletState(5)).isTrue();
    assertThat(sim.outletState(6)).isTrue();
    assertThat(sim.commandsReceived()).containsSubsequence("S5=1", "S6=1");

    HttpResponse<String> mixed = post("/api/v1/groups/mixed/off", OPERATOR_TOKEN, null);
    assertThat(mixed.statusCode()).as(mixed.body()).isEqualTo(503);
    JsonNode m = json(mixed);
    assertThat(m.path("ok").asBoolean()).isFalse();
    assertThat(m.path("outlets").get(0).path("ok").asBoolean()).isTrue();
    assertThat(m.path("outlets").get(1).path("error").asText()).isEqualTo("not_connected");
    assertThat(sim.outletState(7)).isFalse();

    HttpResponse<String> groups = get("/api/v1/groups", VIEWER_TOKEN);
    assertThat(json(groups).path("groups").get(0).path("sequenceDelay").asText())
        .isEqualTo("300ms");
  }

  @Test
  void theEventStreamCarriesAnOutletChangeTheSimulatorMadeByItself() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    HttpRequest req =
        HttpRequest.newBuilder(uri("/api/v1/events"))
            .header("Authorization", "Bearer " + VIEWER_TOKEN)
            .GET()
            .build();
    var pending = http.sendAsync(req, HttpResponse.BodyHandlers.ofLines());
    HttpResponse<Stream<String>> r = pending.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    Thread reader =
        new Thread(
            () -> {
              try {
                r.body().forEach(lines::add);
              } catch (RuntimeException e) {
                // the stream ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                lines.stream()
                    .anyMatch(l -> l.contains("\"device\":\"rack\"") && l.contains("CONNECTED")));

    sim.setOutletState(8, false); // the front panel, not us
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(lines)
                    .anySatisfy(
                        l -> {
                          assertThat(l).startsWith("data: ");
                          JsonNode e = JSON.readTree(l.substring(6));
                          assertThat(e.path("device").asText()).isEqualTo("rack");
                          assertThat(e.path("outlet").path("number").asInt()).isEqualTo(8);
                          assertThat(e.path("outlet").path("state").asText()).isEqualTo("OFF");
                          assertThat(e.path("previous").asText()).isEqualTo("ON");
                        }));
    assertThat(lines).contains("event: outlet");
    r.body().close();
  }

  @Test
  void theOpenApiDocumentHasEveryRoute() throws Exception {
    HttpResponse<String> r = get("/api/v1/openapi.json", VIEWER_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode doc = json(r);
    assertThat(doc.path("openapi").asText()).startsWith("3.");
    for (Route route : Route.ALL) {
      assertThat(doc.path("paths").path(route.template()).has(route.method().toLowerCase()))
          .as("%s %s documented", route.method(), route.template())
          .isTrue();
    }
    int operations = 0;
    for (JsonNode path : doc.path("paths")) {
      operations += path.size();
    }
    assertThat(operations)
        .as("no route documented that does not exist")
        .isEqualTo(Route.ALL.size());
  }

  @Test
  void anApiThatCanSwitchPowerRefusesANonLoopbackAddressWithoutAuth() {
    ControlServer.Builder open =
        ControlServer.builder()
            .devices(List.of(rack))
            .api(ApiConfig.open("0.0.0.0", 0))
            .log(log::add);
    assertThatThrownBy(open::start)
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("not a loopback address")
        .hasMessageContaining("api.auth");
  }

  @Test
  void anUnreadableTokenStopsTheStartNamingItButNotItsContent() throws Exception {
    Path f = dir.resolve("short.token");
    Files.writeString(f, "tiny");
    ControlServer.Builder b =
        ControlServer.builder()
            .devices(List.of(rack))
            .api(
                new ApiConfig(
                    "127.0.0.1",
                    0,
                    true,
                    Map.of("t", new TokenConfig("t", "file:" + f, ApiRole.VIEWER, List.of())),
                    Optional.empty()));
    assertThatThrownBy(b::start)
        .hasMessageContaining("api.auth.tokens.t")
        .hasMessageNotContaining("tiny");
    ControlServer.Builder missing =
        ControlServer.builder()
            .devices(List.of(rack))
            .api(
                new ApiConfig(
                    "127.0.0.1",
                    0,
                    true,
                    Map.of(
                        "t",
                        new TokenConfig(
                            "t", "env:PDU4J_SURELY_UNSET_VARIABLE", ApiRole.VIEWER, List.of())),
                    Optional.empty()));
    assertThatThrownBy(missing::start).hasMessageContaining("PDU4J_SURELY_UNSET_VARIABLE");
  }

  @Test
  void healthAndReadinessOnTheMonitoringListener() throws Exception {
    server.close();
    server =
        builder()
            .monitoring(new InetSocketAddress("127.0.0.1", 0))
            .route("/metrics", () -> new TextResponse(200, "text/plain", "m 1\n"))
            .start();
    int port = server.monitoringAddress().orElseThrow().getPort();
    assertThat(port).isNotEqualTo(server.apiAddress().orElseThrow().getPort());
    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).as("dead is not connected").isEqualTo(503);
    assertThat(JSON.readTree(ready.body()).path("status").asText()).isEqualTo("DEGRADED");
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).isEqualTo("m 1\n");
    HttpResponse<String> apiThere =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/devices"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(apiThere.statusCode()).as("no API on the monitoring listener").isEqualTo(404);
  }

  @Test
  void aClientThatDoesNotReadIsDroppedAndCountedWhileOthersGoOn() throws Exception {
    server.close();
    // a comment line every millisecond fills a stream that is not read within seconds
    server = builder().eventKeepAlive(Duration.ofMillis(1)).eventQueue(4).sendBuffer(4096).start();
    int port = server.apiAddress().orElseThrow().getPort();
    try (java.net.Socket stuck = new java.net.Socket()) {
      stuck.setReceiveBufferSize(1024);
      stuck.connect(new InetSocketAddress("127.0.0.1", port));
      stuck
          .getOutputStream()
          .write(
              ("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                      + VIEWER_TOKEN
                      + "\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      stuck.getOutputStream().flush();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> ((JettyControlServer) server).droppedStreams() == 1);
    }
    // the device and the API are not held up by it
    HttpResponse<String> on = post("/api/v1/devices/rack/outlets/5/on", OPERATOR_TOKEN, null);
    assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
  }

  @Test
  void closingLetsACommandInFlightFinishWithTheDevicesAnswer() throws Exception {
    sim.setReplyLatency(Duration.ofMillis(700)); // two replies: S5=1, then ?
    var pending =
        http.sendAsync(
            HttpRequest.newBuilder(uri("/api/v1/devices/rack/outlets/5/on"))
                .header("Authorization", "Bearer " + OPERATOR_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.commandsReceived().contains("S5=1"));
    assertThat(pending).isNotDone();
    server.close(); // waits for the request in flight, within its stop timeout
    HttpResponse<String> r = pending.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).path("outlet").path("state").asText()).isEqualTo("ON");
    server = null;
  }

  @Test
  void anAuditFileThatCannotBeWrittenIsLoggedOnceCountedAndBlocksNothing() throws Exception {
    Files.deleteIfExists(audit);
    Files.createDirectory(audit); // writing a line now fails
    HttpResponse<String> on = post("/api/v1/devices/rack/outlets/5/on", OPERATOR_TOKEN, null);
    assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
    HttpResponse<String> off = post("/api/v1/devices/rack/outlets/5/off", OPERATOR_TOKEN, null);
    assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ((JettyControlServer) server).auditFailures() == 2);
    assertThat(log.stream().filter(l -> l.contains("cannot write the audit file")))
        .as("logged once per burst")
        .hasSize(1);
    assertThat(String.join("\n", log)).doesNotContain(OPERATOR_TOKEN);
  }
}
