package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.sim.enistic.EnisticSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code pdu4j status|on|off} with {@code enistic:} addresses against the simulator on loopback.
 */
class EnisticCliTest {
  private static final String CONTROLLER = "004A3BB5B04";
  private EnisticSimulator sim;
  private String uri;

  static CliTest.Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Style.PLAIN);
    return new CliTest.Result(code, out.toString(), err.toString());
  }

  @BeforeEach
  void start() throws Exception {
    int port;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    sim =
        EnisticSimulator.builder()
            .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .rate(10)
            .sockets(2)
            .meters(1)
            .channels(2)
            .build()
            .start();
    uri =
        "enistic:udp://127.0.0.1:"
            + port
            + "/"
            + CONTROLLER
            + "?send=127.0.0.1:"
            + sim.controlPort();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void statusJsonWaitsForTheOutletsAndCarriesTheirIds() throws Exception {
    CliTest.Result r = run("status", uri, "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode outlets = new ObjectMapper().readTree(r.out()).get("outlets");
    assertThat(outlets.size()).isEqualTo(4);
    String meter = sim.meterSerials(CONTROLLER).get(0);
    String socket = sim.socketSerials(CONTROLLER).get(0);
    // numbered in the order the readings first arrived (docs/enistic.md), which varies
    assertThat(outlets.findValuesAsText("id"))
        .containsExactlyInAnyOrder(
            socket, sim.socketSerials(CONTROLLER).get(1), meter + "/1", meter + "/2");
    for (JsonNode o : outlets) {
      String id = o.get("id").asText();
      assertThat(o.get("switchable").asBoolean()).as(id).isEqualTo(!id.startsWith(meter + "/"));
    }
  }

  @Test
  void offAndOnBySocketSerialAreConfirmed() {
    String socket = sim.socketSerials(CONTROLLER).get(1);
    CliTest.Result r = run("off", uri, socket);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("OFF");
    assertThat(sim.socketOn(socket)).contains(false);
    r = run("on", uri, socket);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(sim.socketOn(socket)).contains(true);
  }

  @Test
  void switchingAMeterChannelFailsWithoutSending() {
    String meter = sim.meterSerials(CONTROLLER).get(0);
    CliTest.Result r = run("off", uri, meter + "/2");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("cannot be switched");
    assertThat(sim.commandsReceived()).isZero();
  }

  @Test
  void watchJsonPrintsOneLinePerChange() throws Exception {
    CliTest.Result r = run("watch", uri, "--json", "--for", "1500ms");
    assertThat(r.code()).as(r.err()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : r.out().strip().split("\\R")) {
      lines.add(new ObjectMapper().readTree(line));
    }
    assertThat(lines)
        .filteredOn(n -> n.get("event").asText().equals("outlet-added"))
        .extracting(n -> n.get("id").asText())
        .contains(sim.socketSerials(CONTROLLER).get(0));
  }

  @Test
  void watchTableReprintsTheOutlets() {
    CliTest.Result r = run("watch", uri, "--for", "1s");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains(sim.socketSerials(CONTROLLER).get(0)).contains("UNKNOWN");
  }

  @Test
  void discoverHearsTheControllerPassively() throws Exception {
    String port = uri.substring("enistic:udp://127.0.0.1:".length(), uri.indexOf('/', 20));
    CliTest.Result r =
        run("discover", "--driver", "enistic", "--port", port, "--timeout", "1500ms", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode n = new ObjectMapper().readTree(r.out().strip());
    assertThat(n.get("driver").asText()).isEqualTo("enistic");
    assertThat(n.get("serial").asText()).isEqualTo(CONTROLLER);
    assertThat(n.get("uri").asText()).isEqualTo("enistic:udp://0.0.0.0:" + port + "/" + CONTROLLER);
    assertThat(run("discover", "--driver", "nope").code()).isEqualTo(ExitCodes.USAGE);
  }
}
