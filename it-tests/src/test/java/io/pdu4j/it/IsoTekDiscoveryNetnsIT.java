package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * UDP discovery as on a real LAN: three test hosts in network namespaces made for this test (one
 * runs {@code pdu4j discover}, two run an IsoTek simulator each), joined by a bridge, with a real
 * broadcast address. Every packet stays inside those namespaces.
 *
 * <p>Needs root and iproute2; skipped without them, except under CI ({@code CI=true}), where it
 * fails.
 */
class IsoTekDiscoveryNetnsIT {
  private static final Path JAR =
      Path.of(System.getProperty("pdu4j.jar", "../cli/target/pdu4j.jar"));
  private static final String NET = "10.231.0.";

  private final String suffix = Long.toString(ProcessHandle.current().pid());
  private final String lan = "pdu4j-lan-" + suffix;
  private final List<String> units = List.of("pdu4j-u1-" + suffix, "pdu4j-u2-" + suffix);
  private final List<Process> simulators = new ArrayList<>();

  @BeforeEach
  void network() throws Exception {
    assumeRootAndIp();
    sh("ip", "netns", "add", lan);
    sh("ip", "-n", lan, "link", "set", "lo", "up");
    sh("ip", "-n", lan, "link", "add", "br0", "type", "bridge");
    sh("ip", "-n", lan, "addr", "add", NET + "1/24", "brd", "+", "dev", "br0");
    sh("ip", "-n", lan, "link", "set", "br0", "up");
    for (int i = 0; i < units.size(); i++) {
      String ns = units.get(i);
      sh("ip", "netns", "add", ns);
      sh("ip", "-n", ns, "link", "set", "lo", "up");
      sh(
          "ip", "-n", lan, "link", "add", "v" + i, "type", "veth", "peer", "name", "eth0", "netns",
          ns);
      sh("ip", "-n", lan, "link", "set", "v" + i, "master", "br0");
      sh("ip", "-n", lan, "link", "set", "v" + i, "up");
      sh("ip", "-n", ns, "addr", "add", NET + (11 + i) + "/24", "brd", "+", "dev", "eth0");
      sh("ip", "-n", ns, "link", "set", "eth0", "up");
    }
  }

  @AfterEach
  void teardown() throws Exception {
    for (Process p : simulators) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    List<String> all = new ArrayList<>(units);
    all.add(lan);
    for (String ns : all) {
      new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true).start().waitFor();
    }
  }

  @Test
  void findsEveryUnitOnTheSegmentOnce() throws Exception {
    for (int i = 0; i < units.size(); i++) {
      startSimulator(units.get(i), "SIM-UNIT-" + (i + 1));
    }
    List<String> lines =
        pdu4j(
            lan,
            "discover",
            "--driver",
            "isotek",
            "--broadcast",
            NET + "255",
            "--timeout",
            "2s",
            "--json");
    List<JsonNode> found = new ArrayList<>();
    for (String line : lines) {
      found.add(new ObjectMapper().readTree(line));
    }
    assertThat(found)
        .extracting(n -> n.get("uri").asText())
        .containsExactlyInAnyOrder(
            "isotek:tcp://" + NET + "11:501", "isotek:tcp://" + NET + "12:501");
    assertThat(found)
        .extracting(n -> n.get("serial").asText())
        .containsExactlyInAnyOrder("SIM-UNIT-1", "SIM-UNIT-2");
    // the addresses found open as they are
    List<String> status = pdu4j(lan, "status", found.get(0).get("uri").asText(), "--json");
    assertThat(new ObjectMapper().readTree(String.join("", status)).get("outlets")).hasSize(8);
  }

  private void startSimulator(String ns, String serial) throws Exception {
    Process p =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                ns,
                java(),
                "-jar",
                JAR.toAbsolutePath().toString(),
                "sim",
                "isotek",
                "--tcp-port",
                "501",
                "--udp-port",
                "501",
                "--bind",
                "0.0.0.0",
                "--outlets",
                "8",
                "--serial",
                serial)
            .redirectErrorStream(true)
            .start();
    simulators.add(p);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine(); // the simulator says where it listens once it does
    assertThat(line).as("simulator in " + ns).isNotNull().contains("discovery on UDP port 501");
  }

  private static List<String> pdu4j(String ns, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, java(), "-jar"));
    cmd.add(JAR.toAbsolutePath().toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("pdu4j-out", ".txt");
    Path err = Files.createTempFile("pdu4j-err", ".txt");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("pdu4j " + String.join(" ", args) + " did not finish");
      }
      assertThat(p.exitValue()).as(Files.readString(err)).isZero();
      return Files.readAllLines(out).stream().filter(l -> !l.isBlank()).toList();
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void sh(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + output.strip());
    }
  }

  private static void assumeRootAndIp() throws Exception {
    String reason = null;
    if (!"root".equals(System.getProperty("user.name"))) {
      reason = "not root: network namespaces need root";
    } else {
      try {
        Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
          reason = "ip netns does not work here";
        }
      } catch (IOException e) {
        reason = "iproute2 (ip) is not installed: apt-get install iproute2";
      }
    }
    if (reason == null) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(reason + "; CI=true, so this test must run");
    }
    Assumptions.assumeTrue(false, reason);
  }
}
