package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A short command's line gets its own subcommand alone ({@link Cli#shortCommand}), and says and
 * does what the whole command line says and does.
 */
class ShortCommandLineTest {
  @Test
  void theFirstWordThatIsNoOptionNorAValueNamesTheCommand() {
    assertThat(Cli.shortCommand(new String[] {"status", "isotek:tcp://h:1"}))
        .contains(StatusCommand.class);
    assertThat(Cli.shortCommand(new String[] {"--server", "http://h:8080", "off", "rack", "3"}))
        .contains(OffCommand.class);
    assertThat(Cli.shortCommand(new String[] {"-v", "--prefix", "status", "on", "x", "1"}))
        .contains(OnCommand.class);
    assertThat(Cli.shortCommand(new String[] {"--mqtt=tcp://b:1883", "cycle", "x", "1"}))
        .contains(CycleCommand.class);
  }

  @Test
  void longRunningHelpAndCompletionGetTheWholeCommandLine() {
    for (String[] args :
        List.of(
            new String[] {"serve", "--config", "d.yaml"},
            new String[] {"help", "status"},
            new String[] {"completion"},
            new String[] {"sim", "isotek"},
            new String[] {"--help"},
            new String[] {},
            new String[] {"--server", "status"},
            new String[] {"stauts", "x"})) {
      assertThat(Cli.shortCommand(args)).as(String.join(" ", args)).isEqualTo(Optional.empty());
    }
  }

  record Result(int code, String out, String err) {}

  private static Result viaRun(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Cli.run(
            args, new PrintWriter(out, true), new PrintWriter(err, true), Style.PLAIN, Map.of());
    return new Result(code, out.toString(), err.toString());
  }

  private static Result viaWhole(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Cli.commandLine(
                new PrintWriter(out, true), new PrintWriter(err, true), Style.PLAIN, Map.of())
            .execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void helpUsageErrorsAndOptionChecksAreTheSameAsWithEveryCommand() {
    for (String[] args :
        List.of(
            new String[] {"status", "--help"},
            new String[] {"cycle", "--help"},
            new String[] {"status"},
            new String[] {"on", "isotek:tcp://127.0.0.1:1", "--bogus"},
            new String[] {"clock", "isotek:tcp://127.0.0.1:1", "--server", "http://h:1"},
            new String[] {"status", "no-scheme", "--json"})) {
      Result lazy = viaRun(args);
      Result whole = viaWhole(args);
      assertThat(lazy).as(String.join(" ", args)).isEqualTo(whole);
    }
    assertThat(viaRun("status", "--help").out()).startsWith("Usage: pdu4j status ");
    assertThat(viaRun("status").code()).isEqualTo(ExitCodes.USAGE);
  }
}
