package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code pdu4j.jar} against an IsoTek behind the IPCP simulator ({@code
 * isotek:extron://...}) and against the IPCP's own relays ({@code extron:tcp://...}), with the
 * password given by file and by environment variable.
 */
class ExtronCliIT {
  private static final Path JAR =
      Path.of(System.getProperty("pdu4j.jar", "../cli/target/pdu4j.jar"));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "cl1-Secret";
  private static final String ENV = "PDU4J_IT_IPCP_PW";
  private static final LocalDateTime UNIT_CLOCK = LocalDateTime.of(2026, 3, 4, 5, 6, 7);

  @TempDir Path dir;
  private IsoTekSimulator isotek;
  private ExtronSimulator ipcp;
  private Path secret;

  record Run(int exit, String out, String err) {
    /** Every line of standard output, as JSON. */
    List<JsonNode> jsonLines() throws Exception {
      List<JsonNode> nodes = new ArrayList<>();
      for (String line : out.strip().split("\\R")) {
        if (!line.isBlank()) {
          nodes.add(JSON.readTree(line));
        }
      }
      return nodes;
    }

    JsonNode json() throws Exception {
      return JSON.readTree(out);
    }
  }

  @BeforeEach
  void start() throws Exception {
    assertThat(JAR).as("the packaged CLI jar").exists();
    isotek =
        IsoTekSimulator.builder()
            .tcpPort(0)
            .outlets(8)
            .jitter(false)
            .clock(UNIT_CLOCK)
            .initialState(2, false)
            .outletConfig(8, "Fridge", 3, 0)
            .build()
            .start();
    ipcp =
        ExtronSimulator.builder()
            .adminPassword(PASSWORD)
            .serialDevice(3, isotek.port())
            .build()
            .start();
    secret = Files.writeString(dir.resolve("ipcp.pw"), PASSWORD + "\n");
  }

  @AfterEach
  void stop() {
    ipcp.close();
    isotek.close();
  }

  private String tunnel() {
    return "isotek:extron://127.0.0.1:" + ipcp.port() + "/3?password=file:" + secret;
  }

  private String tunnelByEnv() {
    return "isotek:extron://127.0.0.1:" + ipcp.port() + "/3?password=env:" + ENV;
  }

  private String relays() {
    return "extron:tcp://127.0.0.1:" + ipcp.port() + "?password=env:" + ENV;
  }

  /** Runs the jar with {@link #ENV} holding the password in its environment. */
  private Run pdu4j(String... args) throws Exception {
    return run(Map.of(ENV, PASSWORD), args);
  }

  /** Runs the jar as {@link #pdu4j} does and expects exit code 0. */
  private Run ok(String... args) throws Exception {
    Run r = pdu4j(args);
    assertThat(r.exit()).as("pdu4j %s: %s", String.join(" ", args), r.err()).isZero();
    return r;
  }

  private Run run(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(JAR.toString());
    cmd.addAll(List.of(args));
    File out = dir.resolve("out-" + System.nanoTime()).toFile();
    File err = dir.resolve("err-" + System.nanoTime()).toFile();
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(out)
            .redirectError(err)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().remove(ENV);
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("pdu4j " + String.join(" ", args) + " did not finish in 60 s");
    }
    Run r =
        new Run(
            p.exitValue(),
            Files.readString(out.toPath(), StandardCharsets.UTF_8),
            Files.readString(err.toPath(), StandardCharsets.UTF_8));
    assertThat(r.out() + r.err())
        .as("output of pdu4j %s", String.join(" ", args))
        .doesNotContain(PASSWORD);
    return r;
  }

  @Test
  void statusJsonThroughTheTunnel() throws Exception {
    Run r = ok("status", tunnel(), "--json");
    JsonNode json = r.json();
    assertThat(json.path("device").path("driver").asText()).isEqualTo("isotek");
    assertThat(json.path("device").path("address").asText()).isEqualTo(tunnel());
    assertThat(json.path("input").path("voltage").asDouble()).isEqualTo(230.0);
    assertThat(json.path("input").path("power").isNumber()).isTrue();
    JsonNode outlets = json.path("outlets");
    assertThat(outlets).hasSize(8);
    for (int n = 1; n <= 8; n++) {
      JsonNode o = outlets.get(n - 1);
      assertThat(o.path("number").asInt()).isEqualTo(n);
      assertThat(o.path("state").asText()).isEqualTo(isotek.outletState(n) ? "ON" : "OFF");
    }
    assertThat(outlets.get(1).path("state").asText()).isEqualTo("OFF");
    assertThat(outlets.get(7).path("name").asText()).isEqualTo("Fridge");
    LocalDateTime clock = LocalDateTime.parse(json.path("clock").asText());
    assertThat(clock).isBetween(UNIT_CLOCK, isotek.deviceClock());
  }

  @Test
  void offAndOnThroughTheTunnelWithThePasswordFromTheEnvironment() throws Exception {
    Run off = ok("off", tunnelByEnv(), "3");
    assertThat(off.out()).containsPattern("outlet\\s+3\\b.*OFF");
    assertThat(isotek.outletState(3)).isFalse();
    Run on = ok("on", tunnelByEnv(), "3", "2");
    assertThat(isotek.outletState(3)).isTrue();
    assertThat(isotek.outletState(2)).isTrue();
    assertThat(isotek.commandsReceived()).containsSubsequence("S3=0", "S3=1", "S2=1");
  }

  @Test
  void anUnsetEnvironmentVariableIsAUsageErrorNamingIt() throws Exception {
    Run r = run(Map.of(), "status", tunnelByEnv());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains("environment variable " + ENV + " is not set");
    assertThat(isotek.commandsReceived()).isEmpty();
  }

  @Test
  void aWrongPasswordExitsThreeWithoutShowingIt() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong.pw"), "not-" + PASSWORD);
    Run r =
        pdu4j("status", "isotek:extron://127.0.0.1:" + ipcp.port() + "/3?password=file:" + wrong);
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
    assertThat(r.err()).contains("login denied").doesNotContain("not-" + PASSWORD);
  }

  @Test
  void aLockedOutletIsRefusedWithExitThree() throws Exception {
    Run r = pdu4j("off", tunnel(), "8");
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
    assertThat(r.err()).contains("8");
    assertThat(isotek.outletState(8)).isTrue();
    assertThat(isotek.commandsReceived()).doesNotContain("S8=0");
  }

  @Test
  void anIpcpRefusingTheFirstRequestExitsThreeAtOnceWithTheCode() throws Exception {
    try (ExtronSimulator refusing =
        ExtronSimulator.builder()
            .adminPassword(PASSWORD)
            .serialDevice(3, isotek.port())
            .sendDataError("E13")
            .build()
            .start()) {
      // a ready timeout longer than the run's own limit: only a failure at once passes
      Run r =
          pdu4j(
              "status",
              "isotek:extron://127.0.0.1:"
                  + refusing.port()
                  + "/3?password=file:"
                  + secret
                  + "&ready-timeout=120s");
      assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
      assertThat(r.err()).contains("E13 (invalid value)");
    }
  }

  @Test
  void aSecretFileThatIsADeviceIsAUsageErrorNamingIt() throws Exception {
    Run r =
        pdu4j("status", "isotek:extron://127.0.0.1:" + ipcp.port() + "/3?password=file:/dev/zero");
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains("/dev/zero is not a regular file");
  }

  @Test
  void outletsAreListedAndChanged() throws Exception {
    Run list = ok("outlets", tunnel(), "--json");
    List<JsonNode> rows = list.jsonLines();
    assertThat(rows).hasSize(8);
    assertThat(rows.get(4).path("name").asText()).isEqualTo("Outlet 5");
    assertThat(rows.get(4).path("type").asText()).isEqualTo("normal");
    assertThat(rows.get(7).path("name").asText()).isEqualTo("Fridge");
    assertThat(rows.get(7).path("type").asText()).isEqualTo("locked");
    assertThat(rows.get(1).path("state").asText()).isEqualTo("OFF");

    Run set =
        ok(
            "outlets", tunnel(), "5", "--name", "Router5", "--type", "router", "--delay", "7",
            "--json");
    JsonNode five = set.jsonLines().get(0);
    assertThat(five.path("number").asInt()).isEqualTo(5);
    assertThat(five.path("name").asText()).isEqualTo("Router5");
    assertThat(five.path("type").asText()).isEqualTo("router");
    assertThat(five.path("delaySeconds").asInt()).isEqualTo(7);
    assertThat(isotek.commandsReceived()).contains("C5=Router5 |2|7|");

    Run again = ok("outlets", tunnel(), "5");
    assertThat(again.out()).containsPattern("5\\s+Router5\\s+router\\s+7s");
  }

  @Test
  void theScheduleIsListedAddedToAndCleared() throws Exception {
    ok("schedule", tunnel(), "clear");
    assertThat(isotek.scheduleRecords()).isEmpty();

    // the unit's clock starts at 05:06 and never reaches 23:30 during the test
    ok(
        "schedule",
        tunnel(),
        "add",
        "--outlet",
        "2",
        "--action",
        "off",
        "--at",
        "23:30",
        "--name",
        "Night");
    ok(
        "schedule",
        tunnel(),
        "add",
        "--outlet",
        "6",
        "--action",
        "restart",
        "--power-above",
        "5000");
    assertThat(isotek.scheduleRecords())
        .containsExactly(
            "1|1|Night   |23:30|0|0|1|2|0|0|2|", "2|2|        |00:00|0|5000|1|6|0|0|3|");

    Run list = ok("schedule", tunnel(), "list", "--json");
    List<JsonNode> rules = list.jsonLines();
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0).path("type").asText()).isEqualTo("time");
    assertThat(rules.get(0).path("name").asText()).isEqualTo("Night");
    assertThat(rules.get(0).path("at").asText()).isEqualTo("23:30");
    assertThat(rules.get(0).path("outlet").asInt()).isEqualTo(2);
    assertThat(rules.get(0).path("action").asText()).isEqualTo("off");
    assertThat(rules.get(1).path("type").asText()).isEqualTo("power");
    assertThat(rules.get(1).path("comparison").asText()).isEqualTo("above");
    assertThat(rules.get(1).path("watts").asDouble()).isEqualTo(5000.0);
    assertThat(rules.get(1).path("action").asText()).isEqualTo("restart");

    ok("schedule", tunnel(), "clear");
    assertThat(isotek.scheduleRecords()).isEmpty();
    Run empty = ok("schedule", tunnel(), "list", "--json");
    assertThat(empty.jsonLines()).isEmpty();
  }

  @Test
  void theClockIsReadAndSetToNow() throws Exception {
    Run read = ok("clock", tunnel(), "--json");
    JsonNode json = read.json();
    assertThat(json.path("device").asText()).isEqualTo(tunnel());
    assertThat(LocalDateTime.parse(json.path("clock").asText()))
        .isBetween(UNIT_CLOCK, isotek.deviceClock());

    LocalDateTime before = LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS);
    Run set = ok("clock", tunnel(), "--set", "now", "--json");
    assertThat(isotek.deviceClock()).isBetween(before, LocalDateTime.now().plusSeconds(5));
    assertThat(Math.abs(set.json().path("offsetSeconds").asLong())).isLessThanOrEqualTo(5);
    assertThat(isotek.commandsReceived()).anyMatch(c -> c.startsWith("T="));
  }

  @Test
  void theIpcpRelaysAreReadAndSwitched() throws Exception {
    Run status = ok("status", relays(), "--json");
    JsonNode json = status.json();
    assertThat(json.path("device").path("driver").asText()).isEqualTo("extron");
    assertThat(json.path("device").path("model").asText()).isEqualTo("IPCP 505");
    assertThat(json.path("outlets")).hasSize(8);
    assertThat(json.path("outlets").findValuesAsText("state")).containsOnly("OFF");

    Run on = ok("on", relays(), "2", "5");
    assertThat(ipcp.relay(2)).isTrue();
    assertThat(ipcp.relay(5)).isTrue();
    assertThat(on.out())
        .containsPattern("outlet\\s+2\\b.*ON")
        .containsPattern("outlet\\s+5\\b.*ON");
    Run after = ok("status", relays(), "--json");
    assertThat(after.json().path("outlets").get(1).path("state").asText()).isEqualTo("ON");

    Run off = ok("off", relays(), "2");
    assertThat(ipcp.relay(2)).isFalse();
    assertThat(ipcp.relay(5)).isTrue();
    assertThat(ipcp.commandsReceived()).contains("2*1O", "5*1O", "2*0O");
  }
}
