package io.pdu4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.ApiConfig;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.config.GroupConfig;
import io.pdu4j.runtime.config.OutletRef;
import io.pdu4j.runtime.config.PdudaemonConfig;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pdudaemon's requests, as LAVA's pduclient sends them, against the IsoTek simulator. */
class PdudaemonTest {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir Path dir;
  private IsoTekSimulator sim;
  private PowerRuntime runtime;
  private ControlServer server;
  private final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .initialState(2, false)
            .outletConfig(3, "LOCKED", 3, 0)
            .build()
            .start();
    runtime = PowerRuntime.builder().build();
    SupervisedDevice rack =
        runtime.supervise(DeviceConfig.of("rack", "isotek:tcp://127.0.0.1:" + sim.port()));
    await().atMost(Duration.ofSeconds(10)).until(() -> rack.health().isConnected());
    server =
        ControlServer.builder()
            .devices(List.of(rack))
            .groups(
                Map.of(
                    "board-1",
                    new GroupConfig("board-1", List.of(OutletRef.parse("rack/2")), Duration.ZERO),
                    "two",
                    new GroupConfig(
                        "two",
                        List.of(OutletRef.parse("rack/1"), OutletRef.parse("rack/2")),
                        Duration.ZERO)))
            .api(
                new ApiConfig("127.0.0.1", 0, false, Map.of(), Optional.of(dir.resolve("a.jsonl"))))
            .pdudaemon(new PdudaemonConfig("127.0.0.1", 0))
            .log(log::add)
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
    runtime.close();
    sim.close();
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    int port = server.pdudaemonAddress().orElseThrow().getPort();
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void onOffAndRebootByHostnameAndPortAnswerAsPdudaemonOnceConfirmed() throws Exception {
    HttpResponse<String> on = get("/power/control/on?hostname=rack&port=2");
    assertThat(on.statusCode()).isEqualTo(200);
    assertThat(on.body().strip()).isEqualTo("OK - accepted request");
    assertThat(sim.outletState(2)).isTrue();

    HttpResponse<String> reboot = get("/power/control/reboot?hostname=rack&port=2&delay=1");
    assertThat(reboot.statusCode()).as(reboot.body()).isEqualTo(200);
    assertThat(sim.commandsReceived()).containsSubsequence("S2=1", "S2=0", "S2=1");
    assertThat(sim.outletState(2)).isTrue();

    HttpResponse<String> off = get("/power/control/off?alias=board-1");
    assertThat(off.statusCode()).isEqualTo(200);
    assertThat(sim.outletState(2)).isFalse();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> Files.readAllLines(dir.resolve("a.jsonl")).size() == 3);
    assertThat(Files.readAllLines(dir.resolve("a.jsonl")).get(2))
        .contains("\"action\":\"pdudaemon-off\"", "\"group\":\"board-1\"", "\"outcome\":\"ok\"");
  }

  @Test
  void badRequestsAreInvalidRequestsAndSendNothing() throws Exception {
    long before = sim.commandCount();
    for (String bad :
        List.of(
            "/power/control/on?hostname=nope&port=1",
            "/power/control/on?hostname=rack&port=99",
            "/power/control/on?hostname=rack",
            "/power/control/on?alias=two",
            "/power/control/on?alias=nope",
            "/power/control/reboot?hostname=rack&port=1&delay=soon",
            "/power/control/explode?hostname=rack&port=1")) {
      HttpResponse<String> r = get(bad);
      assertThat(r.statusCode()).as(bad).isEqualTo(500);
      assertThat(r.body()).as(bad).startsWith("Invalid request: ");
    }
    assertThat(sim.commandsReceived().subList((int) before, sim.commandsReceived().size()))
        .noneMatch(c -> c.startsWith("S"));
    int api = server.apiAddress().orElseThrow().getPort();
    HttpResponse<String> notThere =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + api + "/power/control/on?hostname=rack&port=1"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(notThere.statusCode()).as("not on the API's listener").isEqualTo(404);
  }

  @Test
  void aRefusedRequestIsAuditedWithWhatWentWrongNotOnlyThatItFailed() throws Exception {
    List<String> requests =
        List.of(
            "/power/control/on?hostname=nope&port=1",
            "/power/control/on?hostname=rack&port=99",
            "/power/control/reboot?hostname=rack&port=1&delay=soon",
            "/power/control/off?hostname=rack&port=3");
    for (String r : requests) {
      HttpResponse<String> answer = get(r);
      assertThat(answer.statusCode()).as(r).isEqualTo(500);
      assertThat(answer.body()).as(r).startsWith("Invalid request: ");
    }
    assertThat(sim.outletState(3)).as("the locked outlet").isTrue();
    Path audit = dir.resolve("a.jsonl");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> Files.exists(audit) && Files.readAllLines(audit).size() == requests.size());
    List<String> lines = Files.readAllLines(audit);
    assertThat(lines.get(0)).contains("\"device\":\"nope\"", "\"outcome\":\"not_found\"");
    assertThat(lines.get(1)).contains("\"outlet\":\"99\"", "\"outcome\":\"not_found\"");
    assertThat(lines.get(2))
        .contains("\"action\":\"pdudaemon-reboot\"", "\"outcome\":\"invalid_argument\"");
    assertThat(lines.get(3))
        .as("the device's refusal (a locked outlet) is the failure's kind")
        .contains("\"outlet\":\"3\"", "\"status\":500", "\"outcome\":\"unsupported\"");
  }
}
