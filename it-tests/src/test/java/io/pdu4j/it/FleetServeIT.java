package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.sim.enistic.EnisticSimulator;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What issue "fleet runtime" calls done: the packaged {@code pdu4j serve}, with a configuration
 * naming simulators of all three kinds (an IsoTek over TCP, an Enistic controller over UDP, an
 * IsoTek behind the Extron tunnel) and a device of the example plugin loaded from a plugin
 * directory, serves metrics whose values are the simulators' own, and survives a restart of each
 * simulator.
 */
class FleetServeIT {
  private static final Path EXAMPLE_JAR =
      Path.of(
          System.getProperty(
              "pdu4j.example.jar",
              "../examples/example-driver/target/pdu4j-example-driver-0.1.0-SNAPSHOT.jar"));

  /** The example's test jar, which holds the board's simulator. */
  private static final Path EXAMPLE_SIMULATOR_JAR =
      Path.of(
          System.getProperty(
              "pdu4j.example.tests.jar",
              "../examples/example-driver/target/pdu4j-example-driver-0.1.0-SNAPSHOT-tests.jar"));

  private static final String CONTROLLER = "004A3BB5B04";
  private static final String PASSWORD = "fleet-Secret-7";
  private static final Duration BACK = Duration.ofSeconds(60);

  @TempDir Path dir;
  private IsoTekSimulator rack;
  private IsoTekSimulator avRack;
  private ExtronSimulator ipcp;
  private EnisticSimulator office;
  private Process relays;
  private ServeProcess serve;
  private int relayPort;

