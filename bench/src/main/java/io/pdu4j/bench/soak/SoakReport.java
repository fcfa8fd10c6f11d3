package io.pdu4j.bench.soak;

import io.pdu4j.bench.soak.SoakSettings.DeviceKind;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one soak run and the invariants it checks.
 *
 * @param settings what was run
 * @param counts devices of each kind
 * @param ran how long commands and faults ran
 * @param issued commands issued
 * @param succeeded commands whose stage completed normally
 * @param failed commands whose stage failed, by exception kind
 * @param failedInDetail the same by device kind, command and exception kind
 * @param firstMessages the first failure's message for each key of {@code failedInDetail}
 * @param thrown commands refused by a throw instead of a failed stage, by exception kind
 * @param byCommand commands issued, by command
 * @param neverCompleted stages still open once the drain time after the run had passed
 * @param oldestOpen the oldest of those, described
 * @param doubleCompletions stages completed more than once
 * @param closeIssued commands issued just before the runtime closed (one per open device)
 * @param closeFailed those that failed, by exception kind
 * @param closeNeverCompleted those still open 10 s after the close
 * @param closeOldestOpen the oldest of those, described
 * @param closeDoubleCompletions those completed more than once
 * @param slowestMillis the longest time a stage took to complete, in milliseconds, by device kind
 *     and command
 * @param faults faults given, by kind
 * @param restartFailures attempts to bind a restarted simulator's port that failed
 * @param notConnectedAtStart devices not connected when the run began, with their health
 * @param notConnectedAtEnd devices not connected once faults had ended and the fleet had time to
 *     recover, with their health
 * @param start the process at the start (fleet connected, before any fault or command)
 * @param end the process at the end (faults over, fleet connected again)
 * @param runtimeThreadsAfterClose {@code pdu4j-} threads alive after the runtime was closed
 */
