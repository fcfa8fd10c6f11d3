package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class ManPageTest {
  private static CommandLine cli() {
    return Cli.commandLine(
        new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()),
        Style.PLAIN,
        Map.of());
  }

  @Test
  void listsEverySubcommandAndItsOptions() {
    CommandLine cl = cli();
    String page = ManPage.roff(cl, "1.2.3");
    assertThat(page).startsWith(".\\\"").contains(".TH PDU4J 1").contains("pdu4j 1.2.3");
    assertThat(cl.getSubcommands()).containsKeys("status", "serve", "completion", "sim");
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      assertThat(page).as("section of " + e.getKey()).contains(".SS " + ManPage.text(e.getKey()));
      for (OptionSpec o : e.getValue().getCommandSpec().options()) {
        if (!o.hidden()) {
          assertThat(page)
              .as(e.getKey() + " " + o.longestName())
              .contains(ManPage.text(o.longestName()));
        }
      }
    }
    assertThat(page).contains(".SH EXIT STATUS").contains("usage error");
  }

  @Test
  void escapesWhatRoffWouldReadAsMarkup() {
    assertThat(ManPage.text("--json")).isEqualTo("\\-\\-json");
    assertThat(ManPage.text("a\\b")).isEqualTo("a\\eb");
    assertThat(ManPage.text(".starts with a dot")).isEqualTo("\\&.starts with a dot");
    assertThat(ManPage.text("'quoted")).isEqualTo("\\&'quoted");
    assertThat(ManPage.text("one%ntwo")).isEqualTo("one\n.br\ntwo");
    assertThat(ManPage.text("@|bold pdu4j|@ 100%%")).isEqualTo("pdu4j 100%");
  }

  @Test
  void writesTheManPageAndTheCompletionScript(@TempDir Path dir) throws Exception {
    ManPage.main(new String[] {dir.toString(), "9.9.9"});
    assertThat(Files.readString(dir.resolve("man/pdu4j.1"))).contains(".SS status");
    assertThat(Files.readString(dir.resolve("completion/pdu4j.bash")))
        .contains("complete -F")
        .contains("status");
  }
}
