package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.sim.enistic.EnisticSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole control plane of the packaged {@code pdu4j serve}, as a lab runs it, on an IsoTek
 * simulator over TCP and an Enistic simulator over UDP: the device list and status, switching with
 * tokens of three roles, a group over outlets of both devices with a sequence delay, an admin's
 * outlet settings, the pdudaemon listener, the event stream and the audit file. Every command is
 * checked against the simulators' own state, not only against what the API answered.
 */
class ControlPlaneIT {
  private static final String CONTROLLER = "004A3BB5B04";
  private static final String VIEWER = "cp-viewer-3b9d0c5e7a1f2468ace02468";
  private static final String OPERATOR = "cp-operator-8e2a4c6b0d1f3579bdf13579";
  private static final String ADMIN = "cp-admin-1f3e5d7c9b0a2468ace0fdb97531";
  private static final String WRONG = "cp-wrong-00112233445566778899aabbccdd";
  private static final int[] LOADS = {137, 64, 12, 40, 25, 90, 55, 30};
  private static final Duration SEQUENCE_DELAY = Duration.ofMillis(300);
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dir;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private IsoTekSimulator rack;
  private EnisticSimulator office;
  private ServeProcess serve;
  private Path audit;
  private String api;
  private String pdudaemon;
  private String socket1;
  private String socket2;
  private String meter;

  /** What the test expects in the audit file, one per control request, in order. */
  private final List<Audited> expected = new ArrayList<>();

  private record Audited(
      String token,
      String device,
      String outlet,
      String group,
      String action,
      int status,
      String outcome) {}

