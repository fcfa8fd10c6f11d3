package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The packaged {@code pdu4j.jar}, run as a separate process, against the simulator. */
class CliIT {
  private static final Path JAR =
      Path.of(System.getProperty("pdu4j.jar", "../cli/target/pdu4j.jar"));
  private IsoTekSimulator sim;

  record Run(int exit, String out, String err) {}

  @BeforeEach
  void start() {
    assertThat(JAR).as("the packaged CLI jar").exists();
    sim = IsoTekSimulator.builder().tcpPort(0).outlets(16).build().start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private String uri() {
    return "isotek:tcp://127.0.0.1:" + sim.port();
  }

  static Run pdu4j(String... args) throws IOException, InterruptedException {
    return pdu4j(java.util.Map.of(), args);
  }

  /**
   * Runs the jar with these variables added to the environment (PDU4J_SERVER and PDU4J_MQTT unset
   * unless so).
   */
  static Run pdu4j(java.util.Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(JAR.toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("pdu4j-out", ".txt");
    Path err = Files.createTempFile("pdu4j-err", ".txt");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().remove("PDU4J_SERVER");
      pb.environment().remove("PDU4J_TOKEN");
      pb.environment().remove("PDU4J_MQTT");
      pb.environment().remove("PDU4J_MQTT_USERNAME");
      pb.environment().remove("PDU4J_MQTT_PASSWORD");
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("pdu4j " + String.join(" ", args) + " did not finish in 60 s");
      }
      return new Run(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @Test
  void statusJsonHasTheContractedShape() throws Exception {
    sim.setOutletState(2, false);
    Run r = pdu4j("status", uri(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.path("device").path("driver").asText()).isEqualTo("isotek");
    assertThat(json.path("device").has("model")).isTrue();
    assertThat(json.path("device").has("serial")).isTrue();
    assertThat(json.path("device").path("address").asText()).isEqualTo(uri());
    assertThat(json.path("input").path("voltage").isNumber()).isTrue();
    assertThat(json.path("input").path("power").isNumber()).isTrue();
    JsonNode outlets = json.path("outlets");
    assertThat(outlets).hasSize(16);
    for (int i = 0; i < 16; i++) {
      JsonNode o = outlets.get(i);
      assertThat(o.path("number").asInt()).isEqualTo(i + 1);
      assertThat(o.path("id").asText()).isEqualTo(Integer.toString(i + 1));
      assertThat(o.path("name").isTextual()).isTrue();
      assertThat(o.path("state").asText()).isEqualTo(sim.outletState(i + 1) ? "ON" : "OFF");
      assertThat(o.path("voltage").isNumber()).isTrue();
      assertThat(o.path("power").isNumber()).isTrue();
      assertThat(o.path("switchable").asBoolean()).isTrue();
    }
    assertThat(outlets.get(1).path("state").asText()).isEqualTo("OFF");
    assertThat(json.path("clock").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}");
  }

  @Test
  void statusTableListsEveryOutlet() throws Exception {
    Run r = pdu4j("status", uri());
    assertThat(r.exit()).as(r.err()).isZero();
    for (int n = 1; n <= 16; n++) {
      assertThat(r.out()).containsPattern("(?m)^\\s*" + n + "\\s");
    }
    assertThat(r.out()).contains("ON");
  }

  @Test
  void offAndOnSwitchAndPrintTheConfirmedState() throws Exception {
    Run off = pdu4j("off", uri(), "3");
    assertThat(off.exit()).as(off.err()).isZero();
    assertThat(sim.outletState(3)).isFalse();
    assertThat(off.out()).contains("OFF");
    Run on = pdu4j("on", uri(), "3");
    assertThat(on.exit()).as(on.err()).isZero();
    assertThat(sim.outletState(3)).isTrue();
    assertThat(on.out()).contains("ON");
  }

  @Test
  void allSwitchesEveryOutlet() throws Exception {
    Run off = pdu4j("off", uri(), "all");
    assertThat(off.exit()).as(off.err()).isZero();
    for (int n = 1; n <= 16; n++) {
      assertThat(sim.outletState(n)).isFalse();
    }
    assertThat(sim.commandsReceived()).contains("G");
    Run on = pdu4j("on", uri(), "all");
    assertThat(on.exit()).as(on.err()).isZero();
    for (int n = 1; n <= 16; n++) {
      assertThat(sim.outletState(n)).isTrue();
    }
  }

  @Test
  void usageErrorsExitTwoAndSwitchNothing() throws Exception {
    Run badUri = pdu4j("status", "isotek//nope");
    assertThat(badUri.exit()).isEqualTo(2);
    assertThat(badUri.err()).contains("pdu4j:").contains("isotek//nope");
    long before = sim.commandCount();
    Run badOutlet = pdu4j("off", uri(), "2", "17");
    assertThat(badOutlet.exit()).isEqualTo(2);
    assertThat(badOutlet.err()).contains("17");
    assertThat(sim.outletState(2)).as("nothing switched").isTrue();
    assertThat(sim.commandsReceived().subList(0, sim.commandsReceived().size()))
        .doesNotContain("S2=0");
    assertThat(sim.commandCount()).isGreaterThanOrEqualTo(before);
    Run noArgs = pdu4j("off");
    assertThat(noArgs.exit()).isEqualTo(2);
  }

  @Test
  void unreachableExitsFour() throws Exception {
    int port = Ports.unused();
    Run r = pdu4j("status", "isotek:tcp://127.0.0.1:" + port);
    assertThat(r.exit()).isEqualTo(4);
    assertThat(r.err()).contains("127.0.0.1:" + port);
  }

  @Test
  void silentDeviceExitsFourAndSaysWhatWasSent() throws Exception {
    // the device opens as usual and never answers the switch (no race with the open's commands)
    sim.close();
    sim =
        IsoTekSimulator.builder()
            .tcpPort(0)
            .outlets(16)
            .refuse("S5=0")
            .silentOnError(true)
            .build()
            .start();
    Run r = pdu4j("off", uri(), "5", "--timeout", "700ms");
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(4);
    assertThat(r.err()).contains(uri()).contains("S5=0");
  }
}