  @AfterEach
  void stop() {
    if (serve != null) {
      serve.close();
    }
    if (relays != null) {
      relays.destroyForcibly();
    }
    for (AutoCloseable c : new AutoCloseable[] {office, ipcp, avRack, rack}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // the next one still gets closed
      }
    }
  }

  @Test
  void servesCorrectMetricsForAllThreeKindsAndThePluginAndSurvivesTheirRestarts() throws Exception {
    assertThat(EXAMPLE_JAR).as("the example plugin's jar").exists();

    rack = isoTek(0, 18);
    int rackPort = rack.port();
    avRack = isoTek(0, 77);
    ipcp = ipcp(0);
    int ipcpPort = ipcp.port();
    Path secret = Files.writeString(dir.resolve("ipcp.pw"), PASSWORD);
    int readings;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      readings = s.getLocalPort();
    }
    office = enistic(readings, 0);
    int control = office.controlPort();
    relayPort = Ports.unused();
    relays = relayBoard(relayPort);
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(EXAMPLE_JAR, plugins.resolve("line-relay.jar"), StandardCopyOption.REPLACE_EXISTING);

    Path config =
        Files.writeString(
            dir.resolve("devices.yaml"),
            """
            devices:
              rack:
                uri: "isotek:tcp://127.0.0.1:%d"
              office:
                uri: "enistic:udp://127.0.0.1:%d/%s?send=127.0.0.1:%d"
              av-rack:
                uri: "isotek:extron://127.0.0.1:%d/3?password=file:%s"
                poll: 1s
              relays:
                uri: "linerelay:tcp://127.0.0.1:%d"
            metrics:
              prometheus:
                host: 127.0.0.1
                port: 0
            plugins:
              dir: ./plugins
            """
                .formatted(rackPort, readings, CONTROLLER, control, ipcpPort, secret, relayPort));
    serve = ServeProcess.start(config);

    for (String d : List.of("rack", "office", "av-rack", "relays")) {
      await().atMost(BACK).until(() -> state(d), "CONNECTED"::equals);
    }
    // the values are the simulators' own (IsoTek: jitter off, so exactly the configured loads)
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(serve.metrics())
                    .containsPattern(line("pdu_outlet_power_watts", "rack", "3", "18.0"))
                    .containsPattern(line("pdu_outlet_voltage_volts", "rack", "3", "230.0"))
                    .containsPattern(line("pdu_outlet_power_watts", "av-rack", "2", "77.0"))
                    .containsPattern(line("pdu_outlet_state", "relays", "1", "0.0"))
                    .containsPattern("(?m)^pdu_device_connected\\{device=\"office\"} 1"));
    assertThat(relayStatus()).as("the board's own relay 1").startsWith("RELAYS 0");
    double officeReadings = counter("pdu_readings_received_total", "office");
    assertThat(officeReadings).isPositive();
    assertThat(serve.log())
        .as("the plugin jar's driver was loaded")
        .contains("plugin driver 'linerelay'");

    // the IsoTek over TCP restarts, with another load on outlet 3
    rack.close();
    await().atMost(BACK).until(() -> state("rack"), "OFFLINE"::equals);
    rack = isoTek(rackPort, 25);
    await().atMost(BACK).until(() -> state("rack"), "CONNECTED"::equals);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(serve.metrics())
                    .containsPattern(line("pdu_outlet_power_watts", "rack", "3", "25.0")));
    assertThat(counter("pdu_link_reconnects_total", "rack")).isGreaterThanOrEqualTo(1.0);

    // the IPCP restarts (the PDU behind it stays), and the PDU's load changes meanwhile
    ipcp.close();
    await().atMost(BACK).until(() -> state("av-rack"), "OFFLINE"::equals);
    avRack.setLoadWatts(2, 55);
    ipcp = ipcp(ipcpPort);
    await().atMost(BACK).until(() -> state("av-rack"), "CONNECTED"::equals);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(serve.metrics())
                    .containsPattern(line("pdu_outlet_power_watts", "av-rack", "2", "55.0")));

    // the Enistic controller restarts: its readings come in again
    office.close();
    double beforeRestart = counter("pdu_readings_received_total", "office");
    office = enistic(readings, control);
    await()
        .atMost(BACK)
        .until(() -> counter("pdu_readings_received_total", "office") > beforeRestart + 3);
    assertThat(state("office")).isEqualTo("CONNECTED");

    // and everything is still served, then stops on SIGTERM
    assertThat(serve.get("/health").body()).doesNotContain(PASSWORD);
    assertThat(serve.metrics()).doesNotContain(PASSWORD);
    assertThat(serve.stopGracefully()).as("serve stops on SIGTERM").isTrue();
    assertThat(serve.log()).doesNotContain(PASSWORD);
  }

  private IsoTekSimulator isoTek(int port, int watts) {
    return IsoTekSimulator.builder()
        .outlets(8)
        .tcpPort(port)
        .jitter(false)
        .loadWatts(2, watts)
        .loadWatts(3, watts)
        .build()
        .start();
  }

  private ExtronSimulator ipcp(int port) {
    return ExtronSimulator.builder()
        .port(port)
        .adminPassword(PASSWORD)
        .serialDevice(3, avRack.port())
        .build()
        .start();
  }

  private EnisticSimulator enistic(int readings, int control) {
    return EnisticSimulator.builder()
        .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), readings))
        .controlPort(control)
        .controller(CONTROLLER, 2, 1, 1)
        .rate(10)
        .build()
        .start();
  }

  private Process relayBoard(int port) throws IOException {
    Process p =
        new ProcessBuilder(
                java(),
                "-cp",
                EXAMPLE_JAR + java.io.File.pathSeparator + EXAMPLE_SIMULATOR_JAR,
                "io.pdu4j.example.relay.LineRelaySimulator",
                Integer.toString(port),
                "4")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String first =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))
            .readLine();
    assertThat(first).as("the relay board's first line").isEqualTo("listening on port " + port);
    return p;
  }

  /** The board's relays, read over a connection of its own. */
  private String relayStatus() throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), relayPort)) {
      s.setSoTimeout(5000);
      OutputStream o = s.getOutputStream();
      o.write("STATUS\n".getBytes(StandardCharsets.US_ASCII));
      o.flush();
      return new BufferedReader(
              new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private String state(String device) throws Exception {
    return serve.health(device).path("state").asText();
  }

  private double counter(String name, String device) throws Exception {
    Matcher m =
        Pattern.compile(
                "(?m)^" + Pattern.quote(name) + "\\{device=\"" + device + "\"} ([0-9.eE+-]+)$")
            .matcher(serve.metrics());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** A Prometheus sample line of an outlet meter, tags in the registry's (sorted) order. */
  private static String line(String name, String device, String outlet, String value) {
    return "(?m)^"
        + Pattern.quote(name)
        + "\\{device=\""
        + Pattern.quote(device)
        + "\",outlet=\""
        + outlet
        + "\"} "
        + Pattern.quote(value)
        + "$";
  }
}