  @BeforeEach
  void start() throws Exception {
    IsoTekSimulator.Builder b =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .mainsVolts(230)
            .outletConfig(1, "SERVER-A", 1, 0)
            .initialState(6, false);
    for (int n = 1; n <= LOADS.length; n++) {
      b.loadWatts(n, LOADS[n - 1]);
    }
    rack = b.build().start();
    int readings;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      readings = s.getLocalPort();
    }
    office =
        EnisticSimulator.builder()
            .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), readings))
            .controlPort(0)
            .controller(CONTROLLER, 2, 1, 1)
            .rate(10)
            .build()
            .start();
    socket1 = office.socketSerials(CONTROLLER).get(0);
    socket2 = office.socketSerials(CONTROLLER).get(1);
    meter = office.meterSerials(CONTROLLER).get(0);

    Path viewer = Files.writeString(dir.resolve("viewer.token"), VIEWER + "\n");
    Path operator = Files.writeString(dir.resolve("operator.token"), OPERATOR + "\n");
    Path admin = Files.writeString(dir.resolve("admin.token"), ADMIN + "\n");
    audit = dir.resolve("audit.jsonl");
    Path config =
        Files.writeString(
            dir.resolve("devices.yaml"),
            """
            devices:
              rack:
                uri: "isotek:tcp://127.0.0.1:%d"
              office:
                uri: "enistic:udp://127.0.0.1:%d/%s?send=127.0.0.1:%d"
            groups:
              bench:
                outlets: ["rack/4", "office/%s", "rack/5"]
                sequence-delay: %dms
              dut:
                outlets: ["office/%s"]
            api:
              host: 127.0.0.1
              port: 0
              auth:
                tokens:
                  lab-viewer: { token: "file:%s", role: viewer }
                  lab-ci: { token: "file:%s", role: operator }
                  lab-admin: { token: "file:%s", role: admin }
              audit: "%s"
            pdudaemon:
              host: 127.0.0.1
              port: 0
            metrics:
              prometheus:
                host: 127.0.0.1
                port: 0
            """
                .formatted(
                    rack.port(),
                    readings,
                    CONTROLLER,
                    office.controlPort(),
                    socket1,
                    SEQUENCE_DELAY.toMillis(),
                    socket2,
                    viewer,
                    operator,
                    admin,
                    audit));
    serve = ServeProcess.start(config);
    api = "http://127.0.0.1:" + serve.apiPort();
    pdudaemon = "http://127.0.0.1:" + serve.pdudaemonPort();
    await().atMost(WAIT).until(() -> serve.get("/health/ready").statusCode() == 200);
    assertThat(serve.log()).as("serve's start, which logs warnings only").doesNotContain("[WARN]");
  }

  @AfterEach
  void stop() {
    if (serve != null) {
      serve.close();
    }
    if (office != null) {
      office.close();
    }
    if (rack != null) {
      rack.close();
    }
  }

  @Test
  void aLabRunsTheWholeControlPlaneAgainstTheSimulators() throws Exception {
    devicesAreListedAsTheSimulatorsReportThem();
    anOperatorSwitchesAndAViewerOrNoTokenIsRefused();
    aGroupSwitchesEachOutletInOrder();
    onlyAnAdminChangesOutletSettings();
    pdudaemonRequestsSwitchTheSimulators();
    theEventStreamFollowsTheSimulator();
    theAuditFileHasEveryControlRequestAndNoToken();
  }

  private void devicesAreListedAsTheSimulatorsReportThem() throws Exception {
    HttpResponse<String> list = call("GET", "/api/v1/devices", VIEWER, null);
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    JsonNode devices = json.readTree(list.body()).path("devices");
    List<String> names = new ArrayList<>();
    devices.forEach(
        d -> {
          names.add(d.path("name").asText());
          assertThat(d.path("health").path("state").asText())
              .as("health of %s", d.path("name"))
              .isEqualTo("CONNECTED");
        });
    assertThat(names).containsExactlyInAnyOrder("rack", "office");

    // the IsoTek: every outlet's state and watts as the simulator has them
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode r = device("rack");
              assertThat(r.path("health").path("state").asText()).isEqualTo("CONNECTED");
              JsonNode outlets = r.path("outlets");
              assertThat(outlets).hasSize(rack.outletCount());
              for (JsonNode o : outlets) {
                int n = o.path("number").asInt();
                boolean on = rack.outletState(n);
                assertThat(o.path("state").asText())
                    .as("outlet %d", n)
                    .isEqualTo(on ? "ON" : "OFF");
                assertThat(o.path("power").asDouble())
                    .as("watts of outlet %d", n)
                    .isEqualTo(on ? LOADS[n - 1] : 0.0);
                assertThat(o.path("voltage").asDouble()).isEqualTo(230.0);
              }
              assertThat(outlets.get(0).path("name").asText()).isEqualTo("SERVER-A");
              assertThat(outlets.get(5).path("state").asText()).isEqualTo("OFF");
            });

    // the Enistic: its sockets (ids = serials) and meter channel, states and watts
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode o = device("office");
              assertThat(o.path("health").path("state").asText()).isEqualTo("CONNECTED");
              assertThat(o.path("outlets")).hasSize(3);
              assertThat(outlet(o, socket1).path("state").asText()).isEqualTo("ON");
              assertThat(outlet(o, socket2).path("state").asText()).isEqualTo("ON");
              // the simulator's sockets draw 20 W and 35 W, plus up to 1 W of jitter
              assertThat(outlet(o, socket1).path("power").asDouble()).isBetween(20.0, 21.0);
              assertThat(outlet(o, socket2).path("power").asDouble()).isBetween(35.0, 36.0);
              assertThat(o.path("outlets").findValuesAsText("id"))
                  .anyMatch(id -> id.startsWith(meter));
            });
    assertThat(office.socketOn(socket1)).contains(true);
    assertThat(office.socketOn(socket2)).contains(true);
  }

  private void anOperatorSwitchesAndAViewerOrNoTokenIsRefused() throws Exception {
    HttpResponse<String> off = call("POST", "/api/v1/devices/rack/outlets/2/off", OPERATOR, null);
    assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
    assertThat(json.readTree(off.body()).path("outlet").path("state").asText()).isEqualTo("OFF");
    assertThat(rack.outletState(2)).isFalse();
    expected.add(new Audited("lab-ci", "rack", "2", null, "off", 200, "ok"));

    HttpResponse<String> on = call("POST", "/api/v1/devices/rack/outlets/2/on", OPERATOR, null);
    assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
    assertThat(json.readTree(on.body()).path("outlet").path("state").asText()).isEqualTo("ON");
    assertThat(rack.outletState(2)).isTrue();
    expected.add(new Audited("lab-ci", "rack", "2", null, "on", 200, "ok"));

    // the Enistic over UDP, its socket named by its serial
    HttpResponse<String> sOff =
        call("POST", "/api/v1/devices/office/outlets/" + socket2 + "/off", OPERATOR, null);
    assertThat(sOff.statusCode()).as(sOff.body()).isEqualTo(200);
    assertThat(json.readTree(sOff.body()).path("outlet").path("state").asText()).isEqualTo("OFF");
    assertThat(office.socketOn(socket2)).contains(false);
    expected.add(new Audited("lab-ci", "office", socket2, null, "off", 200, "ok"));
    HttpResponse<String> sOn =
        call("POST", "/api/v1/devices/office/outlets/" + socket2 + "/on", OPERATOR, null);
    assertThat(sOn.statusCode()).as(sOn.body()).isEqualTo(200);
    assertThat(office.socketOn(socket2)).contains(true);
    expected.add(new Audited("lab-ci", "office", socket2, null, "on", 200, "ok"));

    // refused: nothing reaches either simulator
    long rackCommands = switchCommands();
    long officeCommands = office.commandsReceived();
    HttpResponse<String> viewer = call("POST", "/api/v1/devices/rack/outlets/3/off", VIEWER, null);
    assertThat(viewer.statusCode()).as(viewer.body()).isEqualTo(403);
    assertThat(json.readTree(viewer.body()).path("error").asText()).isEqualTo("forbidden");
    expected.add(new Audited("lab-viewer", "rack", "3", null, "off", 403, "forbidden"));
    HttpResponse<String> viewerOffice =
        call("POST", "/api/v1/devices/office/outlets/" + socket1 + "/off", VIEWER, null);
    assertThat(viewerOffice.statusCode()).as(viewerOffice.body()).isEqualTo(403);
    expected.add(new Audited("lab-viewer", "office", socket1, null, "off", 403, "forbidden"));

    HttpResponse<String> none = call("POST", "/api/v1/devices/rack/outlets/3/off", null, null);
    assertThat(none.statusCode()).as(none.body()).isEqualTo(401);
    assertThat(json.readTree(none.body()).path("error").asText()).isEqualTo("unauthorized");
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    expected.add(new Audited(null, "rack", "3", null, "off", 401, "unauthorized"));

    HttpResponse<String> wrong = call("POST", "/api/v1/devices/rack/outlets/3/off", WRONG, null);
    assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain(WRONG);
    expected.add(new Audited(null, "rack", "3", null, "off", 401, "unauthorized"));

    assertThat(rack.outletState(3)).isTrue();
    assertThat(office.socketOn(socket1)).contains(true);
    assertThat(switchCommands()).isEqualTo(rackCommands);
    assertThat(office.commandsReceived()).isEqualTo(officeCommands);
  }

  private void aGroupSwitchesEachOutletInOrder() throws Exception {
    assertThat(rack.outletState(4)).isTrue();
    assertThat(office.socketOn(socket1)).contains(true);
    assertThat(rack.outletState(5)).isTrue();
    // Samples the three outlets, the last of the group first: an outlet seen off in a sample
    // means every outlet switched before it is seen off in that sample too, however late the
    // sample runs; an outlet switched out of order would be seen off in an earlier sample.
    List<BooleanSupplier> offInOrder =
        List.of(
            () -> !rack.outletState(4),
            () -> office.socketOn(socket1).equals(Optional.of(false)),
            () -> !rack.outletState(5));
    AtomicLongArray firstSeenOff = new AtomicLongArray(new long[] {-1, -1, -1});
    AtomicLong samples = new AtomicLong();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleWithFixedDelay(
        () -> {
          long sample = samples.incrementAndGet();
          for (int i = offInOrder.size() - 1; i >= 0; i--) {
            if (firstSeenOff.get(i) < 0 && offInOrder.get(i).getAsBoolean()) {
              firstSeenOff.set(i, sample);
            }
          }
        },
        0,
        2,
        TimeUnit.MILLISECONDS);
    int before = rack.commandsReceived().size();
    long started = System.nanoTime();
    HttpResponse<String> r;
    try {
      await().atMost(WAIT).until(() -> samples.get() > 0);
      r = call("POST", "/api/v1/groups/bench/off", OPERATOR, null);
      await().atMost(WAIT).until(() -> firstSeenOff.get(0) > 0 && firstSeenOff.get(2) > 0);
    } finally {
      sampler.shutdown();
      assertThat(sampler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    expected.add(new Audited("lab-ci", null, null, "bench", "off", 200, "ok"));
    JsonNode answer = json.readTree(r.body());
    assertThat(answer.path("group").asText()).isEqualTo("bench");
    assertThat(answer.path("ok").asBoolean()).isTrue();
    JsonNode outcomes = answer.path("outlets");
    assertThat(outcomes).hasSize(3);
    List<String> order = new ArrayList<>();
    for (JsonNode o : outcomes) {
      order.add(o.path("device").asText() + "/" + o.path("outlet").asText());
      assertThat(o.path("ok").asBoolean()).as(o.toString()).isTrue();
      assertThat(o.path("status").path("state").asText()).as(o.toString()).isEqualTo("OFF");
    }
    assertThat(order).containsExactly("rack/4", "office/" + socket1, "rack/5");

    // the simulators: all three off, switched in the group's order
    assertThat(rack.outletState(4)).isFalse();
    assertThat(office.socketOn(socket1)).contains(false);
    assertThat(rack.outletState(5)).isFalse();
    List<String> sent = rack.commandsReceived().subList(before, rack.commandsReceived().size());
    assertThat(sent).contains("S4=0", "S5=0");
    assertThat(sent.indexOf("S4=0")).isLessThan(sent.indexOf("S5=0"));
    assertThat(firstSeenOff.get(0)).as("rack/4 seen off (sample)").isPositive();
    assertThat(firstSeenOff.get(1))
        .as("office/%s seen off (sample), not before rack/4", socket1)
        .isGreaterThanOrEqualTo(firstSeenOff.get(0));
    assertThat(firstSeenOff.get(2))
        .as("rack/5 seen off (sample), not before office/%s", socket1)
        .isGreaterThanOrEqualTo(firstSeenOff.get(1));
    // the sequence delay was waited twice (a lower bound only: no claim on speed)
    assertThat(took).isGreaterThanOrEqualTo(SEQUENCE_DELAY.multipliedBy(2));
  }

  private void onlyAnAdminChangesOutletSettings() throws Exception {
    String body = "{\"name\":\"Lab3\"}";
    HttpResponse<String> refused =
        call("PUT", "/api/v1/devices/rack/outlets/3/settings", OPERATOR, body);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(rack.commandsReceived()).noneMatch(c -> c.contains("Lab3"));
    expected.add(new Audited("lab-ci", "rack", "3", null, "set-settings", 403, "forbidden"));

    HttpResponse<String> changed =
        call("PUT", "/api/v1/devices/rack/outlets/3/settings", ADMIN, body);
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    assertThat(json.readTree(changed.body()).path("name").asText()).isEqualTo("Lab3");
    expected.add(new Audited("lab-admin", "rack", "3", null, "set-settings", 200, "ok"));

    // the device itself keeps it: read back over a connection of its own
    CliIT.Run reread = CliIT.pdu4j("outlets", "isotek:tcp://127.0.0.1:" + rack.port(), "3");
    assertThat(reread.exit()).as(reread.err()).isZero();
    assertThat(reread.out()).containsPattern("(?m)^\\s+3\\s+Lab3\\s");
  }

  private void pdudaemonRequestsSwitchTheSimulators() throws Exception {
    HttpResponse<String> off = pdudaemon("/power/control/off?hostname=rack&port=1");
    assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
    assertThat(off.body().strip()).isEqualTo("OK - accepted request");
    assertThat(rack.outletState(1)).isFalse();
    expected.add(new Audited(null, "rack", "1", null, "pdudaemon-off", 200, "ok"));

    int before = rack.commandsReceived().size();
    HttpResponse<String> reboot = pdudaemon("/power/control/reboot?hostname=rack&port=1&delay=1");
    assertThat(reboot.statusCode()).as(reboot.body()).isEqualTo(200);
    assertThat(reboot.body().strip()).isEqualTo("OK - accepted request");
    assertThat(rack.outletState(1)).isTrue();
    List<String> sent = rack.commandsReceived().subList(before, rack.commandsReceived().size());
    assertThat(sent.stream().filter(c -> c.startsWith("S1=")))
        .as("the reboot: off, then on")
        .containsExactly("S1=0", "S1=1");
    expected.add(new Audited(null, "rack", "1", null, "pdudaemon-reboot", 200, "ok"));

    long rackCommands = switchCommands();
    HttpResponse<String> unknown = pdudaemon("/power/control/off?hostname=nope&port=1");
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(500);
    assertThat(unknown.body()).startsWith("Invalid request: ").contains("nope");
    assertThat(switchCommands()).isEqualTo(rackCommands);
    expected.add(new Audited(null, "nope", "1", null, "pdudaemon-off", 500, "not_found"));

    // alias: the one-outlet group dut, an Enistic socket
    HttpResponse<String> alias = pdudaemon("/power/control/off?alias=dut");
    assertThat(alias.statusCode()).as(alias.body()).isEqualTo(200);
    assertThat(alias.body().strip()).isEqualTo("OK - accepted request");
    assertThat(office.socketOn(socket2)).contains(false);
    expected.add(new Audited(null, "office", socket2, "dut", "pdudaemon-off", 200, "ok"));
  }

  private void theEventStreamFollowsTheSimulator() throws Exception {
    assertThat(call("GET", "/api/v1/events", null, null).statusCode()).isEqualTo(401);

    BlockingQueue<String> lines = new ArrayBlockingQueue<>(10_000);
    HttpResponse<Stream<String>> stream =
        http.send(
            HttpRequest.newBuilder(URI.create(api + "/api/v1/events"))
                .header("Authorization", "Bearer " + VIEWER)
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    Thread reader =
        new Thread(
            () -> {
              try {
                stream.body().forEach(lines::offer);
              } catch (java.io.UncheckedIOException closedByTheTest) {
                // the stream ends here when the test closes it
              }
            },
            "events-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      // the stream starts with each device's health
      await()
          .atMost(WAIT)
          .until(
              () ->
                  events(lines, "health").stream()
                          .filter(e -> e.path("state").asText().equals("CONNECTED"))
                          .map(e -> e.path("device").asText())
                          .distinct()
                          .count()
                      == 2);
      assertThat(rack.outletState(8)).isTrue();
      rack.setOutletState(8, false); // by hand, at the front panel: no API request
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(events(lines, "outlet"))
                      .anySatisfy(
                          e -> {
                            assertThat(e.path("device").asText()).isEqualTo("rack");
                            assertThat(e.path("previous").asText()).isEqualTo("ON");
                            assertThat(e.path("outlet").path("number").asInt()).isEqualTo(8);
                            assertThat(e.path("outlet").path("state").asText()).isEqualTo("OFF");
                          }));
    } finally {
      stream.body().close();
      reader.interrupt();
    }
  }

  private void theAuditFileHasEveryControlRequestAndNoToken() throws Exception {
    await()
        .atMost(WAIT)
        .until(() -> Files.exists(audit) && Files.readAllLines(audit).size() >= expected.size());
    List<String> lines = Files.readAllLines(audit, StandardCharsets.UTF_8);
    assertThat(lines).hasSameSizeAs(expected);
    for (int i = 0; i < lines.size(); i++) {
      JsonNode l = json.readTree(lines.get(i));
      Audited e = expected.get(i);
      String what = "audit line " + (i + 1) + ": " + lines.get(i);
      assertThat(text(l, "token")).as(what).isEqualTo(e.token());
      assertThat(text(l, "device")).as(what).isEqualTo(e.device());
      assertThat(text(l, "outlet")).as(what).isEqualTo(e.outlet());
      assertThat(text(l, "group")).as(what).isEqualTo(e.group());
      assertThat(text(l, "action")).as(what).isEqualTo(e.action());
      assertThat(l.path("status").asInt()).as(what).isEqualTo(e.status());
      assertThat(text(l, "outcome")).as(what).isEqualTo(e.outcome());
      assertThat(text(l, "remote")).as(what).isEqualTo("127.0.0.1");
      assertThat(l.path("time").isTextual()).as(what).isTrue();
      assertThat(l.path("durationMs").isIntegralNumber()).as(what).isTrue();
    }
    // the group's line spans both sequence delays
    assertThat(
            lines.stream()
                .map(this::readTree)
                .filter(l -> "bench".equals(text(l, "group")))
                .findFirst()
                .orElseThrow()
                .path("durationMs")
                .asLong())
        .isGreaterThanOrEqualTo(2 * SEQUENCE_DELAY.toMillis());

    String everything =
        Files.readString(audit)
            + Files.readString(dir.resolve("serve.out"))
            + Files.readString(dir.resolve("serve.err"));
    for (String token : List.of(VIEWER, OPERATOR, ADMIN, WRONG)) {
      assertThat(everything)
          .as("a token in the audit file or serve's output")
          .doesNotContain(token);
    }
  }

  // ------------------------------------------------------------------ helpers

  private HttpResponse<String> call(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(api + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> pdudaemon(String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(pdudaemon + pathAndQuery))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode device(String name) throws Exception {
    HttpResponse<String> r = call("GET", "/api/v1/devices/" + name, VIEWER, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  private static JsonNode outlet(JsonNode device, String id) {
    for (JsonNode o : device.path("outlets")) {
      if (o.path("id").asText().equals(id)) {
        return o;
      }
    }
    throw new AssertionError("no outlet " + id + " in " + device);
  }

  /** The data of every event of this type received so far. */
  private List<JsonNode> events(BlockingQueue<String> lines, String type) {
    List<JsonNode> found = new ArrayList<>();
    String current = null;
    for (String line : lines) {
      if (line.startsWith("event: ")) {
        current = line.substring(7);
      } else if (line.startsWith("data: ") && type.equals(current)) {
        found.add(readTree(line.substring(6)));
      } else if (line.isEmpty()) {
        current = null;
      }
    }
    return found;
  }

  private JsonNode readTree(String text) {
    try {
      return json.readTree(text);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private long switchCommands() {
    return rack.commandsReceived().stream().filter(c -> c.matches("S\\d+=.*|[GH]")).count();
  }
}
