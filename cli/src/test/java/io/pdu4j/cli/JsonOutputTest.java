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
 * {@code --json} on the commands that switch or restart, directly and through a server, and errors
 * as one JSON object on stderr with the exit code of the text form.
 */
class JsonOutputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "json-test-0123456789abcdef0123456789";

  @TempDir Path dir;
  private IsoTekSimulator sim;
  private String uri;
  private FleetServer server;

  record Result(int code, String out, String err) {
    /** Every line of stdout, each one JSON object. */
    List<JsonNode> objects() {
      return out.strip().lines().map(JsonOutputTest::parse).toList();
    }

    /** stderr, which must be exactly one JSON object. */
    JsonNode error() {
      assertThat(err.strip().lines()).as("one line on stderr: " + err).hasSize(1);
      return parse(err);
    }
  }

  static JsonNode parse(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      assertThat(n.isObject()).as(line).isTrue();
      return n;
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  static Result run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Cli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Style.PLAIN, env);
    return new Result(code, out.toString(), err.toString());
  }

  static Result run(String... args) {
    return run(Map.of(), args);
  }

  @BeforeEach
  void start() {
    sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .outletConfig(2, "Fridge", 3, 0)
            .initialState(4, false)
            .restartTime(Duration.ofMillis(300))
            .build()
            .start();
    uri = "isotek:tcp://127.0.0.1:" + sim.port();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    sim.close();
  }

  private static void assertOutlet(JsonNode o, String device, int number, String state) {
    assertThat(o.path("device").asText()).isEqualTo(device);
    assertThat(o.path("number").asInt()).isEqualTo(number);
    assertThat(o.path("id").asText()).isEqualTo(Integer.toString(number));
    assertThat(o.path("name").isTextual()).isTrue();
    assertThat(o.path("state").asText()).isEqualTo(state);
    assertThat(o.has("power")).isTrue();
    assertThat(o.has("switchable")).isTrue();
  }

  @Test
  void onAndOffPrintOneObjectPerOutletAsConfirmed() {
    Result off = run("off", uri, "3", "5", "--json");
    assertThat(off.code()).as(off.err()).isZero();
    assertThat(off.err()).isEmpty();
    assertThat(off.objects())
        .satisfiesExactly(o -> assertOutlet(o, uri, 3, "OFF"), o -> assertOutlet(o, uri, 5, "OFF"));
    assertThat(sim.outletState(3)).isFalse();

    Result on = run("on", uri, "4", "--json");
    assertThat(on.code()).as(on.err()).isZero();
    assertThat(on.objects()).satisfiesExactly(o -> assertOutlet(o, uri, 4, "ON"));
    assertThat(sim.outletState(4)).isTrue();
  }

  @Test
  void cyclePrintsOneObjectPerOutletBackOn() {
    Result r = run("cycle", uri, "6", "--off-time", "200ms", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.objects()).satisfiesExactly(o -> assertOutlet(o, uri, 6, "ON"));
    assertThat(sim.commandsReceived()).contains("S6=0", "S6=1");
  }

  @Test
  void restartPrintsOneObject() {
    Result r = run("restart", uri, "--wait", "20s", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode o = r.objects().get(0);
    assertThat(r.objects()).hasSize(1);
    assertThat(o.path("device").asText()).isEqualTo(uri);
    assertThat(o.path("accepted").asBoolean()).isTrue();
    assertThat(o.path("back").asBoolean()).isTrue();
    assertThat(o.path("backAfterMillis").canConvertToLong()).isTrue();

    Result noWait = run("restart", uri, "--no-wait", "--json");
    assertThat(noWait.code()).as(noWait.err()).isZero();
    JsonNode n = noWait.objects().get(0);
    assertThat(n.path("accepted").asBoolean()).isTrue();
    assertThat(n.get("back").isNull()).isTrue();
    assertThat(n.get("backAfterMillis").isNull()).isTrue();
  }

  @Test
  void aDeviceErrorIsOneJsonObjectOnStderrWithTheSameExitCode() {
    Result text = run("off", uri, "2");
    Result json = run("off", uri, "2", "--json");
    assertThat(json.code()).isEqualTo(text.code()).isEqualTo(ExitCodes.REJECTED);
    assertThat(json.out()).isEmpty();
    JsonNode e = json.error();
    assertThat(e.path("error").asText()).isEqualTo("unsupported");
    assertThat(e.path("message").asText())
        .as("the README's example")
        .isEqualTo(uri + ": outlet 2 (Fridge) cannot be switched");
    assertThat(e.path("device").asText()).isEqualTo(uri);
    assertThat(e.has("sent")).isTrue();
    assertThat(e.has("received")).isTrue();
    assertThat(sim.commandsReceived()).doesNotContain("S2=0");
  }

  @Test
  void usageErrorsAndUnreachableDevicesAreJsonToo() throws IOException {
    Result bad = run("on", uri, "three", "--json");
    assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.error().path("error").asText()).isEqualTo("invalid_argument");
    assertThat(bad.error().path("message").asText()).contains("'three'");

    Result picocli = run("status", uri, "--timeout", "soon", "--json");
    assertThat(picocli.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(picocli.error().path("error").asText()).isEqualTo("invalid_argument");
    assertThat(picocli.error().path("message").asText()).contains("--timeout");

    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Result gone = run("status", "isotek:tcp://127.0.0.1:" + port, "--timeout", "1s", "--json");
    assertThat(gone.code()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(gone.out()).isEmpty();
    assertThat(gone.error().path("error").asText()).isIn("unreachable", "timeout");
  }

  @Test
  void offAllNamesTheLockedOutletItCouldNotSwitchAndExits3() {
    Result r = run("off", uri, "all");
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.REJECTED);
    assertThat(r.out()).containsPattern("(?m)^outlet  2\\s+Fridge\\s+ON$");
    assertThat(r.err()).contains("could not switch outlet 2 (Fridge) ON").contains("locked");
    assertThat(sim.outletState(2)).isTrue();
    assertThat(sim.outletState(1)).isFalse();

    Result j = run("off", uri, "all", "--json");
    assertThat(j.code()).isEqualTo(ExitCodes.REJECTED);
    assertThat(j.objects()).hasSize(8);
    assertThat(j.error().path("error").asText()).isEqualTo("unsupported");
    assertThat(j.error().path("message").asText()).contains("outlet 2 (Fridge) ON");

    // every switchable outlet ON and the locked one ON too: nothing was left undone
    Result on = run("on", uri, "all");
    assertThat(on.code()).as(on.err()).isZero();
  }

  @Test
  void cycleAllCyclesEveryOtherOutletThenNamesTheLockedOneAndExits3() {
    Result r = run("cycle", uri, "all", "--off-time", "50ms");
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.REJECTED);
    assertThat(r.out().lines()).hasSize(7).noneMatch(l -> l.startsWith("outlet  2 "));
    assertThat(r.err()).contains("could not cycle outlet 2 (Fridge) ON").contains("locked");
    // every other outlet went off and came back on, outlet 4 (off before) included
    for (int n = 1; n <= 8; n++) {
      if (n != 2) {
        assertThat(sim.commandsReceived()).contains("S" + n + "=0", "S" + n + "=1");
        assertThat(sim.outletState(n)).as("outlet " + n).isTrue();
      }
    }
    assertThat(sim.commandsReceived()).noneMatch(c -> c.startsWith("S2="));
  }

  private int serve() throws Exception {
    Path token = dir.resolve("op.token");
    Files.writeString(token, TOKEN + "\n");
    int metricsPort;
    try (ServerSocket s = new ServerSocket(0)) {
      metricsPort = s.getLocalPort();
    }
    String yaml =
        """
        devices:
          rack:
            uri: "isotek:tcp://127.0.0.1:%d"
        metrics:
          prometheus:
            host: 127.0.0.1
            port: %d
        api:
          host: 127.0.0.1
          port: 0
          auth:
            tokens:
              ci: { token: "file:%s", role: operator }
        """
            .formatted(sim.port(), metricsPort, token);
    Pdu4jConfig config = Pdu4jConfig.parse(new StringReader(yaml), "serve.yaml", dir);
    server = FleetServer.start(config, new PrintWriter(new StringWriter(), true));
    return server.apiAddress().orElseThrow().getPort();
  }

  @Test
  void throughAServerTheShapesAndErrorsAreTheSame() throws Exception {
    int api = serve();
    Map<String, String> env =
        Map.of("PDU4J_SERVER", "http://127.0.0.1:" + api, "PDU4J_TOKEN", TOKEN);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> run(env, "status", "rack").code() == ExitCodes.OK);

    Result off = run(env, "off", "rack", "3", "--json");
    assertThat(off.code()).as(off.err()).isZero();
    assertThat(off.objects()).satisfiesExactly(o -> assertOutlet(o, "rack", 3, "OFF"));
    assertThat(sim.outletState(3)).isFalse();

    Result cycle = run(env, "cycle", "rack", "3", "--off-time", "200ms", "--json");
    assertThat(cycle.code()).as(cycle.err()).isZero();
    assertThat(cycle.objects()).satisfiesExactly(o -> assertOutlet(o, "rack", 3, "ON"));

    Result locked = run(env, "off", "rack", "2", "--json");
    assertThat(locked.code()).isEqualTo(ExitCodes.REJECTED);
    assertThat(locked.out()).isEmpty();
    assertThat(locked.error().path("error").asText()).isEqualTo("unsupported");

    Result all = run(env, "off", "rack", "all", "--json");
    assertThat(all.code()).isEqualTo(ExitCodes.REJECTED);
    assertThat(all.error().path("message").asText()).contains("outlet 2 (Fridge) ON");

    Result unknown = run(env, "on", "nosuch", "1", "--json");
    assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.error().path("error").asText()).isEqualTo("invalid_argument");

    Result noToken =
        run(Map.of("PDU4J_SERVER", "http://127.0.0.1:" + api), "on", "rack", "1", "--json");
    assertThat(noToken.code()).isEqualTo(ExitCodes.REJECTED);
    assertThat(noToken.error().path("error").asText()).isEqualTo("login_denied");
    assertThat(noToken.err()).doesNotContain(TOKEN);
  }
}