public record SoakReport(
    SoakSettings settings,
    Map<DeviceKind, Integer> counts,
    Duration ran,
    long issued,
    long succeeded,
    Map<String, Long> failed,
    Map<String, Long> failedInDetail,
    Map<String, String> firstMessages,
    Map<String, Long> thrown,
    Map<String, Long> byCommand,
    long neverCompleted,
    List<String> oldestOpen,
    long doubleCompletions,
    long closeIssued,
    Map<String, Long> closeFailed,
    long closeNeverCompleted,
    List<String> closeOldestOpen,
    long closeDoubleCompletions,
    Map<String, Long> slowestMillis,
    Map<String, Long> faults,
    long restartFailures,
    List<String> notConnectedAtStart,
    List<String> notConnectedAtEnd,
    ProcessProbe start,
    ProcessProbe end,
    int runtimeThreadsAfterClose) {

  /** Every invariant the run broke, each said in a sentence; empty when the run passed. */
  public List<String> violations() {
    List<String> v = new ArrayList<>();
    if (neverCompleted > 0) {
      v.add(neverCompleted + " command(s) never completed, oldest: " + oldestOpen);
    }
    if (doubleCompletions > 0) {
      v.add(doubleCompletions + " stage(s) completed more than once");
    }
    if (closeNeverCompleted > 0) {
      v.add(
          closeNeverCompleted
              + " command(s) in flight when the runtime closed never completed, oldest: "
              + closeOldestOpen);
    }
    if (closeDoubleCompletions > 0) {
      v.add(
          closeDoubleCompletions
              + " stage(s) in flight when the runtime closed completed more than once");
    }
    if (!notConnectedAtStart.isEmpty()) {
      v.add(
          notConnectedAtStart.size()
              + " device(s) not connected within "
              + settings.readyTimeout()
              + " at the start: "
              + first(notConnectedAtStart));
    }
    if (!notConnectedAtEnd.isEmpty()) {
      v.add(
          notConnectedAtEnd.size()
              + " device(s) not connected again within "
              + settings.readyTimeout()
              + " after the faults ended: "
              + first(notConnectedAtEnd));
    }
    if (end.threads() - start.threads() > settings.threadTolerance()) {
      v.add(
          "live threads grew from "
              + start.threads()
              + " to "
              + end.threads()
              + " (tolerance "
              + settings.threadTolerance()
              + ")");
    }
    if (start.fds() >= 0 && end.fds() - start.fds() > settings.fdTolerance()) {
      v.add(
          "open file descriptors grew from "
              + start.fds()
              + " to "
              + end.fds()
              + " (tolerance "
              + settings.fdTolerance()
              + ")");
    }
    if (runtimeThreadsAfterClose > 0) {
      v.add(runtimeThreadsAfterClose + " pdu4j- thread(s) still alive after the runtime closed");
    }
    return v;
  }

  /** Whether every invariant held. */
  public boolean passed() {
    return violations().isEmpty();
  }

  /** Commands whose stage failed, all kinds. */
  public long failedTotal() {
    return failed.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Prints the figures and the verdict. */
  public void print(PrintStream out) {
    out.println("== pdu4j soak ==");
    out.printf(Locale.ROOT, "devices              %d %s%n", settings.devices(), counts);
    out.printf(
        Locale.ROOT,
        "ran                  %s, %.1f commands/s, %.1f faults/s, seed %d%n",
        ran,
        settings.commandsPerSecond(),
        settings.faultsPerSecond(),
        settings.seed());
    out.printf(Locale.ROOT, "commands issued      %d %s%n", issued, byCommand);
    out.printf(Locale.ROOT, "  succeeded          %d%n", succeeded);
    out.printf(Locale.ROOT, "  failed             %d %s%n", failedTotal(), failed);
    failedInDetail.forEach(
        (k, n) -> {
          out.printf(Locale.ROOT, "    %-56s %d%n", k, n);
          out.printf(Locale.ROOT, "      first: %s%n", firstMessages.getOrDefault(k, "?"));
        });
    out.printf(Locale.ROOT, "  refused by a throw %s%n", thrown);
    out.printf(Locale.ROOT, "  never completed    %d%n", neverCompleted);
    out.printf(Locale.ROOT, "  completed twice    %d%n", doubleCompletions);
    out.printf(Locale.ROOT, "  slowest (ms)       %s%n", slowestMillis);
    out.printf(
        Locale.ROOT,
        "at close             %d issued, %d failed %s, %d never completed, %d completed twice%n",
        closeIssued,
        closeFailed.values().stream().mapToLong(Long::longValue).sum(),
        closeFailed,
        closeNeverCompleted,
        closeDoubleCompletions);
    out.printf(
        Locale.ROOT,
        "faults               %d %s%n",
        faults.values().stream().mapToLong(Long::longValue).sum(),
        faults);
    out.printf(Locale.ROOT, "restart bind retries %d%n", restartFailures);
    out.printf(
        Locale.ROOT,
        "heap after GC        %.1f MiB -> %.1f MiB%n",
        start.heapBytes() / 1048576.0,
        end.heapBytes() / 1048576.0);
    out.printf(
        Locale.ROOT,
        "live threads         %d -> %d (pdu4j- %d -> %d; %d after close)%n",
        start.threads(),
        end.threads(),
        start.runtimeThreads(),
        end.runtimeThreads(),
        runtimeThreadsAfterClose);
    out.printf(Locale.ROOT, "open fds             %d -> %d%n", start.fds(), end.fds());
    out.printf(
        Locale.ROOT,
        "not connected        at start %d, at end %d%n",
        notConnectedAtStart.size(),
        notConnectedAtEnd.size());
    List<String> v = violations();
    if (v.isEmpty()) {
      out.println("PASSED");
    } else {
      out.println("FAILED");
      v.forEach(s -> out.println("  - " + s));
    }
  }

  private static List<String> first(List<String> items) {
    return items.subList(0, Math.min(5, items.size()));
  }
}
