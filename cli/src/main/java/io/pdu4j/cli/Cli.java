package io.pdu4j.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/** Builds the picocli command line with pdu4j's error reporting and exit codes. */
final class Cli {
  private Cli() {}

  /**
   * Runs one command in this JVM.
   *
   * @return the exit code
   */
  static int run(String[] args, PrintWriter out, PrintWriter err, Style style) {
    return run(args, out, err, style, System.getenv());
  }

  /** Runs one command in this JVM with this environment ({@code PDU4J_SERVER}, …). */
  static int run(
      String[] args, PrintWriter out, PrintWriter err, Style style, Map<String, String> env) {
    return commandLine(out, err, style, env, shortCommand(args)).execute(args);
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err, Style style) {
    return commandLine(out, err, style, System.getenv());
  }

  /** The whole command line, every subcommand. */
  static CommandLine commandLine(
      PrintWriter out, PrintWriter err, Style style, Map<String, String> env) {
    return commandLine(out, err, style, env, Optional.empty());
  }

  /**
   * The short command ({@link Pdu4jCommand#SHORT}) these arguments run, if they run one: the first
   * argument that is neither an option nor an option's value. picocli makes and reflects on every
   * subcommand it is given, which is a good part of a short command's start; such a command line
   * gets its own subcommand alone, and parses, runs and fails as with all of them.
   */
  static Optional<Class<?>> shortCommand(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (Pdu4jCommand.VALUED.contains(a)) {
        i++;
      } else if (!a.startsWith("-")) {
        return Optional.ofNullable(Pdu4jCommand.SHORT.get(a));
      }
    }
    return Optional.empty();
  }

  private static CommandLine commandLine(
      PrintWriter out,
      PrintWriter err,
      Style style,
      Map<String, String> env,
      Optional<Class<?>> only) {
    CommandLine cl = new CommandLine(new Pdu4jCommand(style, env));
    // before the settings below: picocli gives them to the subcommands it has at the time
    if (only.isPresent()) {
      cl.addSubcommand(only.get());
    } else {
      Pdu4jCommand.SUBCOMMANDS.forEach(cl::addSubcommand);
    }
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(Cli::onFailure);
    cl.setParameterExceptionHandler(Cli::onBadUsage);
    cl.setExecutionStrategy(Cli::execute);
    HelpLayout.install(cl);
    hideServerOption(cl);
    return cl;
  }

  /**
   * {@code --server}, {@code --mqtt} and {@code --prefix} are inherited by every subcommand (so
   * that they may stand before or after the command's name) but only {@link #TAKING} those commands
   * use them: the others keep parsing them, so that {@link #execute} can say which commands take
   * them, but do not show them in their help.
   */
  private static void hideServerOption(CommandLine cl) {
    for (CommandLine sub : cl.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      for (Map.Entry<String, Set<String>> e : TAKING.entrySet()) {
        OptionSpec o = spec.findOption(e.getKey());
        if (o != null && !o.hidden() && !e.getValue().contains(spec.name())) {
          spec.remove(o);
          spec.addOption(OptionSpec.builder(o).hidden(true).scopeType(ScopeType.LOCAL).build());
        }
      }
      hideServerOption(sub);
    }
  }

  /** The commands that go through a server's API with {@code --server}. */
  static final Set<String> THROUGH_SERVER = Set.of("status", "on", "off", "cycle", "outlets");

  /**
   * The commands that go through the MQTT bridges with {@code --mqtt}; {@code demo} takes it too,
   * to bridge its own serve to that broker.
   */
  static final Set<String> THROUGH_MQTT = Set.of("status", "on", "off", "cycle", "demo");

  /** Which commands take each of the global options that only some commands use. */
  static final Map<String, Set<String>> TAKING =
      Map.of(
          "--server", THROUGH_SERVER,
          "--mqtt", THROUGH_MQTT,
          "--prefix", Set.of("status", "on", "off", "cycle"));

  /**
   * Runs the command; an option of {@link #TAKING} with a command that cannot use it is a usage
   * error.
   */
  private static int execute(ParseResult parseResult) {
    ParseResult last = parseResult;
    while (last.subcommand() != null) {
      last = last.subcommand();
    }
    CommandLine cl = last.commandSpec().commandLine();
    String name = last.commandSpec().name();
    if (last != parseResult
        && !last.isUsageHelpRequested()
        && !last.isVersionHelpRequested()
        && !name.equals("help")) {
      for (Map.Entry<String, Set<String>> e : new java.util.TreeMap<>(TAKING).entrySet()) {
        if (given(cl.getCommandSpec(), e.getKey()) && !e.getValue().contains(name)) {
          throw new ParameterException(
              cl,
              e.getKey()
                  + " works with "
                  + String.join(", ", e.getValue().stream().sorted().toList())
                  + ", not with '"
                  + name
                  + "'");
        }
      }
      if (Pdu4jCommand.serverGiven(cl.getCommandSpec()) && given(cl.getCommandSpec(), "--mqtt")) {
        throw new ParameterException(cl, "give --server or --mqtt, not both");
      }
    }
    return new CommandLine.RunLast().execute(parseResult);
  }

  private static boolean given(CommandSpec spec, String option) {
    return switch (option) {
      case "--server" -> Pdu4jCommand.serverGiven(spec);
      case "--mqtt" -> Pdu4jCommand.mqttGiven(spec);
      default -> Pdu4jCommand.prefixGiven(spec);
    };
  }

  private static int onFailure(Exception ex, CommandLine commandLine, ParseResult parseResult) {
    return Failures.report(
        ex, commandLine.getErr(), jsonRequested(parseResult), verbose(parseResult));
  }

  private static int onBadUsage(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    if (Arrays.asList(args).contains("--json")) {
      err.println(ErrorJson.usage(ex.getMessage()));
      err.flush();
      return ExitCodes.USAGE;
    }
    err.println("pdu4j: " + TerminalText.safeLines(ex.getMessage()));
    UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ExitCodes.USAGE;
  }

  /** Whether {@code --json} was given to the command that ran. */
  static boolean jsonRequested(ParseResult parseResult) {
    for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--json")) {
        return true;
      }
    }
    return false;
  }

  private static boolean verbose(ParseResult parseResult) {
    for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
