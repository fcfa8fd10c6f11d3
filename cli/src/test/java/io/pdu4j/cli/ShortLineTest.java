package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plain {@code status}, {@code on} and {@code off} lines that {@link ShortLine} runs without
 * picocli print, fail and exit exactly as through picocli's whole command line; every other line is
 * left to picocli.
 */
class ShortLineTest {
  private IsoTekSimulator sim;
  private String uri;
  private String closed;

  @BeforeEach
  void start() throws IOException {
    sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .serialNumber("SHORT-LINE-8")
            .clock(LocalDateTime.of(2026, 11, 21, 10, 0, 0))
            .initialState(4, false)
            .build()
            .start();
    uri = "isotek:tcp://127.0.0.1:" + sim.port();
    try (ServerSocket s = new ServerSocket(0)) {
      closed = "isotek:tcp://127.0.0.1:" + s.getLocalPort(); // nothing listens there now
    }
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  record Result(int code, String out, String err) {
    /** The same, with the times of day (the device's clock runs between two runs) masked. */
    Result untimed() {
      String time = "\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?";
      return new Result(code, out.replaceAll(time, "TIME"), err.replaceAll(time, "TIME"));
    }
  }

  /** Through {@link Main#run}, as {@code pdu4j.jar} runs a command line. */
  private static Result viaMain(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Style.PLAIN, env);
    return new Result(code, out.toString(), err.toString());
  }

  /** Through picocli's model of every command. */
  private static Result viaPicocli(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Cli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), Style.PLAIN, env)
            .execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private static String[] line(String... args) {
    return args;
  }

  @Test
  void plainLinesAreReadWithoutPicocli() {
    for (String[] args :
        List.of(
            line("status", "isotek:tcp://h:1"),
            line("-v", "status", "isotek:tcp://h:1", "--json"),
            line("status", "--timeout", "2s", "isotek:tcp://h:1", "--plugins", "/tmp/p"),
            line("status", "isotek:tcp://h:1", "--timeout=500ms", "--verbose"),
            line("on", "isotek:tcp://h:1", "3", "4"),
            line("off", "--json", "isotek:tcp://h:1", "all"))) {
      assertThat(ShortLine.parse(args)).as(String.join(" ", args)).isNotNull();
    }
    ShortLine.Parsed p = ShortLine.parse(line("off", "x", "--timeout", "2s", "3", "5", "-v"));
    assertThat(p.command).isEqualTo("off");
    assertThat(p.positionals).containsExactly("x", "3", "5");
    assertThat(p.timeout).hasSeconds(2);
    assertThat(p.verbose).isTrue();
    assertThat(p.json).isFalse();
  }

  @Test
  void everyOtherLineIsLeftToPicocli() {
    for (String[] args :
        List.of(
            line(),
            line("status"),
            line("status", "--help"),
            line("status", "-h"),
            line("-V"),
            line("status", "x", "y"),
            line("on", "x"),
            line("cycle", "x", "1"),
            line("outlets", "x"),
            line("status", "x", "--json", "--json"),
            line("-v", "status", "x", "-v"),
            line("status", "x", "--json=true"),
            line("status", "x", "--verbose=yes"),
            line("status", "x", "--timeout"),
            line("status", "x", "--timeout", "--json"),
            line("status", "x", "--timeout", "0s"),
            line("status", "x", "--timeout", "soon"),
            line("status", "x", "--bogus"),
            line("status", "@args.txt"),
            line("status", ""),
            line("status", "x", "--"),
            line("on", "x", "-1"),
            line("--server", "http://h:8080", "status", "rack"),
            line("status", "rack", "--mqtt", "tcp://b:1883"),
            line("--prefix", "p", "status", "x"),
            line("sim", "isotek"),
            line("help", "status"))) {
      assertThat(ShortLine.parse(args)).as(String.join(" ", args)).isNull();
    }
    StringWriter sink = new StringWriter();
    for (String env : List.of(ServerClient.SERVER_ENV, MqttGateway.MQTT_ENV)) {
      assertThat(
              ShortLine.run(
                  line("status", "x"),
                  new PrintWriter(sink),
                  new PrintWriter(sink),
                  Style.PLAIN,
                  Map.of(env, "tcp://127.0.0.1:1")))
          .as(env)
          .isEmpty();
    }
    assertThat(sink.toString()).isEmpty();
  }

  @Test
  void printsFailsAndExitsAsPicocliDoes() {
    for (String[] args :
        List.of(
            line("status", uri),
            line("status", uri, "--json"),
            line("-v", "status", "--timeout", "3s", uri),
            line("off", uri, "3", "5"),
            line("off", uri, "3", "5"),
            line("on", "--json", uri, "all"),
            line("on", uri, "4"),
            line("on", uri, "9"),
            line("on", uri, "0"),
            line("off", uri, "3", "all", "--json"),
            line("status", closed, "--timeout", "2s"),
            line("status", closed, "--timeout=2s", "--json"),
            line("on", closed, "1", "--json"),
            line("status", "no-scheme"),
            line("status", "nosuch:tcp://127.0.0.1:1", "--json"),
            line("status", uri, "--plugins", "/nonexistent/pdu4j-plugins"))) {
      Result plain = viaMain(Map.of(), args).untimed();
      Result picocli = viaPicocli(Map.of(), args).untimed();
      assertThat(plain).as(String.join(" ", args)).isEqualTo(picocli);
    }
    // the last lines that switched: off 3 5, then on all (twice each, one way then the other)
    assertThat(sim.outletState(3)).isTrue();
    assertThat(sim.outletState(5)).isTrue();
  }

  @Test
  void aVerboseFailureShowsTheSameMessageAndAStackTrace() {
    String[] args = line("-v", "status", closed, "--timeout", "2s");
    Result plain = viaMain(Map.of(), args);
    Result picocli = viaPicocli(Map.of(), args);
    assertThat(plain.code()).isEqualTo(picocli.code()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(plain.out()).isEqualTo(picocli.out()).isEmpty();
    // the frames under the command differ (picocli's or none): the message and the trace's top
    assertThat(plain.err().lines().limit(2)).isEqualTo(picocli.err().lines().limit(2).toList());
    assertThat(plain.err()).contains("\tat io.pdu4j.");
  }
}
