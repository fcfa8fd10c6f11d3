package io.pdu4j.bench.fleet;

import io.pdu4j.bench.fleet.FleetResults.Fleet;
import io.pdu4j.bench.fleet.FleetResults.HotSpot;
import io.pdu4j.bench.fleet.FleetResults.Ingest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The results table of issue 12 (figure, measured, goal) in Markdown, and its place in {@code
 * docs/benchmarks.md}: between {@link #BEGIN} and {@link #END}, replacing what was there.
 */
final class ResultsTable {
  static final String BEGIN = "<!-- fleet-bench:begin (written by bench/fleet; do not edit) -->";
  static final String END = "<!-- fleet-bench:end -->";

  /** The figures of the table, in order; the short test checks each has a row. */
  static final List<String> ROWS =
      List.of(
          "serve CPU",
          "live heap per device",
          "RSS per device",
          "serve threads",
          "open files",
          "`/metrics`",
          "connecting",
          "command latency under load",
          "confirmed switch vs raw socket exchange",
          "Enistic ingest",
          "`pdu4j status` cold");

  private ResultsTable() {}

  static String render(FleetResults r, FleetSettings s) {
    List<Fleet> fleets = r.fleets;
    List<Fleet> measured = fleets.stream().filter(f -> f.skipped() == null).toList();
    StringBuilder b = new StringBuilder();
    b.append("Measured ")
        .append(r.started)
        .append(" on ")
        .append(r.machine)
        .append("; load average ")
        .append(r.loadBefore)
        .append(" before, ")
        .append(r.loadAfter)
        .append(" after (other work on the machine shows here). Window ")
        .append(s.window().toSeconds())
        .append(" s after ")
        .append(s.warmup().toSeconds())
        .append(" s of warm-up and once serve's JIT compiler was quiet (under ")
        .append(Math.round(FleetBench.COMPILER_QUIET_CORES * 1000))
        .append(" ms of CPU a second, waited for at most ")
        .append(FleetBench.COMPILER_WAIT.toSeconds())
        .append(" s more); ")
        .append(s.commands())
        .append(" commands per size")
        .append(
            s.commandWarmup() > 0 && s.commands() > 0
                ? " after " + s.commandWarmup() + " not counted (the command path warms up)"
                : "")
        .append(
            s.serveRuntime().isEmpty()
                ? ""
                : "; serve's devices.yaml with `runtime: { " + s.serveRuntime() + " }`")
        .append(
            s.serveOptions().isEmpty()
                ? ""
                : "; serve's JVM options `" + String.join(" ", s.serveOptions()) + "`")
        .append(".\n\n");
    String sizes =
        join(
            fleets,
            f -> String.format(Locale.ROOT, "%,d", f.devices()),
            f -> String.format(Locale.ROOT, "%,d", f.devices()));
    b.append("| figure | measured | goal |\n|---|---|---|\n");
    b.append(
        row(
            "serve CPU, N = " + sizes,
            join(fleets, f -> cores(f.serveCpu()), f -> "skipped")
                + " cores; "
                + join(fleets, f -> ratio(f.serveCpu(), f.floorCpu()), f -> "–")
                + " the bare reader ("
                + join(fleets, f -> cores(f.floorCpu()), f -> "–")
                + " cores; the two load generators "
                + join(fleets, f -> cores(f.generatorCpu()), f -> "–")
                + ")",
            "10,000 at ≤ 0.35 core; ≤ 2× the bare reader at every N"));
    Fleet base = r.baseline;
    b.append(
        row(
            "live heap per device",
            join(fleets, f -> aboveOne(f, base, b1 -> f.heapUsed() - b1.heapUsed()), f -> "–")
                + " KiB (heap in use after a full GC, less serve's with one device: "
                + (base == null ? "?" : mib(base.heapUsed()))
                + " MiB)",
            "≤ 16 KiB"));
    b.append(
        row(
            "RSS per device",
            join(fleets, f -> kib(f.rss() / (double) f.devices()), f -> "–")
                + " KiB in all; "
                + join(
                    fleets,
                    f ->
                        aboveOne(
                            f, base, b1 -> (f.rss() - f.heapUsed()) - (b1.rss() - b1.heapUsed())),
                    f -> "–")
                + " KiB above the live heap; "
                + join(
                    fleets,
                    f ->
                        aboveOne(
                            f,
                            base,
                            b1 -> (f.rss() - f.heapCommitted()) - (b1.rss() - b1.heapCommitted())),
                    f -> "–")
                + " KiB above the committed heap ("
                + join(fleets, f -> mib(f.rss()), f -> "–")
                + " MiB RSS, heap committed "
                + join(fleets, f -> mib(f.heapCommitted()), f -> "–")
                + " MiB)",
            "≤ 64 KiB above the heap"));
    b.append(
        row(
            "serve threads, N = " + sizes,
            join(fleets, f -> Integer.toString(f.threads()), f -> "–")
                + (base == null ? "" : " (" + base.threads() + " with one device)"),
            "one I/O event loop per core, no thread per device"));
    b.append(
        row(
            "open files, N = " + sizes,
            "serve "
                + join(fleets, f -> String.format(Locale.ROOT, "%,d", f.serveFiles()), f -> "–")
                + (base == null ? "" : " (" + base.serveFiles() + " with one device)")
                + "; the fuller load generator "
                + join(fleets, f -> String.format(Locale.ROOT, "%,d", f.generatorFiles()), f -> "–")
                + "; the floor "
                + join(fleets, f -> String.format(Locale.ROOT, "%,d", f.floorFiles()), f -> "–")
                + (r.fileLimit > 0 && r.fileLimit < Long.MAX_VALUE
                    ? String.format(Locale.ROOT, " (limit per process: %,d)", r.fileLimit)
                    : ""),
            "each process under its limit (ulimit -n)"));
    b.append(
        row(
            "`/metrics`, N = " + sizes,
            join(
                    fleets,
                    f ->
                        String.format(
                                Locale.ROOT,
                                "%.1f MB in %.2f s",
                                f.scrapeBytes() / 1e6,
                                f.scrapeSeconds())
                            + (f.gzipBytes() < 0
                                ? " (gzip: not offered)"
                                : String.format(
                                    Locale.ROOT,
                                    " (gzip: %.1f MB in %.2f s)",
                                    f.gzipBytes() / 1e6,
                                    f.gzipSeconds())),
                    f -> "–")
                + " (median of 3 scrapes each after "
                + FleetBench.SCRAPE_WARMUP
                + " not counted, serve's first of which took "
                + join(
                    fleets,
                    f -> String.format(Locale.ROOT, "%.2f", f.firstScrapeSeconds()),
                    f -> "–")
                + " s; gzip: bytes on the wire, the time includes inflating them)",
            "≤ 1 s at 10,000 (and lighter output)"));
    b.append(
        row(
            "connecting N = " + sizes + " devices",
            join(
                    fleets,
                    f ->
                        String.format(
                            Locale.ROOT,
                            "%.1f s, %d connect and %d ready timeouts",
                            f.connectSeconds(),
                            f.connectTimeouts(),
                            f.readyTimeouts()),
                    f -> "–")
                + " (from serve's start until its log shows every device CONNECTED, then confirmed by /health)",
            "10,000 in ≤ 15 s, no spurious timeout (paced connects)"));
    b.append(
        row(
            "command latency under load, N = " + sizes,
            join(
                    fleets,
                    f ->
                        String.format(
                            Locale.ROOT,
                            "p50 %.1f / p99 %.1f / max %.1f ms (%d/%d confirmed)",
                            f.p50(),
                            f.p99(),
                            f.max(),
                            f.confirmed(),
                            f.commands()),
                    f -> "–")
                + " (one at a time through the API, while the fleet pushes)",
            "p99 ≤ 10 ms at 10,000"));
    if (r.roundTrip != null) {
      b.append(
          row(
              "confirmed switch vs raw socket exchange, loopback",
              String.format(
                  Locale.ROOT,
                  "%.2f× at p50 (%.0f µs vs %.0f µs), %.2f× at p99 (%.0f µs vs %.0f µs), %d"
                      + " each after %d rounds of warm-up (until the JIT was quiet); in the same"
                      + " rounds a bare Netty loop with a blocked caller and"
                      + " nothing of pdu4j, %.2f× at p50 (%.0f µs); the median of the"
                      + " per-round ratios %.2f× (the bare loop's %.2f×)",
                  r.roundTrip.runtimeP50() / r.roundTrip.rawP50(),
                  r.roundTrip.runtimeP50(),
                  r.roundTrip.rawP50(),
                  r.roundTrip.runtimeP99() / r.roundTrip.rawP99(),
                  r.roundTrip.runtimeP99(),
                  r.roundTrip.rawP99(),
                  r.roundTrip.rounds(),
                  r.roundTrip.warmupRounds(),
                  r.roundTrip.bareLoopP50() / r.roundTrip.rawP50(),
                  r.roundTrip.bareLoopP50(),
                  r.roundTrip.medianRatio(),
                  r.roundTrip.bareMedianRatio()),
              "≤ 1.2×"));
    } else {
      b.append(row("confirmed switch vs raw socket exchange, loopback", "not run", "≤ 1.2×"));
    }
    if (!r.ingest.isEmpty()) {
      long received = r.ingest.stream().mapToLong(Ingest::received).sum();
      double cpu = r.ingest.stream().mapToDouble(Ingest::serveCpuSeconds).sum();
      long floorReceived = r.ingest.stream().mapToLong(Ingest::floorReceived).sum();
      double floorCpu = r.ingest.stream().mapToDouble(Ingest::floorCpuSeconds).sum();
      b.append(
          row(
              "Enistic ingest",
              String.format(Locale.ROOT, "%,.0f readings per core-second; loss at ", received / cpu)
                  + r.ingest.stream()
                      .map(
                          i ->
                              String.format(
                                  Locale.ROOT,
                                  "%,d/s %.1f%%",
                                  i.rate(),
                                  FleetBench.lossPercent(i.sent(), i.received())))
                      .collect(Collectors.joining(", "))
                  + String.format(
                      Locale.ROOT,
                      " (raw reader: %,.0f per core-second; loss ",
                      floorReceived / floorCpu)
                  + r.ingest.stream()
                      .map(
                          i ->
                              String.format(
                                  Locale.ROOT,
                                  "%.1f%%",
                                  FleetBench.lossPercent(i.sent(), i.floorReceived())))
                      .collect(Collectors.joining(", "))
                  + ")",
              "≥ 250k per core-second; 0 loss at 50k/s"));
    } else {
      b.append(row("Enistic ingest", "not run", "≥ 250k per core-second; 0 loss at 50k/s"));
    }
    if (r.cliStart != null) {
      b.append(
          row(
              "`pdu4j status` cold, whole process",
              String.format(
                  Locale.ROOT,
                  "%.2f s `java -jar` (`java -version` %.2f s); C1 alone %s; AppCDS + C1 %s;"
                      + " the tarball's `bin/pdu4j` %s; the repository's `./pdu4j` %s (medians of"
                      + " %d)",
                  r.cliStart.status(),
                  r.cliStart.javaVersion(),
                  seconds(r.cliStart.statusC1()),
                  seconds(r.cliStart.statusCds()),
                  seconds(r.cliStart.launcher()),
                  seconds(r.cliStart.repository()),
                  r.cliStart.runs()),
              "≤ 0.4 s"));
    } else {
      b.append(row("`pdu4j status` cold, whole process", "not run", "≤ 0.4 s"));
    }
    for (Fleet f : fleets) {
      if (f.skipped() != null) {
        b.append(String.format(Locale.ROOT, "%nN = %,d %s%n", f.devices(), f.skipped()));
      }
    }
    if (!r.hotSpots.isEmpty()) {
      b.append(
          String.format(
              Locale.ROOT,
              "%nHot spots of serve at N = %,d (JFR, %,d execution samples over the window; method"
                  + " on top of the stack, then the first pdu4j method under it):%n%n",
              r.hotSpotDevices,
              r.hotSpotSamples));
      for (HotSpot h : r.hotSpots) {
        b.append(String.format(Locale.ROOT, "- %s %.1f%%%n", h.frame(), 100 * h.share()));
      }
    }
    if (measured.isEmpty() && !fleets.isEmpty()) {
      b.append("\nNo fleet size was measured.\n");
    }
    return b.toString();
  }

  /** Replaces the table between the markers of {@code page}, or appends it with them. */
  static void writeInto(Path page, String table) throws IOException {
    String text = Files.exists(page) ? Files.readString(page, StandardCharsets.UTF_8) : "";
    String block = BEGIN + "\n" + table + END;
    int a = text.indexOf(BEGIN);
    int z = text.indexOf(END);
    if (a >= 0 && z > a) {
      text = text.substring(0, a) + block + text.substring(z + END.length());
    } else {
      text = text + (text.endsWith("\n") ? "\n" : "\n\n") + block + "\n";
    }
    Files.writeString(page, text, StandardCharsets.UTF_8);
  }

  private static String row(String figure, String measured, String goal) {
    return "| " + figure + " | " + measured + " | " + goal + " |\n";
  }

  private static String join(List<Fleet> fleets, Function<Fleet, String> measured) {
    return join(fleets, measured, f -> "–");
  }

  private static String join(
      List<Fleet> fleets, Function<Fleet, String> measured, Function<Fleet, String> skipped) {
    return fleets.stream()
        .map(f -> f.skipped() == null ? measured.apply(f) : skipped.apply(f))
        .collect(Collectors.joining(" / "));
  }

  /** Seconds, or a dash for a variant not measured. */
  private static String seconds(double s) {
    return Double.isNaN(s) ? "–" : String.format(Locale.ROOT, "%.2f s", s);
  }

  private static String cores(double c) {
    return String.format(Locale.ROOT, "%.3f", c);
  }

  /** Two decimals: against a goal of 2×, one decimal wrote 2.025 as 2.0×. */
  private static String ratio(double a, double b) {
    return b <= 0 ? "–" : String.format(Locale.ROOT, "%.2f×", a / b);
  }

  /**
   * KiB per device of what a fleet holds above serve with one device ({@code above} of the
   * baseline), over its N − 1 other devices; "–" for N = 1, which has no other device, and "?"
   * without a baseline.
   */
  private static String aboveOne(
      Fleet f, Fleet base, java.util.function.ToLongFunction<Fleet> above) {
    if (base == null) {
      return "?";
    }
    if (f.devices() <= 1) {
      return "–";
    }
    return kib(above.applyAsLong(base) / (double) (f.devices() - 1));
  }

  private static String kib(double bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1024);
  }

  private static String mib(double bytes) {
    return String.format(Locale.ROOT, "%.0f", bytes / 1024 / 1024);
  }
}
