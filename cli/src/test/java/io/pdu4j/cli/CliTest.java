package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pdu4j command run in this JVM against a simulated IsoTek PDU over loopback TCP. */
class CliTest {
  private static final int[] LOADS = {35, 120, 18, 65, 250, 8, 42, 90};

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
    IsoTekSimulator.Builder b =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .serialNumber("CLI-TEST-8")
            .clock(LocalDateTime.of(2026, 11, 21, 10, 0, 0))
            .initialState(2, false)
            .initialState(4, false);
    for (int n = 1; n <= 8; n++) {
      b.loadWatts(n, LOADS[n - 1]);
    }
    sim = b.build().start();
    uri = "isotek:tcp://127.0.0.1:" + sim.port();
  }

  @AfterEach
  void stopSimulator() {
    sim.close();
  }

  private long switchCommands() {
    return sim.commandsReceived().stream().filter(c -> c.matches("S\\d+=.*|[GH]")).count();
  }

  @Test
  void statusPrintsATableOfOutletsAndTheDeviceClock() {
    Result r = run("status", uri);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .contains(uri)
        .contains("device clock 2026-11-21 10:0")
        .containsPattern("(?m)^\\s+#\\s+NAME\\s+STATE\\s+VOLTS\\s+WATTS$")
        .containsPattern("(?m)^\\s+1\\s+\\S.*\\s+ON\\s+230\\.0\\s+35\\.0$")
        .containsPattern("(?m)^\\s+2\\s+\\S.*\\s+OFF\\s+230\\.0\\s+0\\.0$")
        .containsPattern("(?m)^\\s+8\\s+\\S.*\\s+ON\\s+230\\.0\\s+90\\.0$");
  }

  @Test
  void statusJsonIsOneObjectWithEveryField() throws IOException {
    Result r = run("status", uri, "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip().lines()).as("one line, one object").hasSize(1);
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertThat(root.isObject()).isTrue();
    assertThat(root.properties())
        .extracting(java.util.Map.Entry::getKey)
        .containsExactly("device", "input", "outlets", "clock", "clockZone", "clockOffset");

    JsonNode device = root.get("device");
    assertThat(device.get("driver").asText()).isEqualTo("isotek");
    assertThat(device.get("model").isTextual()).isTrue();
    assertThat(device.has("serial")).isTrue();
    assertThat(device.get("address").asText()).isEqualTo(uri);

    JsonNode input = root.get("input");
    assertThat(input.get("voltage").asDouble()).isEqualTo(230.0);
    int on = IntStream.rangeClosed(1, 8).filter(n -> n != 2 && n != 4).map(n -> LOADS[n - 1]).sum();
    assertThat(input.get("power").asDouble()).isEqualTo(on);

    JsonNode outlets = root.get("outlets");
    assertThat(outlets.size()).isEqualTo(8);
    for (int n = 1; n <= 8; n++) {
      JsonNode o = outlets.get(n - 1);
      boolean isOn = n != 2 && n != 4;
      assertThat(o.get("number").asInt()).isEqualTo(n);
      assertThat(o.get("id").asText()).isEqualTo(Integer.toString(n));
      assertThat(o.get("name").asText()).isNotBlank();
      assertThat(o.get("state").asText()).isEqualTo(isOn ? "ON" : "OFF");
      assertThat(o.get("voltage").isDouble()).isTrue();
      assertThat(o.get("voltage").asDouble()).isEqualTo(230.0);
      assertThat(o.get("power").asDouble()).isEqualTo(isOn ? LOADS[n - 1] : 0.0);
      assertThat(o.get("switchable").asBoolean()).isTrue();
    }
    assertThat(root.get("clock").asText()).matches("2026-11-21T10:0\\d:\\d\\d");
    // the device keeps local time; the zone it is read in is this host's, as pdu4j clock says
    assertThat(root.get("clockZone").asText()).isEqualTo(java.time.ZoneId.systemDefault().getId());
    assertThat(root.get("clockOffset").asText())
        .isEqualTo(
            java.time.ZoneId.systemDefault()
                .getRules()
                .getOffset(java.time.LocalDateTime.parse(root.get("clock").asText()))
                .getId());
  }

  @Test
  void offSwitchesOneOutletAndPrintsTheConfirmedState() {
    Result r = run("off", uri, "3");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip()).matches("outlet  3\\s+\\S.*\\s+OFF");
    assertThat(sim.outletState(3)).isFalse();
    assertThat(sim.outletState(1)).isTrue();
  }

  @Test
  void onSwitchesSeveralOutletsInTheOrderGiven() {
    Result r = run("on", uri, "4", "2", "4");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip().lines())
        .satisfiesExactly(
            l -> assertThat(l).matches("outlet  4\\s+\\S.*\\s+ON"),
            l -> assertThat(l).matches("outlet  2\\s+\\S.*\\s+ON"));
    assertThat(sim.outletState(2)).isTrue();
    assertThat(sim.outletState(4)).isTrue();
  }

  @Test
  void offAllSwitchesEveryOutletInOneCommand() {
    Result r = run("off", uri, "all");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip().lines())
        .hasSize(8)
        .allSatisfy(l -> assertThat(l).matches("outlet\\s+\\d\\s+\\S.*\\s+OFF"));
    assertThat(IntStream.rangeClosed(1, 8).filter(sim::outletState)).isEmpty();
    assertThat(sim.commandsReceived()).doesNotContain("S1=0", "S3=0");

    Result back = run("on", uri, "ALL");
    assertThat(back.code()).as(back.err()).isZero();
    assertThat(back.out().strip().lines()).hasSize(8).allSatisfy(l -> assertThat(l).endsWith("ON"));
    assertThat(IntStream.rangeClosed(1, 8).allMatch(sim::outletState)).isTrue();
  }

  @Test
  void aSwitchTheDeviceDoesNotConfirmExitsWith3() {
    // a locked outlet the driver does not know of (the unit refuses C?): it answers OK but keeps
    // its state
    try (IsoTekSimulator locked =
        IsoTekSimulator.builder()
            .outlets(8)
            .outletConfig(3, "Locked", 3, 0)
            .refuse("C?")
            .build()
            .start()) {
      String address = "isotek:tcp://127.0.0.1:" + locked.port();
      Result one = run("off", address, "3");
      assertThat(one.code()).as(one.err()).isEqualTo(3);
      assertThat(one.err())
          .startsWith("pdu4j: " + address)
          .contains("outlet 3 ON")
          .contains("sent")
          .contains("received");
      Result all = run("off", address, "all");
      assertThat(all.code()).as(all.err()).isEqualTo(3);
      assertThat(all.out()).containsPattern("(?m)^outlet  3\\s+\\S.*\\s+ON$");
      assertThat(all.err()).contains("outlet 3 ON");
      assertThat(locked.outletState(3)).isTrue();
      assertThat(locked.outletState(1)).isFalse();
    }
  }

  @Test
  void aBadAddressIsAUsageError() {
    Result r = run("status", "not-an-address");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("pdu4j: invalid device address").doesNotContain("\tat ");
  }

  @Test
  void anUnknownDriverIsAUsageErrorListingTheKnownOnes() {
    Result r = run("status", "acme:tcp://127.0.0.1:" + sim.port());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown driver 'acme'").contains("isotek");
  }

  @Test
  void anUnknownOutletIsAUsageErrorAndNothingIsSwitched() {
    Result r = run("off", uri, "3", "99");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("pdu4j: ").contains("99");
    assertThat(r.out()).isEmpty();
    assertThat(sim.outletState(3)).as("outlet 3 untouched").isTrue();
    assertThat(switchCommands()).isZero();
  }

  @Test
  void anOutletThatIsNotANumberIsAUsageError() {
    Result r = run("on", uri, "three");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("'three'");
    Result mixed = run("on", uri, "all", "3");
    assertThat(mixed.code()).isEqualTo(2);
    assertThat(switchCommands()).isZero();
  }

  @Test
  void picocliUsageErrorsExitWith2() {
    assertThat(run().code()).isEqualTo(2);
    assertThat(run("status").code()).isEqualTo(2);
    assertThat(run("status", uri, "--timeout", "soon").err())
        .contains("--timeout")
        .contains("not a duration");
    assertThat(run("frobnicate").code()).isEqualTo(2);
  }

  @Test
  void anUnreachablePortExitsWith4() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Result r = run("status", "isotek:tcp://127.0.0.1:" + port, "--timeout", "2s");
    assertThat(r.code()).as(r.err()).isEqualTo(4);
    assertThat(r.err()).startsWith("pdu4j: ").contains("127.0.0.1:" + port);
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void aSilentDeviceExitsWith4NamingWhatWasSent() {
    sim.setSilent(true);
    sim.pausePushes();
    long start = System.nanoTime();
    Result r = run("status", uri, "--timeout", "500ms");
    assertThat(r.code()).as(r.err()).isEqualTo(4);
    assertThat(r.err()).startsWith("pdu4j: " + uri).contains("sent");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aDeviceThatFallsSilentAfterOpeningTimesOutTheSwitch() {
    sim.setReplyLatency(Duration.ZERO);
    // silent for commands only: pushes keep the device "ready", the switch gets no reply
    Result first = run("status", uri);
    assertThat(first.code()).isZero();
    sim.setSilent(true);
    Result r = run("off", uri, "3", "--timeout", "500ms");
    assertThat(r.code()).as(r.err()).isEqualTo(4);
    assertThat(r.err()).startsWith("pdu4j: ");
  }

  @Test
  void verboseShowsTheStackTrace() {
    Result r = run("status", "isotek:tcp://127.0.0.1:1", "--timeout", "1s", "-v");
    assertThat(r.code()).isEqualTo(4);
    assertThat(r.err()).contains("\tat ");
  }

  @Test
  void demoOnceRunsTheTourAndExits0() {
    Result r = run("demo", "--once");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("Every step succeeded")
        .doesNotContain("FAIL")
        .contains("rack connected: isotek:tcp://127.0.0.1:")
        .contains("office connected: enistic:udp://127.0.0.1:")
        .contains("av-rack connected: isotek:extron://127.0.0.1:")
        .containsPattern("pdu_outlet_power_watts\\{device=\"av-rack\",outlet=\"3\"}");
  }

  @Test
  void simRunsUntilInterruptedAndServesTheOtherCommands() throws InterruptedException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    AtomicInteger code = new AtomicInteger(-1);
    Thread t =
        new Thread(
            () ->
                code.set(
                    Cli.run(
                        new String[] {"sim", "isotek", "--tcp-port", "0", "--outlets", "8"},
                        new PrintWriter(out, true),
                        new PrintWriter(err, true),
                        Style.PLAIN)));
    t.start();
    Pattern where = Pattern.compile("isotek:tcp://127\\.0\\.0\\.1:(\\d+)");
    await().atMost(Duration.ofSeconds(10)).until(() -> where.matcher(out.toString()).find());
    assertThat(out.toString().lines()).hasSize(1);
    Matcher m = where.matcher(out.toString());
    assertThat(m.find()).isTrue();
    Result status = run("status", m.group(), "--json");
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).contains("\"number\":8").doesNotContain("\"number\":9");
    t.interrupt();
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(code.get()).isZero();
    assertThat(run("status", m.group(), "--timeout", "1s").code()).as("closed").isEqualTo(4);
  }
}
