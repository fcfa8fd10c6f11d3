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
import io.pdu4j.sim.enistic.EnisticSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin routes (outlet settings, clock, schedule, restart) over real HTTP on loopback, against
 * the runtime driving an IsoTek simulator, which keeps outlet settings, schedules and its clock and
 * restarts; an Enistic simulator stands for a device without those capabilities.
 */
class AdminRoutesTest {
  static final String ADMIN = "adm-0123456789abcdef0123456789abcdef";
  static final String OPERATOR = "op-0123456789abcdef0123456789abcdef";
  static final String VIEWER = "view-0123456789abcdef0123456789abcdef";
  private static final String CONTROLLER = "004A3BB5B04";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;
  private IsoTekSimulator sim;
  private EnisticSimulator plugSim;
  private PowerRuntime runtime;
  private SupervisedDevice rack;
  private SupervisedDevice plug;
  private ControlServer server;
  private Path audit;

  @BeforeEach
  void start() throws IOException {
    sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .restartTime(Duration.ofMillis(300))
            .outletConfig(3, "LOCKED  ", 3, 0)
            .build()
            .start();
    int readings;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      readings = s.getLocalPort();
    }
    plugSim =
        EnisticSimulator.builder()
            .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), readings))
            .controller(CONTROLLER, 2, 0, 1)
            .rate(10)
            .build()
            .start();
    runtime = PowerRuntime.builder().build();
    rack =
        runtime.supervise(
            new DeviceConfig(
                "rack",
                "isotek:tcp://127.0.0.1:" + sim.port(),
                Optional.of(Duration.ofSeconds(2)),
                Optional.empty()));
    plug =
        runtime.supervise(
            DeviceConfig.of(
                "plug",
                "enistic:udp://127.0.0.1:"
                    + readings
                    + "/"
                    + CONTROLLER
                    + "?send=127.0.0.1:"
                    + plugSim.controlPort()));
    await().atMost(Duration.ofSeconds(10)).until(() -> rack.health().isConnected());
    audit = dir.resolve("audit.jsonl");
    Map<String, TokenConfig> tokens = new LinkedHashMap<>();
    tokens.put("root", token("root", ADMIN, ApiRole.ADMIN));
    tokens.put("ci-bot", token("ci-bot", OPERATOR, ApiRole.OPERATOR));
    tokens.put("grafana", token("grafana", VIEWER, ApiRole.VIEWER));
    server =
        ControlServer.builder()
            .devices(List.of(rack, plug))
            .api(new ApiConfig("127.0.0.1", 0, true, tokens, Optional.of(audit)))
            .start();
  }

  private TokenConfig token(String name, String secret, ApiRole role) throws IOException {
    Path f = dir.resolve(name + ".token");
    Files.writeString(f, secret + "\n");
    return new TokenConfig(name, "file:" + f, role, List.of());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    runtime.close();
    plugSim.close();
    sim.close();
  }

  private HttpResponse<String> send(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + server.apiAddress().orElseThrow().getPort() + path))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
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

  private void assertRefused(HttpResponse<String> r, int status, String kind) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(json(r).path("error").asText()).as(r.body()).isEqualTo(kind);
  }

  @Test
  void outletSettingsAreReadByAViewerAndChangedByAnAdminAsTheDeviceReadsThemBack()
      throws Exception {
    HttpResponse<String> read =
        send("GET", "/api/v1/devices/rack/outlets/3/settings", VIEWER, null);
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    assertThat(json(read).path("name").asText()).isEqualTo("LOCKED");
    assertThat(json(read).path("type").asText()).isEqualTo("locked");

    String change = "{\"name\": \"Router\", \"type\": \"router\", \"delaySeconds\": 10}";
    assertRefused(
        send("PUT", "/api/v1/devices/rack/outlets/2/settings", OPERATOR, change), 403, "forbidden");
    assertRefused(
        send("PUT", "/api/v1/devices/rack/outlets/2/settings", VIEWER, change), 403, "forbidden");
    assertThat(sim.commandsReceived()).noneMatch(c -> c.startsWith("C2="));

    HttpResponse<String> put =
        send("PUT", "/api/v1/devices/rack/outlets/2/settings", ADMIN, change);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    JsonNode after = json(put);
    assertThat(after.path("device").asText()).isEqualTo("rack");
    assertThat(after.path("outlet").asInt()).isEqualTo(2);
    assertThat(after.path("name").asText()).isEqualTo("Router");
    assertThat(after.path("type").asText()).isEqualTo("router");
    assertThat(after.path("delaySeconds").asInt()).isEqualTo(10);
    assertThat(sim.commandsReceived()).anyMatch(c -> c.startsWith("C2=Router"));

    // a partial change keeps the rest as the device holds it
    HttpResponse<String> rename =
        send("PUT", "/api/v1/devices/rack/outlets/2/settings", ADMIN, "{\"name\": \"Modem\"}");
    assertThat(rename.statusCode()).as(rename.body()).isEqualTo(200);
    assertThat(json(rename).path("type").asText()).isEqualTo("router");
    assertThat(json(rename).path("delaySeconds").asInt()).isEqualTo(10);
    HttpResponse<String> again =
        send("GET", "/api/v1/devices/rack/outlets/2/settings", VIEWER, null);
    assertThat(json(again).path("name").asText()).isEqualTo("Modem");
  }

  @Test
  void badSettingsAreRefusedWithAClearMessageAndNothingSent() throws Exception {
    String path = "/api/v1/devices/rack/outlets/2/settings";
    HttpResponse<String> type = send("PUT", path, ADMIN, "{\"type\": \"sparkly\"}");
    assertRefused(type, 400, "invalid_argument");
    assertThat(json(type).path("message").asText())
        .contains("type must be normal, router or locked");

    HttpResponse<String> unknown = send("PUT", path, ADMIN, "{\"colour\": \"red\"}");
    assertRefused(unknown, 400, "invalid_argument");
    assertThat(json(unknown).path("message").asText()).contains("unknown field 'colour'");

    assertRefused(send("PUT", path, ADMIN, "{}"), 400, "invalid_argument");
    assertRefused(send("PUT", path, ADMIN, "not json"), 400, "invalid_argument");
    assertRefused(send("PUT", path, ADMIN, null), 400, "invalid_argument");
    HttpResponse<String> negative = send("PUT", path, ADMIN, "{\"delaySeconds\": -1}");
    assertRefused(negative, 400, "invalid_argument");
    // the driver's own check: a name longer than the device holds
    HttpResponse<String> longName = send("PUT", path, ADMIN, "{\"name\": \"much too long\"}");
    assertRefused(longName, 400, "invalid_argument");
    assertThat(sim.commandsReceived()).noneMatch(c -> c.startsWith("C2="));

    assertRefused(
        send("PUT", "/api/v1/devices/nope/outlets/2/settings", ADMIN, "{\"name\": \"X\"}"),
        404,
        "not_found");
    assertRefused(
        send("PUT", "/api/v1/devices/rack/outlets/99/settings", ADMIN, "{\"name\": \"X\"}"),
        404,
        "not_found");
  }

  @Test
  void theClockIsSetToATimeOrToNowAndAnswersWhatTheDeviceThenReads() throws Exception {
    sim.setDeviceClock(LocalDateTime.of(2020, 1, 1, 0, 0));
    HttpResponse<String> read = send("GET", "/api/v1/devices/rack/clock", VIEWER, null);
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    assertThat(json(read).path("clock").asText()).startsWith("2020-01-01T00:0");

    String at = "{\"time\": \"2026-11-21T10:00:00\"}";
    assertRefused(send("PUT", "/api/v1/devices/rack/clock", OPERATOR, at), 403, "forbidden");
    assertThat(sim.deviceClock().getYear()).isEqualTo(2020);

    HttpResponse<String> set = send("PUT", "/api/v1/devices/rack/clock", ADMIN, at);
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    assertThat(json(set).path("clock").asText()).startsWith("2026-11-21T10:0");
    assertThat(sim.deviceClock())
        .isBetween(LocalDateTime.of(2026, 11, 21, 10, 0), LocalDateTime.of(2026, 11, 21, 10, 1));

    HttpResponse<String> now =
        send("PUT", "/api/v1/devices/rack/clock", ADMIN, "{\"time\": \"now\"}");
    assertThat(now.statusCode()).as(now.body()).isEqualTo(200);
    assertThat(Math.abs(json(now).path("offsetSeconds").asLong())).isLessThan(120);
    LocalDateTime hostNow = LocalDateTime.now(ZoneId.systemDefault());
    assertThat(sim.deviceClock()).isBetween(hostNow.minusMinutes(2), hostNow.plusMinutes(2));

    HttpResponse<String> bad =
        send("PUT", "/api/v1/devices/rack/clock", ADMIN, "{\"time\": \"tomorrow\"}");
    assertRefused(bad, 400, "invalid_argument");
    assertThat(json(bad).path("message").asText()).contains("time must be \"now\"");
  }

  @Test
  void theScheduleIsListedAddedToAndClearedAsTheDeviceReadsItBack() throws Exception {
    HttpResponse<String> empty = send("GET", "/api/v1/devices/rack/schedule", VIEWER, null);
    assertThat(empty.statusCode()).as(empty.body()).isEqualTo(200);
    assertThat(json(empty).path("rules").size()).isZero();

    String rule =
        "{\"type\": \"time\", \"name\": \"night\", \"at\": \"23:30\", \"every\": \"15th\","
            + " \"outlet\": 2, \"action\": \"off\"}";
    assertRefused(send("POST", "/api/v1/devices/rack/schedule", OPERATOR, rule), 403, "forbidden");
    assertThat(sim.scheduleRecords()).isEmpty();

    HttpResponse<String> added = send("POST", "/api/v1/devices/rack/schedule", ADMIN, rule);
    assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
    JsonNode rules = json(added).path("rules");
    assertThat(rules.size()).isEqualTo(1);
    assertThat(rules.get(0).path("type").asText()).isEqualTo("time");
    assertThat(rules.get(0).path("at").asText()).isEqualTo("23:30");
    assertThat(rules.get(0).path("outlet").asInt()).isEqualTo(2);
    assertThat(rules.get(0).path("action").asText()).isEqualTo("off");
    assertThat(rules.get(0).path("every").asText()).isEqualTo("15th");
    assertThat(sim.scheduleRecords()).hasSize(1);

    HttpResponse<String> weekly =
        send(
            "POST",
            "/api/v1/devices/rack/schedule",
            ADMIN,
            "{\"type\": \"time\", \"at\": \"07:00\", \"every\": \"mon,fri\", \"outlet\": 2,"
                + " \"action\": \"on\"}");
    assertRefused(weekly, 409, "unsupported");
    HttpResponse<String> badEvery =
        send(
            "POST",
            "/api/v1/devices/rack/schedule",
            ADMIN,
            "{\"type\": \"time\", \"at\": \"07:00\", \"every\": \"someday\", \"outlet\": 2,"
                + " \"action\": \"on\"}");
    assertRefused(badEvery, 400, "invalid_argument");
    assertThat(json(badEvery).path("message").asText()).contains("someday");
    assertThat(sim.scheduleRecords()).hasSize(1);

    String power =
        "{\"type\": \"power\", \"comparison\": \"above\", \"watts\": 150, \"outlet\": 1,"
            + " \"action\": \"restart\"}";
    HttpResponse<String> second = send("POST", "/api/v1/devices/rack/schedule", ADMIN, power);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(json(second).path("rules").size()).isEqualTo(2);
    assertThat(json(second).path("rules").get(1).path("watts").asDouble()).isEqualTo(150.0);
    assertThat(sim.scheduleRecords()).hasSize(2);

    HttpResponse<String> badAction =
        send(
            "POST",
            "/api/v1/devices/rack/schedule",
            ADMIN,
            "{\"type\": \"time\", \"at\": \"23:30\", \"outlet\": 2, \"action\": \"explode\"}");
    assertRefused(badAction, 400, "invalid_argument");
    assertThat(json(badAction).path("message").asText())
        .contains("action must be on, off or restart");
    HttpResponse<String> badAt =
        send(
            "POST",
            "/api/v1/devices/rack/schedule",
            ADMIN,
            "{\"type\": \"time\", \"at\": \"25:99\", \"outlet\": 2, \"action\": \"on\"}");
    assertRefused(badAt, 400, "invalid_argument");
    assertThat(json(badAt).path("message").asText()).contains("at must be HH:MM");
    assertThat(sim.scheduleRecords()).hasSize(2);

    assertRefused(send("DELETE", "/api/v1/devices/rack/schedule", VIEWER, null), 403, "forbidden");
    assertThat(sim.scheduleRecords()).hasSize(2);
    HttpResponse<String> cleared = send("DELETE", "/api/v1/devices/rack/schedule", ADMIN, null);
    assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
    assertThat(json(cleared).path("rules").size()).isZero();
    assertThat(sim.scheduleRecords()).isEmpty();
  }

  @Test
  void aRestartAnswersOnceTheDeviceAcceptedItAndTheDeviceComesBack() throws Exception {
    assertRefused(send("POST", "/api/v1/devices/rack/restart", OPERATOR, null), 403, "forbidden");
    assertThat(sim.commandsReceived()).doesNotContain("X");

    HttpResponse<String> r = send("POST", "/api/v1/devices/rack/restart", ADMIN, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).path("confirmed").asBoolean()).isTrue();
    assertThat(sim.commandsReceived()).contains("X");
    await().atMost(Duration.ofSeconds(20)).until(() -> rack.health().isConnected());

    assertRefused(send("POST", "/api/v1/devices/nope/restart", ADMIN, null), 404, "not_found");
  }

  @Test
  void aDeviceWithoutTheCapabilityAnswersUnsupportedAndNothingIsSent() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> plug.health().isConnected());
    assertRefused(send("GET", "/api/v1/devices/plug/clock", VIEWER, null), 409, "unsupported");
    assertRefused(send("GET", "/api/v1/devices/plug/schedule", VIEWER, null), 409, "unsupported");
    assertRefused(send("POST", "/api/v1/devices/plug/restart", ADMIN, null), 409, "unsupported");
    HttpResponse<String> settings =
        send("PUT", "/api/v1/devices/plug/outlets/1/settings", ADMIN, "{\"name\": \"X\"}");
    assertRefused(settings, 409, "unsupported");
    assertThat(json(settings).path("device").asText()).isEqualTo("plug");
    assertThat(json(settings).path("message").asText()).contains("nothing was sent");
  }

  @Test
  void everyAdminRequestAllowedOrRefusedIsAnAuditLine() throws Exception {
    send("PUT", "/api/v1/devices/rack/outlets/2/settings", ADMIN, "{\"delaySeconds\": 4}");
    send("PUT", "/api/v1/devices/rack/outlets/2/settings", OPERATOR, "{\"delaySeconds\": 4}");
    send("PUT", "/api/v1/devices/rack/clock", ADMIN, "{\"time\": \"now\"}");
    send(
        "POST",
        "/api/v1/devices/rack/schedule",
        ADMIN,
        "{\"type\": \"time\", \"at\": \"07:00\", \"outlet\": 1, \"action\": \"on\"}");
    send("DELETE", "/api/v1/devices/rack/schedule", ADMIN, null);
    send("GET", "/api/v1/devices/rack/schedule", VIEWER, null); // a read: not audited
    await().atMost(Duration.ofSeconds(5)).until(() -> auditLines().size() == 5);
    List<JsonNode> lines = auditLines();
    assertThat(lines.stream().map(l -> l.path("action").asText()))
        .containsExactly(
            "set-settings", "set-settings", "set-clock", "add-schedule", "clear-schedule");
    assertThat(lines.get(0).path("token").asText()).isEqualTo("root");
    assertThat(lines.get(0).path("status").asInt()).isEqualTo(200);
    assertThat(lines.get(0).path("outlet").asText()).isEqualTo("2");
    assertThat(lines.get(1).path("token").asText()).isEqualTo("ci-bot");
    assertThat(lines.get(1).path("status").asInt()).isEqualTo(403);
    assertThat(lines).allMatch(l -> l.path("device").asText().equals("rack"));
    assertThat(Files.readString(audit)).doesNotContain(ADMIN).doesNotContain(OPERATOR);
  }
}
