package io.pdu4j.cli;

import io.pdu4j.api.PowerDeviceException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
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
    return commandLine(out, err, style).execute(args);
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err, Style style) {
    CommandLine cl = new CommandLine(new Pdu4jCommand(style));
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(Cli::onFailure);
    cl.setParameterExceptionHandler(Cli::onBadUsage);
    return cl;
  }

  private static int onFailure(Exception ex, CommandLine commandLine, ParseResult parseResult) {
    Throwable t = ExitCodes.unwrap(ex);
    PrintWriter err = commandLine.getErr();
    int code = ExitCodes.of(t);
    // a PowerDeviceException's message names the device, what was sent and what came back
    err.println(
        "pdu4j: "
            + TerminalText.safeLines(
                t instanceof PowerDeviceException ? t.getMessage() : t.toString()));
    if (verbose(parseResult)) {
      t.printStackTrace(err);
    } else if (!(t instanceof PowerDeviceException)) {
      err.println("pdu4j: this looks like a bug; run again with -v for the stack trace");
    }
    err.flush();
    return code;
  }

  private static int onBadUsage(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("pdu4j: " + TerminalText.safeLines(ex.getMessage()));
    UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ExitCodes.USAGE;
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
