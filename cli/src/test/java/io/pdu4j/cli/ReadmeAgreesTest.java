package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.config.Pdu4jConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README's command-line section against the commands and the sample configuration. */
class ReadmeAgreesTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern SIM_LINE =
      Pattern.compile("(?m)^\\./pdu4j (sim \\S+[^&#\\n]*?)\\s*&");

  private static String readme() throws IOException {
    return Files.readString(ROOT.resolve("README.md"));
  }

  private static CommandLine commandLine() {
    return Cli.commandLine(
        new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Style.PLAIN);
  }

  /** The README's {@code ./pdu4j sim ...} lines, without {@code ./pdu4j} and the {@code &}. */
  private static List<String> simLines(String text) {
    Matcher m = SIM_LINE.matcher(text);
    List<String> lines = new java.util.ArrayList<>();
    while (m.find()) {
      lines.add(m.group(1));
    }
    return lines;
  }

  @Test
  void theSampleConfigurationParsesAndNamesTheReadmesSimulators() throws IOException {
    String readme = readme();
    assertThat(readme).contains("./pdu4j serve --config examples/devices.yaml");
    Path file = ROOT.resolve("examples/devices.yaml");
    Pdu4jConfig config = Pdu4jConfig.load(file);
    assertThat(config.devices()).containsOnlyKeys("rack", "office", "av-rack");
    assertThat(config.api()).isPresent();
    assertThat(config.api().orElseThrow().authenticated()).isTrue();
    assertThat(config.prometheus()).isPresent();
    // the devices are the ones the README's simulators serve, at the addresses it uses
    for (DeviceConfig d : config.devices().values()) {
      String address = d.uri().replaceFirst("\\?password=.*$", "");
      assertThat(readme).as(d.name()).contains(address);
    }
    // and the simulators the file's comment tells to start are the README's
    Matcher m = Pattern.compile("(?m)^#\\s+\\./pdu4j (sim .+)$").matcher(Files.readString(file));
    Set<String> inFile = new LinkedHashSet<>();
    while (m.find()) {
      inFile.add(m.group(1).strip());
    }
    assertThat(inFile).hasSize(3);
    assertThat(simLines(readme)).containsAll(inFile);
  }

  @Test
  void everySimLineOfTheReadmeParsesAndEverySimulatorIsShown() throws IOException {
    String readme = readme();
    List<String> lines = simLines(readme);
    assertThat(lines).isNotEmpty();
    Set<String> shown = new LinkedHashSet<>();
    for (String line : lines) {
      String[] args = line.split("\\s+");
      CommandLine.ParseResult r = commandLine().parseArgs(args); // throws on an unknown option
      shown.add(r.subcommand().subcommand().commandSpec().name());
    }
    assertThat(shown)
        .containsExactlyInAnyOrderElementsOf(
            commandLine().getSubcommands().get("sim").getSubcommands().keySet());
  }

  @Test
  void theReadmesWordsOnTheSimulatorsMatchTheirDefaults() throws IOException {
    String readme = readme();
    CommandLine sim = commandLine().getSubcommands().get("sim");
    String outlets =
        sim.getSubcommands().get("isotek").getCommandSpec().findOption("--outlets").defaultValue();
    assertThat(readme)
        .containsPattern("sim isotek --tcp-port 5010 &.*# a simulated " + outlets + "-outlet");
    var enistic = sim.getSubcommands().get("enistic").getCommandSpec();
    String sockets = enistic.findOption("--sockets").defaultValue();
    String meters = enistic.findOption("--meters").defaultValue();
    assertThat(readme)
        .containsPattern(
            "sim enistic .*# a controller, " + sockets + " sockets, " + meters + " meter");
    // what a simulator's help says it serves on, the README uses
    String isotekHelp =
        sim.getSubcommands().get("isotek").getUsageMessage(CommandLine.Help.Ansi.OFF);
    assertThat(isotekHelp).contains("--serial-link").contains("socat");
    assertThat(readme).containsPattern("sim isotek --serial-link .*needs socat");
  }
}
