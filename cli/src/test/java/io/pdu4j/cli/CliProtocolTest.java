package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** clock, outlets, schedule and cycle, run in this JVM against the simulator over loopback TCP. */
class CliProtocolTest {
  private IsoTekSimulator sim;
  private String uri;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Style.PLAIN);
    return new Result(code, out.toString(), err.toString());
  }

  @BeforeEach
  void startSimulator() {
    sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .clock(LocalDateTime.of(2020, 1, 1, 0, 0, 0))
            .outletConfig(1, "Router", 2, 1)
            .outletConfig(2, "Fridge", 3, 0)
            .restartTime(java.time.Duration.ofMillis(300))
            .build()
            .start();
    uri = "isotek:tcp://127.0.0.1:" + sim.port();
  }

  @AfterEach
  void stopSimulator() {
    sim.close();
  }

  @Test
  void clockPrintsTheDeviceTimeAndItsOffset() throws Exception {
    Result r = run("clock", uri);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("device clock 2020-01-01T00:00").contains("offset -");
    Result j = run("clock", uri, "--json");
    JsonNode root = new ObjectMapper().readTree(j.out());
    assertThat(root.get("offsetSeconds").asLong()).isNegative();
    assertThat(root.get("clock").asText()).startsWith("2020-01-01T00:00");
  }

  @Test
  void clockSetNowAndSetToATime() throws Exception {
    Result r = run("clock", uri, "--set", "now", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Math.abs(new ObjectMapper().readTree(r.out()).get("offsetSeconds").asLong()))
        .isLessThanOrEqualTo(2);
    assertThat(sim.deviceClock()).isCloseTo(LocalDateTime.now(ZoneId.systemDefault()), within(5));
    assertThat(run("clock", uri, "--set", "2030-05-06T07:08:09").code()).isZero();
    assertThat(sim.commandsReceived()).contains("T=2030/05|06|07|08|09|");
    assertThat(run("clock", uri, "--set", "yesterday").code()).isEqualTo(ExitCodes.USAGE);
  }

  private static org.assertj.core.data.TemporalUnitOffset within(long seconds) {
    return org.assertj.core.api.Assertions.within(seconds, ChronoUnit.SECONDS);
  }

  @Test
  void outletsListsSettingsAndChangesOne() throws Exception {
    Result r = run("outlets", uri);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .containsPattern("(?m)^\\s+1\\s+Router\\s+router\\s+1s\\s+ON$")
        .containsPattern("(?m)^\\s+2\\s+Fridge\\s+locked\\s+0s\\s+ON$");
    Result c = run("outlets", uri, "3", "--name", "DAC", "--type", "router", "--delay", "30");
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).containsPattern("(?m)^\\s+3\\s+DAC\\s+router\\s+30s\\s+ON$");
    assertThat(sim.commandsReceived()).contains("C3=DAC     |2|30|");
    JsonNode j = new ObjectMapper().readTree(run("outlets", uri, "3", "--json").out());
    assertThat(j.get("name").asText()).isEqualTo("DAC");
    assertThat(j.get("delaySeconds").asInt()).isEqualTo(30);
    assertThat(run("outlets", uri, "3", "--name", "FarTooLong").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("outlets", uri, "3", "--type", "sideways").code()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void switchingALockedOutletIsRefused() {
    Result r = run("off", uri, "2");
    assertThat(r.code()).isEqualTo(ExitCodes.REJECTED);
    assertThat(r.err()).contains("Fridge");
    assertThat(sim.commandsReceived()).doesNotContain("S2=0");
    // all: G is sent, the locked outlet is shown as reported and named as not switched
    Result all = run("off", uri, "all");
    assertThat(all.code()).as(all.err()).isEqualTo(ExitCodes.REJECTED);
    assertThat(all.err()).contains("could not switch outlet 2 (Fridge) ON");
    assertThat(all.out()).containsPattern("(?m)^outlet  2\\s+Fridge\\s+ON$");
    assertThat(sim.commandsReceived()).contains("G");
  }

  @Test
  void scheduleAddListAndClear() throws Exception {
    Result a =
        run(
            "schedule",
            uri,
            "add",
            "--outlet",
            "3",
            "--action",
            "off",
            "--at",
            "23:30",
            "--name",
            "Night");
    assertThat(a.code()).as(a.err()).isZero();
    Result b =
        run("schedule", uri, "add", "--outlet", "4", "--action", "restart", "--power-below", "5");
    assertThat(b.code()).as(b.err()).isZero();
    Result l = run("schedule", uri, "list");
    assertThat(l.out())
        .contains("Night")
        .contains("at 23:30 every day")
        .contains("when power < 5 W")
        .contains("restart");
    List<String> json = run("schedule", uri, "list", "--json").out().strip().lines().toList();
    assertThat(json).hasSize(2);
    assertThat(new ObjectMapper().readTree(json.get(1)).get("type").asText()).isEqualTo("power");
    assertThat(run("schedule", uri, "add", "--outlet", "3", "--action", "off").code())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(
            run("schedule", uri, "add", "--outlet", "9", "--action", "on", "--at", "10:00").code())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run("schedule", uri, "clear").code()).isZero();
    assertThat(sim.scheduleRecords()).isEmpty();
    assertThat(run("schedule", uri, "list").out()).contains("no rules");
  }

  @Test
  void scheduleAddTakesARecurrence() throws Exception {
    Result monthly =
        run(
            "schedule",
            uri,
            "add",
            "--outlet",
            "2",
            "--action",
            "on",
            "--at",
            "08:00",
            "--every",
            "15th");
    assertThat(monthly.code()).as(monthly.err()).isZero();
    Result alias =
        run(
            "schedule",
            uri,
            "add",
            "--outlet",
            "3",
            "--action",
            "on",
            "--at",
            "09:00",
            "--day",
            "0");
    assertThat(alias.code()).as(alias.err()).isZero();
    assertThat(sim.scheduleRecords())
        .hasSize(2)
        .anySatisfy(r -> assertThat(r).contains("|08:00|15|"))
        .anySatisfy(r -> assertThat(r).contains("|09:00|0|"));
    assertThat(run("schedule", uri, "list").out())
        .contains("at 08:00 on day 15 of each month")
        .contains("at 09:00 every day");
    List<String> json = run("schedule", uri, "list", "--json").out().strip().lines().toList();
    assertThat(new ObjectMapper().readTree(json.get(0)).get("every").asText()).isEqualTo("15th");
    assertThat(new ObjectMapper().readTree(json.get(1)).get("every").asText()).isEqualTo("day");

    Result weekly =
        run(
            "schedule",
            uri,
            "add",
            "--outlet",
            "2",
            "--action",
            "on",
            "--at",
            "08:00",
            "--every",
            "mon,fri");
    assertThat(weekly.code()).isEqualTo(3);
    assertThat(weekly.err()).contains("one day number per schedule rule").contains("host-side");
    assertThat(sim.scheduleRecords()).hasSize(2);
    assertThat(
            run(
                    "schedule",
                    uri,
                    "add",
                    "--outlet",
                    "2",
                    "--action",
                    "on",
                    "--at",
                    "08:00",
                    "--every",
                    "someday")
                .code())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(
            run(
                    "schedule",
                    uri,
                    "add",
                    "--outlet",
                    "2",
                    "--action",
                    "on",
                    "--at",
                    "08:00",
                    "--every",
                    "day",
                    "--day",
                    "3")
                .code())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(
            run(
                    "schedule",
                    uri,
                    "add",
                    "--outlet",
                    "2",
                    "--action",
                    "on",
                    "--at",
                    "08:00",
                    "--day",
                    "32")
                .code())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(sim.scheduleRecords()).hasSize(2);
  }

  @Test
  void cyclesOutlets() {
    Result r = run("cycle", uri, "1", "4", "--off-time", "200ms");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .containsPattern("(?m)^outlet  1.*ON$")
        .containsPattern("(?m)^outlet  4.*ON$");
    assertThat(sim.commandsReceived()).containsSubsequence("S1=0", "S1=1", "S4=0", "S4=1");
    assertThat(run("cycle", uri, "2").code()).isEqualTo(ExitCodes.REJECTED);
  }

  @Test
  void discoverFindsTheSimulatorOnLoopback() throws Exception {
    try (IsoTekSimulator udp =
        IsoTekSimulator.builder()
            .outlets(8)
            .udpDiscoveryPort(0)
            .serialNumber("CLI-DISC")
            .build()
            .start()) {
      String port = Integer.toString(udp.udpPort().getAsInt());
      Result r = run("discover", "--broadcast", "127.0.0.1", "--port", port, "--timeout", "500ms");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("isotek:tcp://127.0.0.1:" + udp.port()).contains("CLI-DISC");
      Result j =
          run(
              "discover",
              "--broadcast",
              "127.0.0.1",
              "--port",
              port,
              "--timeout",
              "500ms",
              "--json");
      JsonNode n = new ObjectMapper().readTree(j.out().strip());
      assertThat(n.get("driver").asText()).isEqualTo("isotek");
      assertThat(n.get("uri").asText()).isEqualTo("isotek:tcp://127.0.0.1:" + udp.port());
      assertThat(n.get("serial").asText()).isEqualTo("CLI-DISC");
      assertThat(n.get("mac").asText()).isNotEmpty();
      assertThat(run("status", n.get("uri").asText()).code()).isZero();
    }
  }

  @Test
  void restartWaitsUntilTheUnitIsBack() {
    Result r = run("restart", uri, "--wait", "20s");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("restart accepted").contains("back after");
    assertThat(sim.commandsReceived()).contains("X");
    Result noWait = run("restart", uri, "--no-wait");
    assertThat(noWait.code()).as(noWait.err()).isZero();
    assertThat(noWait.out()).contains("restart accepted").doesNotContain("back after");
  }

  @Test
  void simulatorNeedsATcpPortOrASerialLink() {
    assertThat(run("sim", "isotek").code()).isEqualTo(ExitCodes.USAGE);
  }
}
