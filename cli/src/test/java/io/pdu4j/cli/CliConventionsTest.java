package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/** Shell completion and the help text's layout. */
class CliConventionsTest {
  private static final Pattern URI =
      Pattern.compile("\\b[a-z][a-z0-9+]*(?::[a-z+]+)?://[^\\s'\";,)]+[^\\s'\";,).]");

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Style.PLAIN);
    return new Result(code, out.toString(), err.toString());
  }

  private static CommandLine commandLine() {
    return Cli.commandLine(
        new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Style.PLAIN);
  }

  @Test
  void completionScriptsNameEverySubcommandAndTheirOptions() {
    Result bash = run("completion", "bash");
    assertThat(bash.code()).as(bash.err()).isZero();
    assertThat(bash.out()).contains("complete -F").contains("pdu4j");
    Set<String> names = commandLine().getSubcommands().keySet();
    assertThat(names).contains("status", "on", "off", "cycle", "serve", "sim", "completion");
    for (String name : names) {
      assertThat(bash.out()).as(name).containsPattern("\\b" + Pattern.quote(name) + "\\b");
    }
    assertThat(bash.out()).contains("--off-time").contains("--json").contains("isotek");

    Result zsh = run("completion", "zsh");
    assertThat(zsh.code()).as(zsh.err()).isZero();
    assertThat(zsh.out()).contains("bashcompinit").contains("complete -F");

    Result fish = run("completion", "fish");
    assertThat(fish.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(fish.out()).isEmpty();
  }

  /** Every command and subcommand, depth first. */
  private static List<CommandLine> all(CommandLine cl) {
    List<CommandLine> out = new ArrayList<>();
    out.add(cl);
    for (CommandLine sub : cl.getSubcommands().values()) {
      out.addAll(all(sub));
    }
    return out;
  }

  /** The URIs the command's own texts hold: its description, footer and argument descriptions. */
  private static Set<String> urisOf(CommandSpec spec) {
    List<String> texts = new ArrayList<>();
    texts.addAll(List.of(spec.usageMessage().description()));
    texts.addAll(List.of(spec.usageMessage().footer()));
    for (ArgSpec a : spec.args()) {
      if (!a.hidden()) {
        texts.addAll(List.of(a.description()));
      }
    }
    Set<String> uris = new LinkedHashSet<>();
    for (String t : texts) {
      Matcher m = URI.matcher(t);
      while (m.find()) {
        uris.add(m.group());
      }
    }
    return uris;
  }

  @Test
  void helpNeverBreaksAnAddressAcrossLines() {
    int checked = 0;
    for (CommandLine cl : all(commandLine())) {
      String usage = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
      for (String uri : urisOf(cl.getCommandSpec())) {
        assertThat(usage).as(cl.getCommandSpec().qualifiedName() + " --help").contains(uri);
        checked++;
      }
      for (String line : usage.lines().toList()) {
        boolean oneLongWord = URI.matcher(line).find() && !line.strip().contains(" ");
        if (!oneLongWord) {
          assertThat(line.length())
              .as(cl.getCommandSpec().qualifiedName() + ": " + line)
              .isLessThanOrEqualTo(HelpLayout.WIDTH);
        }
      }
    }
    assertThat(checked).as("addresses in the help texts").isGreaterThan(10);
    // the long Enistic example stays whole, and so does the option's e.g.
    assertThat(run("sim", "enistic", "--help").out())
        .contains("enistic:udp://127.0.0.1:53005/004A3BB5B04?send=127.0.0.1:53004");
    assertThat(run("on", "--help").out()).contains("isotek:tcp://10.0.0.5:501");
  }

  @Test
  void wrappingKeepsTheHangingIndentAndBreaksOnlyAtSpaces() {
    String row =
        "      --x=N     words words words words words words words"
            + " isotek:tcp://10.0.0.5:501?timeout=2s more words";
    List<String> lines = HelpLayout.wrapLine(row, 60);
    assertThat(lines)
        .containsExactly(
            "      --x=N     words words words words words words words",
            "                isotek:tcp://10.0.0.5:501?timeout=2s more",
            "                words");
    assertThat(HelpLayout.wrapLine("short", 60)).containsExactly("short");
    String colored = "  \u001B[33m-h\u001B[0m   " + "word ".repeat(20).strip();
    assertThat(HelpLayout.wrapLine(colored, 40))
        .allSatisfy(
            l ->
                assertThat(l.replaceAll("\u001B\\[[0-9;]*m", "").length()).isLessThanOrEqualTo(40));
  }
}
