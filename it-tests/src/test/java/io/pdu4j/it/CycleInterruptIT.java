package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code pdu4j cycle}, interrupted by SIGTERM or SIGINT while the outlet is off: it
 * switches the outlet back on, confirmed by the device, says so, and exits with the signal's code.
 */
class CycleInterruptIT {
  private static final Path JAR =
      Path.of(System.getProperty("pdu4j.jar", "../cli/target/pdu4j.jar"));

  @TempDir Path dir;
  private IsoTekSimulator sim;
  private Process process;

  @BeforeEach
  void start() {
    assertThat(JAR).as("the packaged CLI jar").exists();
  }

  @AfterEach
  void stop() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private Process cycle(String outlet, String offTime) throws IOException {
    String uri = "isotek:tcp://127.0.0.1:" + sim.port();
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            JAR.toString(),
            "cycle",
            uri,
            outlet,
            "--off-time",
            offTime)
        .redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  private String err() throws IOException {
    return Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
  }

  private int exitOf(Process p) throws InterruptedException {
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("pdu4j ended").isTrue();
    return p.exitValue();
  }

  /** Waits until the outlet is off in the middle of a long off time. */
  private void untilOff(int outlet) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !sim.outletState(outlet) || !process.isAlive());
    assertThat(process.isAlive()).as("pdu4j is in the off time").isTrue();
  }

  @Test
  void sigtermDuringTheOffTimeSwitchesTheOutletBackOn() throws Exception {
    sim = IsoTekSimulator.builder().outlets(8).build().start();
    process = cycle("3", "10m");
    untilOff(3);
    process.destroy(); // SIGTERM
    int exit = exitOf(process);
    assertThat(exit).as(err()).isEqualTo(143);
    assertThat(err()).contains("interrupted: outlet 3 switched back on");
    assertThat(sim.outletState(3)).as("the outlet is on again").isTrue();
    assertThat(sim.commandsReceived()).containsSubsequence("S3=0", "S3=1");
  }

  @Test
  void sigintDuringTheOffTimeSwitchesTheOutletBackOn() throws Exception {
    Assumptions.assumeFalse(
        sigintIgnored(), "SIGINT is ignored by this process, and so by the child it starts");
    sim = IsoTekSimulator.builder().outlets(8).build().start();
    process = cycle("5", "10m");
    untilOff(5);
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
    int exit = exitOf(process);
    assertThat(exit).as(err()).isEqualTo(130);
    assertThat(err()).contains("interrupted: outlet 5 switched back on");
    assertThat(sim.outletState(5)).as("the outlet is on again").isTrue();
  }

  @Test
  void aSwitchOnThatFailsAfterTheInterruptionIsReportedLoudly() throws Exception {
    sim = IsoTekSimulator.builder().outlets(8).refuse("S4=1").build().start();
    process = cycle("4", "10m");
    untilOff(4);
    process.destroy();
    int exit = exitOf(process);
    assertThat(exit).as(err()).isNotZero();
    assertThat(err()).contains("OUTLET 4 MAY BE LEFT OFF").contains("S4=1");
    assertThat(sim.outletState(4)).isFalse();
  }

  /** Whether this JVM was started with SIGINT ignored (bit 2 of SigIgn), as children inherit it. */
  private static boolean sigintIgnored() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return false;
    }
    List<String> lines = Files.readAllLines(status);
    for (String line : lines) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
        return (mask & (1L << 1)) != 0;
      }
    }
    return false;
  }
}
