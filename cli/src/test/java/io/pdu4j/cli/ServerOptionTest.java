package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.PowerReading;
import io.pdu4j.runtime.json.DeviceJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code --server}'s argument errors (each refused before any request), and the reading back of the
 * server's JSON into what the direct commands render.
 */
class ServerOptionTest {
  record Result(int code, String out, String err) {}

  static Result run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Cli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Style.PLAIN, env);
    return new Result(code, out.toString(), err.toString());
  }

  /** A listening socket that fails the test if anything connects to it within a moment. */
  private static void assertNothingConnects(ServerSocket s) throws Exception {
    s.setSoTimeout(200);
    try (var accepted = s.accept()) {
      throw new AssertionError("a request reached the server: " + accepted);
    } catch (SocketTimeoutException expected) {
      // nothing was sent
    }
  }

  @Test
  void aServerThatIsNotAPlainHttpAddressIsAUsageError() throws Exception {
    for (String bad :
        List.of(
            "ftp://127.0.0.1:21",
            "127.0.0.1:8080",
            "http://127.0.0.1:8080/api/v1",
            "http://127.0.0.1:8080?x=1",
            "http:///nohost")) {
      Result r = run(Map.of(), "--server", bad, "status", "rack");
      assertThat(r.code()).as(bad + ": " + r.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains("--server must be");
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void aUserPartInTheServerAddressIsRefusedWithoutEchoingIt() {
    Result r =
        run(Map.of(), "--server", "http://admin:hunter2-secret@127.0.0.1:8080", "on", "rack", "1");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--server must be").doesNotContain("hunter2");
  }

  @Test
  void theServerMayComeFromTheEnvironment() {
    Result r = run(Map.of("PDU4J_SERVER", "gopher://x"), "status", "rack");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--server must be");
  }

  @Test
  void aCommandThatCannotGoThroughAServerSaysSo() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String url = "http://127.0.0.1:" + s.getLocalPort();
      for (String[] args :
          List.of(
              new String[] {"--server", url, "watch", "rack"},
              new String[] {"--server", url, "clock", "rack"},
              new String[] {"schedule", "--server", url, "rack", "list"})) {
        Result r = run(Map.of(), args);
        assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
        assertThat(r.err())
            .contains("--server works with cycle, off, on, outlets, status, not with");
      }
      assertNothingConnects(s);
    }
  }

  @Test
  void onlyTheCommandsThatGoThroughAServerShowTheOptionInTheirHelp() {
    for (String command : List.of("status", "on", "off", "cycle", "outlets")) {
      assertThat(run(Map.of(), command, "--help").out()).as(command).contains("--server=URL");
    }
    for (String command : List.of("watch", "clock", "schedule", "sim", "serve", "discover")) {
      assertThat(run(Map.of(), command, "--help").out()).as(command).doesNotContain("--server=");
    }
    assertThat(run(Map.of(), "--help").out()).contains("--server");
  }

  @Test
  void badOutletsAndOffTimesAreRefusedBeforeAnyRequest() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String url = "http://127.0.0.1:" + s.getLocalPort();
      Map<String, String> env = Map.of("PDU4J_SERVER", url, "PDU4J_TOKEN", "t0ken-never-shown");
      for (String[] args :
          List.of(
              new String[] {"on", "rack", "0"},
              new String[] {"off", "rack", "all", "3"},
              new String[] {"off", "rack", "bad outlet!"},
              new String[] {"cycle", "rack", "1", "--off-time", "2h"},
              new String[] {"cycle", "rack", "1", "--off-time", "0s"},
              new String[] {"on", "rack"})) {
        Result r = run(env, args);
        assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
        assertThat(r.out() + r.err()).doesNotContain("t0ken-never-shown");
      }
      assertNothingConnects(s);
    }
  }

  @Test
  void anUnreachableServerIsTheUnreachableExitCode() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // --server after the subcommand works as well as before it
    Result r = run(Map.of(), "status", "--server", "http://127.0.0.1:" + port, "rack");
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(r.err()).contains("cannot reach the server http://127.0.0.1:" + port);
    assertThat(r.err()).doesNotContain("looks like a bug");
  }

  @Test
  void theServersDeviceJsonRendersAsTheDirectCommandsDo() throws Exception {
    DeviceInfo info =
        new DeviceInfo(
            "isotek",
            "IsoTek",
            "SMART Power 8",
            Optional.of("SN-1"),
            Optional.empty(),
            Optional.of("1.2"),
            "isotek:tcp://127.0.0.1:501");
    DeviceStatus status =
        new DeviceStatus(
            Instant.parse("2026-12-04T10:00:00Z"),
            Optional.of(new PowerReading(OptionalDouble.of(231.5), OptionalDouble.of(412.0))),
            List.of(
                new OutletStatus(
                    1,
                    "1",
                    "Router",
                    OutletState.ON,
                    OptionalDouble.of(230.0),
                    OptionalDouble.of(35.0),
                    Set.of(OutletCapability.SWITCHABLE, OutletCapability.METERED)),
                new OutletStatus(
                    2,
                    "0021ED0000099001/2",
                    "",
                    OutletState.OFF,
                    OptionalDouble.empty(),
                    OptionalDouble.empty(),
                    Set.of())),
            Optional.empty());
    Optional<LocalDateTime> clock = Optional.of(LocalDateTime.of(2026, 12, 4, 11, 0, 0));
    ZoneId tokyo = ZoneId.of("Asia/Tokyo");
    var served = DeviceJson.status(info, status, clock, tokyo);
    served.put("name", "rack");
    served.put("receivedAt", status.receivedAt().toString());
    served.putObject("health").put("state", "CONNECTED");

    ServerClient.Status back =
        ServerClient.parseStatus(new ObjectMapper().readTree(DeviceJson.write(served)));

    assertThat(back.health()).as("a connected device's report is current").isEmpty();
    served.putObject("health").put("state", "OFFLINE").put("message", "connection refused");
    assertThat(
            ServerClient.parseStatus(new ObjectMapper().readTree(DeviceJson.write(served)))
                .health())
        .hasValue("OFFLINE: connection refused");
    assertThat(StatusView.table(back.info(), back.status(), back.clock(), Style.PLAIN))
        .isEqualTo(StatusView.table(info, status, clock, Style.PLAIN));
    // the server's zone, not this host's, goes with the server's clock
    assertThat(back.clockZone()).hasValue(tokyo);
    assertThat(
            StatusView.json(
                back.info(), back.status(), back.clock(), back.clockZone().orElseThrow()))
        .isEqualTo(StatusView.json(info, status, clock, tokyo))
        .contains("\"clockZone\":\"Asia/Tokyo\"");
    assertThat(
            SwitchCommand.line(
                ServerClient.parseOutlet(
                    DeviceJson.outlet(DeviceJson.object(), status.outlets().get(1))),
                Style.PLAIN))
        .isEqualTo(SwitchCommand.line(status.outlets().get(1), Style.PLAIN));
  }

  @Test
  void anAnswerThatIsNotADeviceIsAProtocolError() throws Exception {
    assertThat(
            PowerDeviceException.kindOf(
                catchFailure(
                    () -> ServerClient.parseStatus(new ObjectMapper().readTree("{\"x\":1}")))))
        .isEqualTo(PowerDeviceException.Kind.PROTOCOL);
  }

  @Test
  void everyErrorKindOfTheApiMapsToTheExitCodeOfTheSameFailureFromTheDevice() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (PowerDeviceException.Kind k : PowerDeviceException.Kind.values()) {
      PowerDeviceException e =
          ServerClient.failure(
              409,
              json.readTree("{\"error\":\"" + k.tag() + "\",\"message\":\"m\"}"),
              "POST x",
              true);
      int expected = ExitCodes.forKind(k);
      assertThat(ExitCodes.of(e)).as(k.tag()).isEqualTo(expected);
    }
    assertThat(code(json, 401, "unauthorized")).isEqualTo(ExitCodes.REJECTED);
    assertThat(code(json, 403, "forbidden")).isEqualTo(ExitCodes.REJECTED);
    assertThat(code(json, 404, "not_found")).isEqualTo(ExitCodes.USAGE);
    assertThat(code(json, 503, "not_connected")).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(code(json, 405, "method_not_allowed")).isEqualTo(ExitCodes.FAILURE);
    assertThat(ExitCodes.of(ServerClient.failure(502, null, "GET x", false)))
        .isEqualTo(ExitCodes.FAILURE);
    assertThat(
            ServerClient.failure(
                    401,
                    json.readTree("{\"error\":\"unauthorized\",\"message\":\"m\"}"),
                    "x",
                    false)
                .getMessage())
        .contains("set PDU4J_TOKEN");
  }

  private static int code(ObjectMapper json, int status, String error) throws Exception {
    return ExitCodes.of(
        ServerClient.failure(
            status, json.readTree("{\"error\":\"" + error + "\",\"message\":\"m\"}"), "x", true));
  }

  private static Throwable catchFailure(ThrowingRunnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("no failure");
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
