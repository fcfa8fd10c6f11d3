package io.pdu4j.cli;

import io.pdu4j.api.PowerDeviceException;
import java.io.PrintWriter;

/**
 * How a command that failed tells it on stderr, and its exit code: for picocli's command line
 * ({@link Cli}) and for {@link ShortLine} alike. Refers to no picocli class.
 */
final class Failures {
  private Failures() {}

  /**
   * Prints the failure: with {@code json} as one JSON object ({@link ErrorJson}), else as a {@code
   * pdu4j: } line; the stack trace with {@code verbose}.
   *
   * @return the exit code of the failure ({@link ExitCodes#of})
   */
  static int report(Exception ex, PrintWriter err, boolean json, boolean verbose) {
    Throwable t = ExitCodes.unwrap(ex);
    int code = ExitCodes.of(t);
    if (json) {
      err.println(ErrorJson.failure(t));
      if (verbose) {
        t.printStackTrace(err);
      }
      err.flush();
      return code;
    }
    // a PowerDeviceException's message names the device, what was sent and what came back
    err.println(
        "pdu4j: "
            + TerminalText.safeLines(
                t instanceof PowerDeviceException ? t.getMessage() : t.toString()));
    if (verbose) {
      t.printStackTrace(err);
    } else if (!(t instanceof PowerDeviceException)) {
      err.println("pdu4j: this looks like a bug; run again with -v for the stack trace");
    }
    err.flush();
    return code;
  }
}
