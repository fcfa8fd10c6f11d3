package io.pdu4j.cli;

import io.pdu4j.api.PowerDeviceException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * How the demo's tour prints: numbered headings, steps that print ok or FAIL with the reason and
 * their notes, and the closing verdict with the exit code of the first failure.
 */
final class DemoSteps {
  /** How long one step may wait for a device. */
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

  static final String INDENT = "      ";

  private final PrintWriter out;
  private final Style style;
  private final List<String> notes = new ArrayList<>();
  private int failures;
  private int firstFailureCode;

  DemoSteps(PrintWriter out, Style style) {
    this.out = out;
    this.style = style;
  }

  PrintWriter out() {
    return out;
  }

  Style style() {
    return style;
  }

  void heading(int n, String text) {
    out.println();
    out.println(style.cyan(String.format(Locale.ROOT, "[%d] ", n)) + style.bold(text));
    out.flush();
  }

  /** A line printed under the current step's result; returns it, for steps that only describe. */
  String note(String text) {
    notes.add(text);
    return text;
  }

  /** Runs one step and prints ok or FAIL with the reason, then its notes; the tour goes on. */
  <T> Optional<T> step(String label, Supplier<T> action) {
    Optional<T> result;
    String failure = null;
    try {
      result = Optional.ofNullable(action.get());
    } catch (RuntimeException e) {
      Throwable t = ExitCodes.unwrap(e);
      failures++;
      if (firstFailureCode == ExitCodes.OK) {
        firstFailureCode = ExitCodes.of(t);
      }
      failure =
          TerminalText.safeLines(t instanceof PowerDeviceException ? t.getMessage() : t.toString());
      result = Optional.empty();
    }
    out.println("  " + (failure == null ? style.green(" ok ") : style.red("FAIL")) + "  " + label);
    for (String n : notes) {
      out.println(n.isEmpty() ? "" : INDENT + "  " + n);
    }
    notes.clear();
    if (failure != null) {
      out.println(INDENT + "  " + style.red(failure));
    }
    out.flush();
    return result;
  }

  /**
   * The verdict: 0 when every step succeeded (with commands to try by hand), else the exit code of
   * the first failure.
   */
  int finish(Optional<String> dashboard) {
    out.println();
    if (failures == 0) {
      out.println(style.green("Every step succeeded.") + " Try it by hand:");
      dashboard.ifPresent(
          url -> out.println("  open " + url + "     # the dashboard, while the demo runs"));
      out.println("  ./pdu4j sim isotek --tcp-port 5010 &");
      out.println("  ./pdu4j status isotek:tcp://127.0.0.1:5010");
      out.println("  ./pdu4j off isotek:tcp://127.0.0.1:5010 3");
      out.println("  ./pdu4j sim extron --port 2323 --com 3=isotek &");
      out.println("  ./pdu4j status isotek:extron://127.0.0.1:2323/3");
      out.println("  ./pdu4j serve --config devices.yaml     # a file like the one in [2]");
      out.println("  ./pdu4j --server http://127.0.0.1:8080 off rack 3     # through serve's API");
      out.flush();
      return ExitCodes.OK;
    }
    out.println(style.red(failures + " step(s) failed") + ", see above.");
    out.flush();
    return firstFailureCode == ExitCodes.OK ? ExitCodes.FAILURE : firstFailureCode;
  }

  /** Waits for a device operation within {@link #STEP_TIMEOUT}. */
  static <T> T await(CompletionStage<T> stage, String what) {
    return DeviceArgs.await(stage, STEP_TIMEOUT, what, null);
  }
}
