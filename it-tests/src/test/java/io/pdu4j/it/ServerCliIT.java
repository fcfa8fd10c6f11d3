package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pdu4j --server URL status|on|off|cycle NAME}: the packaged CLI through the control API of
 * a packaged {@code pdu4j serve}, both separate processes, on an IsoTek simulator; every switch is
 * checked against the simulator's own outlet state.
 */
class ServerCliIT {
  private static final String OPERATOR = "operator-token-0123456789abcdef";
  private static final String VIEWER = "viewer-token-0123456789abcdef01";
  private static final String ADMIN = "admin-token-0123456789abcdef0123";

  @TempDir Path dir;
  private IsoTekSimulator sim;
  private ServeProcess serve;
  private String server;

  @BeforeEach
  void start() throws Exception {
    sim =
        IsoTekSimulator.builder()
            .tcpPort(0)
            .outlets(8)
            .jitter(false)
            .initialState(2, false)
            .loadWatts(3, 65)
            .build()
            .start();
    Files.writeString(dir.resolve("operator.token"), OPERATOR + "\n");
    Files.writeString(dir.resolve("viewer.token"), VIEWER + "\n");
    Files.writeString(dir.resolve("admin.token"), ADMIN + "\n");
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
            api:
              host: 127.0.0.1
              port: 0
              auth:
                tokens:
                  ci: { token: "file:./operator.token", role: operator }
                  grafana: { token: "file:./viewer.token", role: viewer }
                  ops: { token: "file:./admin.token", role: admin }
            """
                .formatted(sim.port()));
    serve = ServeProcess.start(config);
    server = "http://127.0.0.1:" + serve.apiPort();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> serve.get("/health/ready").statusCode() == 200);
  }

  @AfterEach
  void stop() {
    if (serve != null) {
      serve.close();
    }
    sim.close();
  }

  private static Map<String, String> token(String token) {
    return Map.of("PDU4J_TOKEN", token);
  }

  private long switchCommands() {
    return sim.commandsReceived().stream().filter(c -> c.matches("S\\d+=.*|[GH]")).count();
  }

  @Test
  void statusThroughTheServerIsTheDirectCommandsTableAndJson() throws Exception {
    String uri = "isotek:tcp://127.0.0.1:" + sim.port();
    CliIT.Run table = CliIT.pdu4j(token(VIEWER), "--server", server, "status", "rack");
    assertThat(table.exit()).as(table.err()).isZero();
    assertThat(table.out())
        .contains(uri)
        .containsPattern("(?m)^\\s+#\\s+NAME\\s+STATE\\s+VOLTS\\s+WATTS$")
        .containsPattern("(?m)^\\s+2\\s+\\S.*\\s+OFF\\s+230\\.0\\s+0\\.0$")
        .containsPattern("(?m)^\\s+3\\s+\\S.*\\s+ON\\s+230\\.0\\s+65\\.0$");
    CliIT.Run direct = CliIT.pdu4j("status", uri);
    assertThat(table.out().lines().skip(2).toList())
        .as("the outlet table, as the direct command prints it")
        .isEqualTo(direct.out().lines().skip(2).toList());
    assertThat(table.out().lines().findFirst()).isEqualTo(direct.out().lines().findFirst());

    // PDU4J_SERVER instead of --server, and --json: the shape of the direct status --json
    CliIT.Run json =
        CliIT.pdu4j(
            Map.of("PDU4J_TOKEN", VIEWER, "PDU4J_SERVER", server), "status", "rack", "--json");
    assertThat(json.exit()).as(json.err()).isZero();
    CliIT.Run directJson = CliIT.pdu4j("status", uri, "--json");
    ObjectMapper m = new ObjectMapper();
    ObjectNode viaServer = (ObjectNode) m.readTree(json.out());
    ObjectNode itself = (ObjectNode) m.readTree(directJson.out());
    assertThat(fieldNames(viaServer)).isEqualTo(fieldNames(itself));
    viaServer.remove("clock"); // the device's clock moves on between the two reads
    itself.remove("clock");
    assertThat(viaServer).isEqualTo(itself);
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void onOffAndCycleAreConfirmedByTheDevice() throws Exception {
    CliIT.Run off = CliIT.pdu4j(token(OPERATOR), "--server", server, "off", "rack", "3", "5");
    assertThat(off.exit()).as(off.err()).isZero();
    assertThat(off.out())
        .containsPattern("(?m)^outlet  3 .*OFF$")
        .containsPattern("(?m)^outlet  5 .*OFF$");
    assertThat(sim.outletState(3)).isFalse();
    assertThat(sim.outletState(5)).isFalse();

    CliIT.Run on = CliIT.pdu4j(token(OPERATOR), "--server", server, "on", "rack", "3");
    assertThat(on.exit()).as(on.err()).isZero();
    assertThat(on.out()).containsPattern("(?m)^outlet  3 .*ON$");
    assertThat(sim.outletState(3)).isTrue();

    CliIT.Run cycle =
        CliIT.pdu4j(
            token(OPERATOR), "--server", server, "cycle", "rack", "5", "--off-time", "500ms");
    assertThat(cycle.exit()).as(cycle.err()).isZero();
    assertThat(cycle.out()).containsPattern("(?m)^outlet  5 .*ON$");
    assertThat(sim.outletState(5)).isTrue();
    List<String> sent = sim.commandsReceived();
    assertThat(sent.lastIndexOf("S5=1")).isGreaterThan(sent.lastIndexOf("S5=0"));

    CliIT.Run all = CliIT.pdu4j(token(OPERATOR), "--server", server, "off", "rack", "all");
    assertThat(all.exit()).as(all.err()).isZero();
    assertThat(all.out().lines().filter(l -> l.matches("outlet +\\d+ .*OFF"))).hasSize(8);
    for (int n = 1; n <= 8; n++) {
      assertThat(sim.outletState(n)).as("outlet %d", n).isFalse();
    }
  }

  @Test
  void aMissingWrongOrTooWeakTokenIsRefusedAndNothingIsSwitched() throws Exception {
    long before = switchCommands();

    CliIT.Run none = CliIT.pdu4j("--server", server, "off", "rack", "3");
    assertThat(none.exit()).as(none.err()).isEqualTo(3);
    assertThat(none.err()).contains("needs a known token").contains("set PDU4J_TOKEN");

    String wrong = "not-the-token-0123456789abcdef";
    CliIT.Run bad = CliIT.pdu4j(token(wrong), "--server", server, "off", "rack", "3");
    assertThat(bad.exit()).as(bad.err()).isEqualTo(3);
    assertThat(bad.err()).contains("HTTP 401").doesNotContain(wrong);
    assertThat(bad.out()).doesNotContain(wrong);

    CliIT.Run viewer = CliIT.pdu4j(token(VIEWER), "--server", server, "off", "rack", "3");
    assertThat(viewer.exit()).as(viewer.err()).isEqualTo(3);
    assertThat(viewer.err()).contains("has the role viewer").contains("HTTP 403");
    assertThat(viewer.out() + viewer.err()).doesNotContain(VIEWER);

    assertThat(sim.outletState(3)).isTrue();
    assertThat(switchCommands()).isEqualTo(before);
    assertThat(serve.log()).doesNotContain(wrong).doesNotContain(VIEWER);
  }

  @Test
  void outletSettingsThroughTheServerAreTheDirectCommandsAndAChangeNeedsAnAdmin() throws Exception {
    String uri = "isotek:tcp://127.0.0.1:" + sim.port();
    CliIT.Run listed = CliIT.pdu4j(token(VIEWER), "--server", server, "outlets", "rack");
    assertThat(listed.exit()).as(listed.err()).isZero();
    CliIT.Run direct = CliIT.pdu4j("outlets", uri);
    assertThat(listed.out()).isEqualTo(direct.out());
    assertThat(listed.out().lines().count()).isEqualTo(9);

    CliIT.Run refused =
        CliIT.pdu4j(token(OPERATOR), "--server", server, "outlets", "rack", "3", "--name", "Lab");
    assertThat(refused.exit()).as(refused.err()).isEqualTo(3);
    assertThat(refused.err()).contains("HTTP 403");
    assertThat(sim.commandsReceived()).noneMatch(c -> c.contains("Lab"));

    CliIT.Run changed =
        CliIT.pdu4j(
            token(ADMIN), "--server", server, "outlets", "rack", "3", "--name", "Lab", "--json");
    assertThat(changed.exit()).as(changed.err()).isZero();
    assertThat(changed.out()).contains("\"number\":3").contains("\"name\":\"Lab\"");
    CliIT.Run reread = CliIT.pdu4j("outlets", uri, "3");
    assertThat(reread.out())
        .as("the device itself keeps the new name")
        .containsPattern("(?m)^\\s+3\\s+Lab\\s");
  }

  @Test
  void anUnknownDeviceOrOutletIsAUsageError() throws Exception {
    long before = switchCommands();
    CliIT.Run device = CliIT.pdu4j(token(OPERATOR), "--server", server, "status", "nope");
    assertThat(device.exit()).as(device.err()).isEqualTo(2);
    assertThat(device.err()).contains("no device 'nope' is configured");

    CliIT.Run outlet = CliIT.pdu4j(token(OPERATOR), "--server", server, "off", "rack", "3", "99");
    assertThat(outlet.exit()).as(outlet.err()).isEqualTo(2);
    assertThat(outlet.err()).contains("rack has no outlet 99");
    assertThat(outlet.out()).as("outlet 3 is not switched either").isEmpty();
    assertThat(switchCommands()).isEqualTo(before);
  }

  @Test
  void anUnreachableServerIsTheUnreachableExitCode() throws Exception {
    int port = Ports.unused();
    CliIT.Run r =
        CliIT.pdu4j(token(OPERATOR), "--server", "http://127.0.0.1:" + port, "on", "rack", "3");
    assertThat(r.exit()).as(r.err()).isEqualTo(4);
    assertThat(r.err()).contains("cannot reach the server http://127.0.0.1:" + port);
  }

  @Test
  void aDeviceThatIsNotConnectedIsTheUnreachableExitCode() throws Exception {
    sim.close();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> serve.get("/health/ready").statusCode() == 503);
    CliIT.Run r = CliIT.pdu4j(token(OPERATOR), "--server", server, "on", "rack", "3");
    assertThat(r.exit()).as(r.err()).isEqualTo(4);
    assertThat(r.err()).contains("device 'rack' is").contains("HTTP 503 not_connected");

    // status: the server's last report of it, if it has one, but not as a current one
    CliIT.Run status = CliIT.pdu4j(token(OPERATOR), "--server", server, "status", "rack");
    assertThat(status.exit()).as(status.err()).isEqualTo(4);
    assertThat(status.err()).containsPattern("(rack is|device 'rack' is) [A-Z]+");
  }
}
