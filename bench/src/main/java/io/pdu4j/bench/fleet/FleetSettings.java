package io.pdu4j.bench.fleet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The options of {@link FleetBench}.
 *
 * @param devices the fleet sizes, in order; empty ({@code --devices ""}) skips the fleet
 * @param warmup how long the fleet runs after all devices are ready before CPU is measured (30 s:
 *     at 1,000 serve's compiler threads still used 2 to 5 ms a second 40 s after the start)
 * @param window the CPU window
 * @param commands confirmed switches sent through the API per fleet size
 * @param commandWarmup switches sent before those, timed apart and not counted: the first commands
 *     of a process run interpreted (serve's command path and the client's), which measures the JIT
 * @param enisticRates Enistic readings per second, one step each; empty skips ingest
 * @param enisticDuration how long each ingest step sends
 * @param roundTrips confirmed switches (and raw exchanges) measured; 0 skips the round trip
 * @param cliRuns runs of each CLI start variant; 0 skips CLI start
 * @param cliVariants the CLI start variants measured besides the plain one: {@code c1} (C1 only),
 *     {@code cds} (an AppCDS archive with C1), {@code launcher} (the tarball's {@code bin/pdu4j},
 *     as shipped), {@code repo} (the repository's {@code ./pdu4j}); empty for the plain start alone
 * @param cliJar the packaged CLI ({@code cli/target/pdu4j.jar})
 * @param docs the page whose results table is replaced, or null to leave it
 * @param jfrAt the fleet size at which serve is profiled with JFR, 0 for none
 * @param serveOptions extra JVM options for serve
 * @param serveRuntime the {@code runtime:} section of serve's {@code devices.yaml} as a flow
 *     mapping's entries ({@code io-batch-window: 10ms, max-opening: 64}), empty for none (the
 *     defaults)
 * @param work where configurations, logs and recordings go
 */
record FleetSettings(
    List<Integer> devices,
    Duration warmup,
    Duration window,
    int commands,
    int commandWarmup,
    List<Integer> enisticRates,
    Duration enisticDuration,
    int roundTrips,
    int cliRuns,
    Set<String> cliVariants,
    Path cliJar,
    Path docs,
    int jfrAt,
    List<String> serveOptions,
    String serveRuntime,
    Path work) {

  static final String USAGE =
      """
      usage: bench/fleet [--devices 1000,3000,10000] [--warmup 30s] [--window 20s] [--commands 1000]
                         [--command-warmup 1000]
                         [--enistic-rates 10000,25000,50000] [--enistic-duration 10s]
                         [--round-trips 10000] [--cli-runs 10] [--cli-variants c1,cds,launcher,repo | none]
                         [--cli-jar cli/target/pdu4j.jar]
                         [--docs docs/benchmarks.md | --no-docs] [--jfr N] [--serve-opts "..."]
                         [--serve-runtime "io-batch-window: 10ms, ..."] [--work DIR]""";

  /** Every CLI start variant besides the plain one. */
  static final Set<String> CLI_VARIANTS = Set.of("c1", "cds", "launcher", "repo");

  /** Parses the command line; throws {@link IllegalArgumentException} with what is wrong. */
  static FleetSettings parse(String[] args) {
    List<Integer> devices = List.of(1000, 3000, 10000);
    Duration warmup = Duration.ofSeconds(30);
    Duration window = Duration.ofSeconds(20);
    int commands = 1000;
    int commandWarmup = 1000;
    List<Integer> rates = List.of(10_000, 25_000, 50_000);
    Duration enisticDuration = Duration.ofSeconds(10);
    int roundTrips = 10_000;
    int cliRuns = 10;
    Set<String> cliVariants = CLI_VARIANTS;
    Path cliJar = Path.of("cli/target/pdu4j.jar");
    Path docs = Path.of("docs/benchmarks.md");
    int jfrAt = 0;
    List<String> serveOptions = List.of();
    String serveRuntime = "";
    Path work = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--no-docs")) {
        docs = null;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value\n" + USAGE);
      }
      String v = args[++i];
      switch (a) {
        case "--devices" -> devices = v.isBlank() ? List.of() : ints(a, v, 1, 100_000);
        case "--warmup" -> warmup = duration(a, v);
        case "--window" -> window = duration(a, v);
        case "--commands" -> commands = ints(a, v, 0, 1_000_000).get(0);
        case "--command-warmup" -> commandWarmup = ints(a, v, 0, 1_000_000).get(0);
        case "--enistic-rates" -> rates = v.isEmpty() ? List.of() : ints(a, v, 1, 10_000_000);
        case "--enistic-duration" -> enisticDuration = duration(a, v);
        case "--round-trips" -> roundTrips = ints(a, v, 0, 10_000_000).get(0);
        case "--cli-runs" -> cliRuns = ints(a, v, 0, 1000).get(0);
        case "--cli-variants" -> cliVariants = variants(a, v);
        case "--cli-jar" -> cliJar = Path.of(v);
        case "--docs" -> docs = Path.of(v);
        case "--jfr" -> jfrAt = ints(a, v, 0, 100_000).get(0);
        case "--serve-opts" ->
            serveOptions = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
        case "--serve-runtime" -> serveRuntime = runtimeEntries(a, v);
        case "--work" -> work = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
      }
    }
    if (window.isZero()) {
      throw new IllegalArgumentException("--window must be more than 0");
    }
    return new FleetSettings(
        devices,
        warmup,
        window,
        commands,
        commandWarmup,
        rates,
        enisticDuration,
        roundTrips,
        cliRuns,
        cliVariants,
        cliJar,
        docs,
        jfrAt,
        serveOptions,
        serveRuntime,
        work);
  }

  /** Entries of a YAML flow mapping on one line, without its braces. */
  private static String runtimeEntries(String option, String value) {
    String v = value.strip();
    if (v.contains("\n") || v.contains("{") || v.contains("}")) {
      throw new IllegalArgumentException(
          option + ": write the entries alone on one line, e.g. \"io-batch-window: 10ms\"");
    }
    return v;
  }

  private static List<Integer> ints(String option, String value, int min, int max) {
    List<Integer> out = new ArrayList<>();
    for (String part : value.split(",")) {
      int n;
      try {
        n = Integer.parseInt(part.trim().replace("_", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + ": not a number: '" + part + "'", e);
      }
      if (n < min || n > max) {
        throw new IllegalArgumentException(
            option + ": " + n + " is out of range " + min + ".." + max);
      }
      out.add(n);
    }
    return List.copyOf(out);
  }

  private static Set<String> variants(String option, String value) {
    if (value.trim().equals("none")) {
      return Set.of();
    }
    Set<String> out = new HashSet<>();
    for (String part : value.split(",")) {
      String v = part.trim();
      if (!CLI_VARIANTS.contains(v)) {
        throw new IllegalArgumentException(
            option
                + ": no variant '"
                + v
                + "' (c1, cds, launcher, repo, or none for the plain start alone)");
      }
      out.add(v);
    }
    return Set.copyOf(out);
  }

  /** {@code 500ms}, {@code 10s}, {@code 2m}, or a bare number of seconds. */
  static Duration duration(String option, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        return Duration.ofMillis(
            Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
      } else if (v.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": not a duration: '" + value + "'", e);
    }
  }
}
