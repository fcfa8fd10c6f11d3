package io.pdu4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The man page {@code pdu4j(1)} in roff, written from the same picocli command model as the help,
 * so it lists every subcommand and option there is. Roff directly rather than picocli-codegen's
 * AsciiDoc: turning that into a man page would need Asciidoctor (a Ruby or JRuby tool chain) in the
 * build for one file.
 *
 * <p>{@link #main} writes the files of the tarball that come from the command model: {@code
 * man/pdu4j.1} and {@code completion/pdu4j.bash} (bash and zsh).
 */
public final class ManPage {
  private ManPage() {}

  /**
   * Writes the man page and the completion script under a directory (the build's {@code
   * target/dist}).
   *
   * @param args the directory and the version, e.g. {@code target/dist 0.1.0}
   * @throws IOException when a file cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: ManPage DIRECTORY VERSION");
    }
    Path dir = Path.of(args[0]);
    CommandLine cl = Cli.commandLine(sink(), sink(), Style.PLAIN, Map.of());
    Files.createDirectories(dir.resolve("man"));
    Files.writeString(dir.resolve("man/pdu4j.1"), roff(cl, args[1]), StandardCharsets.UTF_8);
    Files.createDirectories(dir.resolve("completion"));
    Files.writeString(
        dir.resolve("completion/pdu4j.bash"),
        AutoComplete.bash("pdu4j", cl),
        StandardCharsets.UTF_8);
  }

  private static PrintWriter sink() {
    return new PrintWriter(new StringWriter());
  }

  /** The man page of this command line: NAME, SYNOPSIS, DESCRIPTION, OPTIONS, COMMANDS, … */
  static String roff(CommandLine cl, String version) {
    CommandSpec root = cl.getCommandSpec();
    StringBuilder b = new StringBuilder();
    b.append(".\\\" generated from the picocli command model by io.pdu4j.cli.ManPage\n");
    b.append(".TH PDU4J 1 \"\" \"pdu4j ").append(text(version)).append("\" \"pdu4j manual\"\n");
    b.append(".SH NAME\n");
    b.append("pdu4j \\- ").append(text(first(root.usageMessage().description()))).append('\n');
    b.append(".SH SYNOPSIS\n");
    b.append(".B pdu4j\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n");
    b.append(".SH DESCRIPTION\n");
    paragraphs(b, root.usageMessage().description());
    b.append(".SH OPTIONS\n");
    options(b, root);
    b.append(".SH COMMANDS\n");
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      CommandSpec sub = e.getValue().getCommandSpec();
      if (!sub.name().equals(e.getKey()) || sub.usageMessage().hidden()) {
        continue; // an alias
      }
      b.append(".SS ").append(text(sub.name()));
      for (String alias : sub.aliases()) {
        b.append(", ").append(text(alias));
      }
      b.append('\n');
      b.append(".B pdu4j ").append(text(sub.name())).append('\n');
      b.append(text(synopsis(sub))).append('\n');
      b.append(".PP\n");
      paragraphs(b, sub.usageMessage().description());
      for (PositionalParamSpec p : sub.positionalParameters()) {
        if (!p.hidden()) {
          item(b, p.paramLabel(), p.description());
        }
      }
      options(b, sub);
    }
    b.append(".SH EXIT STATUS\n");
    paragraphs(b, root.usageMessage().footer());
    b.append(".SH FILES\n");
    b.append(".TP\n.I /etc/pdu4j/devices.yaml\n");
    b.append("The devices of \\fBpdu4j serve\\fR in the container image and the systemd unit.\n");
    b.append(".SH SEE ALSO\n");
    b.append("https://github.com/pdu4j/pdu4j, docs/install.md, docs/configuration.md\n");
    return b.toString();
  }

  private static void options(StringBuilder b, CommandSpec spec) {
    for (OptionSpec o : spec.options()) {
      if (o.hidden()) {
        continue;
      }
      String names = String.join(", ", o.names());
      String label = o.arity().max() > 0 ? " " + o.paramLabel() : "";
      item(b, names + label, o.description());
    }
  }

  private static void item(StringBuilder b, String term, String[] description) {
    b.append(".TP\n.B ").append(text(term)).append('\n');
    for (String line : description) {
      b.append(text(line)).append('\n');
    }
  }

  private static void paragraphs(StringBuilder b, String[] lines) {
    for (String line : lines) {
      if (line.isBlank()) {
        b.append(".PP\n");
      } else if (line.startsWith(" ")) {
        b.append(".br\n").append(text(line.strip())).append('\n');
      } else {
        b.append(".br\n").append(text(line)).append('\n');
      }
    }
  }

  private static String synopsis(CommandSpec spec) {
    StringBuilder s = new StringBuilder();
    for (ArgSpec a : spec.args()) {
      if (a.hidden()) {
        continue;
      }
      if (a instanceof PositionalParamSpec p) {
        s.append(p.arity().min() == 0 ? "[" + p.paramLabel() + "]" : p.paramLabel()).append(' ');
      }
    }
    s.append("[OPTIONS]");
    return s.toString();
  }

  private static String first(String[] lines) {
    return lines.length == 0 ? "" : lines[0];
  }

  /**
   * One line of text safe for roff: backslashes and hyphens escaped, and no line starting with a
   * dot or an apostrophe (a request to roff). picocli's {@code %n} markup becomes a line break.
   */
  static String text(String s) {
    String t =
        s.replace("\\", "\\e")
            .replace("-", "\\-")
            .replace("%n", "\n.br\n")
            .replace("%%", "%")
            .replaceAll("@\\|[a-z,]+ ([^|]*)\\|@", "$1");
    List<String> lines = t.lines().toList();
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      if (out.length() > 0) {
        out.append('\n');
      }
      if (!line.equals(".br") && (line.startsWith(".") || line.startsWith("'"))) {
        out.append("\\&");
      }
      out.append(line);
    }
    return out.toString();
  }
}
