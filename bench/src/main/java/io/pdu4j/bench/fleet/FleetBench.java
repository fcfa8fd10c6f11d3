package io.pdu4j.bench.fleet;

import io.pdu4j.bench.fleet.FleetResults.Fleet;
import io.pdu4j.bench.fleet.FleetResults.Ingest;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fleet benchmark of issue 12: {@code pdu4j serve} (the packaged CLI) reading N IsoTek units of
 * an out-of-process {@link LoadGenerator}, beside the bare {@link FloorReader} on the same units at
 * the same time; then Enistic ingest beside a raw {@link DatagramFloor}, the confirmed switch
 * against a raw socket exchange ({@link RoundTripBench}), and the CLI's start ({@link
 * CliStartBench}). Prints the results table and writes it into {@code docs/benchmarks.md} between
 * its markers.
 *
 * <p>Run: {@code bench/fleet [options]} ({@link FleetSettings#USAGE}). Exit status 0 when every
 * step ran and its figures are sane (every device connected, every command confirmed, CPU
 * measured), 1 when not, 2 for bad options. Nothing here asserts a speed: the figures are the
 * result.
 */
public final class FleetBench {
  private static final Pattern METRICS_AT =
      Pattern.compile("metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics");
  private static final Pattern API_AT =
      Pattern.compile("API at http://127\\.0\\.0\\.1:(\\d+)/api/v1");

  /** A state line of serve's log: its time, the device, the state, maybe more. */
  private static final Pattern STATE_LINE =
      Pattern.compile("(\\d{4}-\\d\\d-\\d\\dT\\S+Z) (\\S+): ([A-Z_]+)(?: .*)?");

  private static final Pattern CONNECTED_IN_HEALTH =
      Pattern.compile("\"state\"\\s*:\\s*\"CONNECTED\"");

  private static final Pattern HEAP_INFO = Pattern.compile("total (\\d+)K, used (\\d+)K");
  private static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"(\\w+)\"");
  private static final String TOKEN_VARIABLE = "PDU4J_BENCH_TOKEN";
  private static final String CONTROLLER = "ABCDEF123456";

  /** Descriptors serve holds besides its devices' sockets (jars, selectors, HTTP), with room. */
  static final int SERVE_DESCRIPTORS = 300;

  private final FleetSettings settings;
  private final PrintStream out;
  private final Path work;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
  private final List<String> problems = new ArrayList<>();

  FleetBench(FleetSettings settings, PrintStream out) throws IOException {
    this.settings = settings;
    this.out = out;
    this.work =
        settings.work() != null
            ? Files.createDirectories(settings.work())
            : Files.createTempDirectory("pdu4j-fleet-");
  }

  /** Runs the benchmark; see the class comment. */
  public static void main(String[] args) throws Exception {
    FleetSettings settings;
    try {
      settings = FleetSettings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench/fleet: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(new FleetBench(settings, System.out).run().isEmpty() ? 0 : 1);
  }

  /**
   * Runs the benchmark with these command line options, printing to {@code out}; returns the
   * problems found, empty when every step ran with sane figures.
   *
   * @throws IllegalArgumentException for bad options
   */
  public static List<String> run(String[] args, PrintStream out) throws Exception {
    return new FleetBench(FleetSettings.parse(args), out).run();
  }

  /** Runs every step; returns the problems found (empty when the figures are sane). */
  List<String> run() throws Exception {
    FleetResults r = new FleetResults();
    r.started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    r.machine = Machine.describe();
    r.loadBefore = Machine.loadAverage();
    r.fileLimit = ProcessStats.openFileLimit();
    out.println("pdu4j fleet benchmark, " + r.started + ", " + r.machine);
    out.println("load average before: " + r.loadBefore + "; work directory " + work);
    if (!Files.isRegularFile(settings.cliJar())) {
      problems.add(
          "no CLI jar at " + settings.cliJar() + " (build it: ./mvnw -pl cli -am package)");
      out.println(problems.get(0));
      return problems;
    }
    if (!settings.devices().isEmpty()) {
      out.println("baseline: serve with 1 device");
      // the same scrapes and commands as every size: what they leave in serve (the API's and the
      // HTTP server's state, compiled paths' caches) is not a device's, and is subtracted
      r.baseline =
          fleet(1, Duration.ofSeconds(1), Duration.ofSeconds(1), settings.commands(), null);
      for (int n : settings.devices()) {
        out.printf(Locale.ROOT, "fleet of %,d devices%n", n);
        Fleet f =
            fleet(
                n,
                settings.warmup(),
                settings.window(),
                settings.commands(),
                n == settings.jfrAt() ? r : null);
        r.fleets.add(f);
        printFleet(f);
      }
    }
    if (!settings.enisticRates().isEmpty()) {
      ingest(r);
    }
    if (settings.roundTrips() > 0) {
      out.println("round trip: confirmed switch vs raw socket exchange");
      r.roundTrip = RoundTripBench.measure(settings.roundTrips());
      out.printf(
          Locale.ROOT,
          "  runtime p50 %.0f us p99 %.0f us; raw p50 %.0f us p99 %.0f us; median of the per-round"
              + " ratios %.2fx (bare loop %.2fx); %d rounds after %d of warm-up%n",
          r.roundTrip.runtimeP50(),
          r.roundTrip.runtimeP99(),
          r.roundTrip.rawP50(),
          r.roundTrip.rawP99(),
          r.roundTrip.medianRatio(),
          r.roundTrip.bareMedianRatio(),
          r.roundTrip.rounds(),
          r.roundTrip.warmupRounds());
      out.printf(
          Locale.ROOT,
          "  not in the table: switches chained on completion on the I/O thread (no blocked caller)"
              + " p50 %.0f us p99 %.0f us, %.2fx the raw socket at p50%n",
          r.roundTrip.chainedP50(),
          r.roundTrip.chainedP99(),
          r.roundTrip.chainedP50() / r.roundTrip.rawP50());
      out.printf(
          Locale.ROOT,
          "  in the table beside the runtime's: the same exchange on a bare Netty loop with a"
              + " blocked caller (the floor of a design whose I/O thread writes) p50 %.0f us p99"
              + " %.0f us, %.2fx the raw socket at p50, in the same rounds%n",
          r.roundTrip.bareLoopP50(),
          r.roundTrip.bareLoopP99(),
          r.roundTrip.bareLoopP50() / r.roundTrip.rawP50());
    }
    if (settings.cliRuns() > 0) {
      out.println("CLI start: pdu4j status, whole process");
      r.cliStart =
          CliStartBench.measure(
              settings.cliJar(), settings.cliRuns(), settings.cliVariants(), work);
      out.printf(
          Locale.ROOT,
          "  status %.2f s, C1 %.2f s, AppCDS+C1 %.2f s, bin/pdu4j of the tarball %.2f s, ./pdu4j"
              + " %.2f s (NaN: not asked for); java -version %.2f s%n",
          r.cliStart.status(),
          r.cliStart.statusC1(),
          r.cliStart.statusCds(),
          r.cliStart.launcher(),
          r.cliStart.repository(),
          r.cliStart.javaVersion());
    }
    r.loadAfter = Machine.loadAverage();
    String table = ResultsTable.render(r, settings);
    out.println();
    out.println(table);
    if (settings.docs() != null) {
      ResultsTable.writeInto(settings.docs(), table);
      out.println("written into " + settings.docs());
    }
    for (String p : problems) {
      out.println("PROBLEM " + p);
    }
    return problems;
  }

  // ---------------------------------------------------------------------------------------------
  // the fleet

  /**
   * The committed and the used heap, in bytes, from {@code jcmd GC.heap_info}: the sum over the
   * heap's generations (one for G1; young and old for the serial and parallel collectors, which a
   * {@code --serve-opts} may choose), or null when it names none.
   */
  static long[] heap(String heapInfo) {
    Matcher m = HEAP_INFO.matcher(heapInfo);
    long committed = 0;
    long used = 0;
    boolean found = false;
    while (m.find()) {
      committed += Long.parseLong(m.group(1)) * 1024;
      used += Long.parseLong(m.group(2)) * 1024;
      found = true;
    }
    return found ? new long[] {committed, used} : null;
  }

  private Fleet fleet(int n, Duration warmup, Duration window, int commands, FleetResults jfr)
      throws Exception {
    // serve holds a socket per device, plus its jar, selectors and HTTP servers; each load
    // generator (one for serve, one for the floor) a connection per unit and one listening socket;
    // the floor a connection per unit: serve needs the most of the four processes
    long needed = n + SERVE_DESCRIPTORS;
    long limit = ProcessStats.openFileLimit();
    if (limit >= 0 && limit < needed) {
      String why =
          String.format(
              Locale.ROOT,
              "skipped: serve needs about %,d file descriptors for %,d devices (a socket each, and"
                  + " its own), and the limit (ulimit -n) is %,d; raise it (ulimit -n %d, up to"
                  + " the hard limit ulimit -Hn) to measure this size",
              needed,
              n,
              limit,
              needed);
      out.println("  " + why);
      return Fleet.skipped(n, why);
    }
    Path dir = Files.createDirectories(work.resolve("fleet-" + n));
    Path serveUnits = dir.resolve("units-serve.txt");
    Path floorUnits = dir.resolve("units-floor.txt");
    // two generators of the same N units, one per reader, so that each process holds about N
    // descriptors rather than 2N; both are started before either is awaited
    try (Child generator = generator("generator-serve", n, serveUnits);
        Child floorGenerator = n > 1 ? generator("generator-floor", n, floorUnits) : null) {
      generator.await(l -> l.startsWith("READY"), Duration.ofSeconds(60 + n / 100));
      if (floorGenerator != null) {
        floorGenerator.await(l -> l.startsWith("READY"), Duration.ofSeconds(60 + n / 100));
      }
      List<String> unitList = Files.readAllLines(serveUnits);
      Path config = dir.resolve("devices.yaml");
      Files.writeString(config, fleetConfig(unitList), StandardCharsets.UTF_8);
      Path log = dir.resolve("serve.log");
      Instant started = Instant.now();
      Process serve = startServe(config, log, dir, jfr != null);
      try (Child floor =
          n > 1
              ? Child.java(
                  "floor",
                  List.of("-Xmx512m", "-XX:+UseSerialGC"),
                  FloorReader.class.getName(),
                  List.of(floorUnits.toString()))
              : null) {
        int port = awaitLog(log, METRICS_AT, serve, Duration.ofSeconds(60));
        double connect;
        try {
          connect = awaitAllConnected(port, n, started, serve, log);
        } catch (NotConnected e) {
          String text = Files.readString(log, StandardCharsets.UTF_8);
          String why =
              String.format(
                  Locale.ROOT,
                  "not measured: %s (%d connect and %d ready timeouts in serve's log)%s",
                  e.getMessage(),
                  count(text, "open failed", "connect timed out"),
                  count(text, "open failed", "not ready within"),
                  generator.alive() ? "" : "; serve's load generator ended: " + generator.last(""));
          problems.add(n + " devices: " + why);
          out.println("  " + why);
          return Fleet.skipped(n, why);
        }
        if (floor != null) {
          floor.await(l -> l.startsWith("CONNECTED"), Duration.ofSeconds(60 + n / 50));
        }
        sleep(warmup);
        awaitQuietCompiler(serve.pid());
        long blocksBefore = floor != null ? floorBlocks(floor) : 0;
        long blocksBeforeAt = System.nanoTime();
        // a scrape of a large fleet takes seconds: its counters are dated at its middle
        long scrapeStart = System.nanoTime();
        double readingsBefore =
            sumMetric(get(port, "/metrics").body(), "pdu_readings_received_total");
        long readingsBeforeAt = scrapeStart + (System.nanoTime() - scrapeStart) / 2;
        String generatorBefore = generator.next("STATS", Duration.ofSeconds(5));
        String floorGeneratorBefore =
            floorGenerator != null ? floorGenerator.next("STATS", Duration.ofSeconds(5)) : null;
        if (jfr != null) {
          jcmd(
              serve.pid(),
              "JFR.start",
              "name=fleet",
              "settings=profile",
              // a Java sample every 1 ms instead of 10: the I/O thread is mostly in epoll_wait,
              // which the Java sampler skips, so 10 ms left a few dozen samples in a window
              "method-profiling=max",
              "filename=" + dir.resolve("serve.jfr"));
        }
        ProcessStats.CpuTime serve0 = ProcessStats.cpu(serve.pid());
        ProcessStats.CpuTime floor0 = floor != null ? ProcessStats.cpu(floor.pid()) : null;
        ProcessStats.CpuTime gen0 = ProcessStats.cpu(generator.pid());
        ProcessStats.CpuTime floorGen0 =
            floorGenerator != null ? ProcessStats.cpu(floorGenerator.pid()) : null;
        // a line to start a profiler of one's own on (perf, async-profiler) over the window
        out.printf(Locale.ROOT, "  window of %d s starts%n", window.toSeconds());
        out.flush();
        long t0 = System.nanoTime();
        sleep(window);
        double seconds = (System.nanoTime() - t0) / 1e9;
        ProcessStats.CpuTime serve1 = ProcessStats.cpu(serve.pid());
        ProcessStats.CpuTime floor1 = floor != null ? ProcessStats.cpu(floor.pid()) : null;
        double serveCpu = serve1.secondsSince(serve0) / seconds;
        double floorCpu = floor != null ? floor1.secondsSince(floor0) / seconds : 0;
        // where serve's CPU goes beside the floor's: the kernel's share (system calls, the
        // network stack) against its own code's; from ticks, so a rough split
        out.printf(
            Locale.ROOT,
            "  in the kernel: %.0f%% of serve's CPU, %.0f%% of the floor's%n",
            100 * serve1.systemShareSince(serve0),
            floor != null ? 100 * floor1.systemShareSince(floor0) : Double.NaN);
        StringBuilder byThread = new StringBuilder();
        for (Map.Entry<String, Double> t : serve1.byThreadSince(serve0)) {
          if (t.getValue() / seconds >= 0.001) {
            byThread.append(byThread.isEmpty() ? "" : ", ");
            byThread.append(
                String.format(Locale.ROOT, "%s %.3f", t.getKey(), t.getValue() / seconds));
          }
        }
        out.println("  serve's CPU by thread (cores): " + byThread);
        double genCpu =
            (ProcessStats.cpu(generator.pid()).secondsSince(gen0)
                    + (floorGenerator != null
                        ? ProcessStats.cpu(floorGenerator.pid()).secondsSince(floorGen0)
                        : 0))
                / seconds;
        long blocks = floor != null ? floorBlocks(floor) - blocksBefore : 0;
        double blocksPerSecond = blocks / ((System.nanoTime() - blocksBeforeAt) / 1e9);
        String generatorAfter = generator.next("STATS", Duration.ofSeconds(5));
        String floorGeneratorAfter =
            floorGenerator != null ? floorGenerator.next("STATS", Duration.ofSeconds(5)) : null;
        // descriptors in use, every process at its fullest: each device's connection is open
        int serveFiles = ProcessStats.openFiles(serve.pid());
        int generatorFiles =
            Math.max(
                ProcessStats.openFiles(generator.pid()),
                floorGenerator != null ? ProcessStats.openFiles(floorGenerator.pid()) : 0);
        int floorFiles = floor != null ? ProcessStats.openFiles(floor.pid()) : 0;
        if (jfr != null) {
          Path recording = dir.resolve("serve.jfr");
          jcmd(serve.pid(), "JFR.stop", "name=fleet");
          HotSpots.read(recording, jfr);
          jfr.hotSpotDevices = n;
        }
        // the first scrapes of a serve run code its JIT has not compiled yet (each size is a serve
        // of its own): timed, shown, and not counted, as the first commands are not
        double firstScrape = 0;
        for (int i = 0; i < SCRAPE_WARMUP; i++) {
          long s = System.nanoTime();
          int bytes = scrape(port, false).body().length;
          double took = (System.nanoTime() - s) / 1e9;
          if (i == 0) {
            firstScrape = took;
          }
          out.printf(
              Locale.ROOT, "  warm-up scrape (not counted): %,d bytes in %.3f s%n", bytes, took);
        }
        // scrapes: the first also gives the readings counted over the window
        long scrapeBytes = 0;
        double[] scrapes = new double[3];
        double readings = 0;
        for (int i = 0; i < scrapes.length; i++) {
          long s = System.nanoTime();
          byte[] m = scrape(port, false).body();
          long e = System.nanoTime();
          scrapes[i] = (e - s) / 1e9;
          scrapeBytes = m.length;
          if (i == 0) {
            readings =
                (sumMetric(new String(m, StandardCharsets.UTF_8), "pdu_readings_received_total")
                        - readingsBefore)
                    / ((s + (e - s) / 2 - readingsBeforeAt) / 1e9);
          }
        }
        Arrays.sort(scrapes);
        // as Prometheus scrapes: Accept-Encoding: gzip, inflated by the scraper
        long gzipBytes = 0;
        double[] gzipScrapes = new double[3];
        for (int i = 0; i < gzipScrapes.length; i++) {
          long s = System.nanoTime();
          HttpResponse<byte[]> r = scrape(port, true);
          if (!r.headers().firstValue("Content-Encoding").orElse("").equals("gzip")) {
            gzipBytes = -1; // a serve that does not compress: not measured
            break;
          }
          byte[] m = r.body();
          long inflated = inflatedLength(m);
          gzipScrapes[i] = (System.nanoTime() - s) / 1e9;
          gzipBytes = m.length;
          if (inflated < scrapeBytes / 2) {
            problems.add(
                n
                    + " devices: a gzip scrape inflated to "
                    + inflated
                    + " bytes, the text has "
                    + scrapeBytes);
          }
        }
        Arrays.sort(gzipScrapes);
        int apiPort = awaitLog(log, API_AT, serve, Duration.ofSeconds(10));
        double[] latencies;
        try (ApiConnection api = new ApiConnection(apiPort, Duration.ofSeconds(30))) {
          Random random = new Random(12);
          Map<String, Boolean> on = new HashMap<>();
          if (settings.commandWarmup() > 0 && commands > 0) {
            // the command path of serve (and of this client) is compiled only once used: the
            // first commands measure the JIT, not serve; they are timed, shown, and not counted
            double[] cold = commands(api, n, settings.commandWarmup(), random, on);
            double[] coldOk = Arrays.stream(cold).filter(l -> l >= 0).sorted().toArray();
            out.printf(
                Locale.ROOT,
                "  %d warm-up commands (not counted): p50 %.2f p99 %.2f max %.2f ms%n",
                cold.length,
                percentile(coldOk, 0.50),
                percentile(coldOk, 0.99),
                percentile(coldOk, 1.0));
          }
          latencies = commands(api, n, commands, random, on);
        }
        int confirmed = (int) Arrays.stream(latencies).filter(l -> l >= 0).count();
        double[] ok = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
        // the live set: full GCs, then the heap in use (one jcmd, one JVM start). Four: the
        // parallel collector (serve's) compacts all of the heap on a GC.run, but the serial one
        // (--serve-opts "-XX:+UseSerialGC") leaves dead objects in place in its old generation, as
        // fillers, up to 5% of its capacity (MarkSweepDeadRatio), rather than move the live ones
        // below them, except in every fourth full collection (MarkSweepAlwaysCompactCount);
        // after two, the figure at 1,000 devices held some 4 MB of them
        long[] heap =
            heap(jcmdAll(serve.pid(), dir, "GC.run", "GC.run", "GC.run", "GC.run", "GC.heap_info"));
        long used = 0;
        long committed = 0;
        if (heap != null) {
          committed = heap[0];
          used = heap[1];
        } else {
          problems.add(n + " devices: no heap figure from jcmd GC.heap_info");
        }
        // what that heap holds, kept in the work directory: class histograms of two sizes (or of
        // a size and the baseline) tell what a device costs and what is shared
        Files.writeString(
            dir.resolve("class-histogram.txt"),
            jcmd(serve.pid(), "GC.class_histogram"),
            StandardCharsets.UTF_8);
        long rss = ProcessStats.rssBytes(serve.pid());
        int threads = ProcessStats.threads(serve.pid());
        String text = Files.readString(log, StandardCharsets.UTF_8);
        int connectTimeouts = count(text, "open failed", "connect timed out");
        int readyTimeouts = count(text, "open failed", "not ready within");
        if (commands > 0 && confirmed < commands) {
          problems.add(
              n
                  + " devices: "
                  + (commands - confirmed)
                  + " of "
                  + commands
                  + " commands not confirmed");
        }
        if (serveCpu <= 0 || (floor != null && floorCpu <= 0)) {
          problems.add(n + " devices: no CPU measured");
        }
        long late = stat(generatorAfter, "late") - stat(generatorBefore, "late");
        long dropped = stat(generatorAfter, "dropped") - stat(generatorBefore, "dropped");
        if (floorGenerator != null) {
          late += stat(floorGeneratorAfter, "late") - stat(floorGeneratorBefore, "late");
          dropped += stat(floorGeneratorAfter, "dropped") - stat(floorGeneratorBefore, "dropped");
        }
        long refused = stat(generatorAfter, "refused");
        if (refused > 0) {
          problems.add(n + " devices: serve's load generator refused " + refused + " connections");
        }
        if (late + dropped > 0) {
          out.printf(
              Locale.ROOT,
              "  the load generators skipped %,d late and %,d unsent pushes in the window%n",
              late,
              dropped);
        }
        if (floor != null && blocks <= 0) {
          problems.add(n + " devices: the floor read no status block");
        }
        return new Fleet(
            n,
            null,
            serveCpu,
            floorCpu,
            genCpu,
            used,
            committed,
            rss,
            threads,
            connect,
            connectTimeouts,
            readyTimeouts,
            scrapeBytes,
            scrapes[1],
            firstScrape,
            gzipBytes,
            gzipScrapes[1],
            commands,
            confirmed,
            percentile(ok, 0.50),
            percentile(ok, 0.99),
            percentile(ok, 1.0),
            Math.round(blocksPerSecond),
            Math.round(readings),
            serveFiles,
            generatorFiles,
            floorFiles);
      } finally {
        Child.stop(serveStopping(serve));
      }
    }
  }

  /** A load generator of {@code n} units, one client each, writing their addresses to a file. */
  private static Child generator(String name, int n, Path units) throws IOException {
    return Child.java(
        name,
        List.of("-Xmx1g", "-XX:+UseSerialGC"),
        LoadGenerator.class.getName(),
        List.of(Integer.toString(n), units.toString(), "1"));
  }

  private void printFleet(Fleet f) {
    if (f.skipped() != null) {
      return;
    }
    out.printf(
        Locale.ROOT,
        "  ready after %.1f s (%d connect, %d ready timeouts); CPU serve %.3f floor %.3f generators"
            + " %.3f cores; serve read %,d reports/s, the floor %,d blocks/s%n",
        f.connectSeconds(),
        f.connectTimeouts(),
        f.readyTimeouts(),
        f.serveCpu(),
        f.floorCpu(),
        f.generatorCpu(),
        f.serveReadings(),
        f.floorBlocks());
    out.printf(
        Locale.ROOT,
        "  heap %,d KiB used of %,d KiB; RSS %,d KiB; %d threads; open files: serve %,d, a load"
            + " generator %,d, the floor %,d; /metrics %,d bytes in %.3f s, with gzip %,d bytes"
            + " in %.3f s; commands %d/%d confirmed, p50 %.2f p99 %.2f max %.2f ms%n",
        f.heapUsed() / 1024,
        f.heapCommitted() / 1024,
        f.rss() / 1024,
        f.threads(),
        f.serveFiles(),
        f.generatorFiles(),
        f.floorFiles(),
        f.scrapeBytes(),
        f.scrapeSeconds(),
        f.gzipBytes(),
        f.gzipSeconds(),
        f.confirmed(),
        f.commands(),
        f.p50(),
        f.p99(),
        f.max());
  }

  private String fleetConfig(List<String> units) {
    StringBuilder b = new StringBuilder("devices:\n");
    for (int i = 0; i < units.size(); i++) {
      b.append(String.format(Locale.ROOT, "  d%05d:%n", i))
          .append("    uri: \"isotek:tcp://")
          .append(units.get(i).trim())
          .append("\"\n");
    }
    return b.append(serverSections()).toString();
  }

  private String serverSections() {
    String runtime =
        settings.serveRuntime().isEmpty() ? "" : "runtime: { " + settings.serveRuntime() + " }\n";
    return runtime
        + """
        metrics:
          prometheus:
            port: 0
        api:
          port: 0
          auth:
            tokens:
              bench: { token: "env:%s", role: operator }
        """
            .formatted(TOKEN_VARIABLE);
  }

  /**
   * Starts serve as its launchers do: through the tarball's {@code bin/pdu4j} of the source tree
   * ({@code cli/src/dist/bin/pdu4j} beside {@code cli/target/pdu4j.jar}, which the repository's
   * {@code ./pdu4j} runs too), so that serve runs with their JVM options (the parallel collector
   * unless {@code --serve-opts} names another); the benchmark's own options go in {@code
   * PDU4J_JAVA_OPTS}. The launcher ends in {@code exec}: the process is serve's JVM.
   */
  private Process startServe(Path config, Path log, Path dir, boolean profiled) throws IOException {
    Path jar = settings.cliJar().toAbsolutePath();
    Path launcher = jar.getParent().getParent().resolve("src/dist/bin/pdu4j");
    if (!Files.isExecutable(launcher)) {
      throw new IOException(
          "no launcher at " + launcher + " (serve starts through cli/src/dist/bin/pdu4j)");
    }
    List<String> options = new ArrayList<>();
    if (profiled) {
      // without debug information between safepoints JFR credits a compiled method's samples to
      // the nearest inlined call with some (a constructor, a copy), not to the code that ran
      options.add("-XX:+UnlockDiagnosticVMOptions");
      options.add("-XX:+DebugNonSafepoints");
    }
    options.addAll(settings.serveOptions());
    // the supervisor's DEBUG line for each failed open is how connect and ready timeouts are
    // counted
    options.add("-Dorg.slf4j.simpleLogger.log.io.pdu4j.runtime.internal.Supervisor=debug");
    List<String> cmd = List.of(launcher.toString(), "serve", "--config", config.toString());
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put(TOKEN_VARIABLE, token);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("PDU4J_JAR", jar.toString());
    pb.environment().put("PDU4J_JAVA_OPTS", String.join(" ", options));
    return pb.start();
  }

  private static Process serveStopping(Process serve) {
    serve.destroy(); // serve closes its devices on SIGTERM
    return serve;
  }

  private int awaitLog(Path log, Pattern p, Process serve, Duration max) throws Exception {
    long end = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < end) {
      if (Files.exists(log)) {
        Matcher m = p.matcher(Files.readString(log, StandardCharsets.UTF_8));
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      if (!serve.isAlive()) {
        throw new IllegalStateException("serve ended: " + tail(log));
      }
      Thread.sleep(100); // polling a log file
    }
    throw new IllegalStateException(
        "serve did not log '" + p + "' within " + max + ": " + tail(log));
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no log)";
    }
    String t = Files.readString(log, StandardCharsets.UTF_8);
    return t.substring(Math.max(0, t.length() - 2000));
  }

  /**
   * Seconds from {@code started} (serve's start, {@link Instant}) until every one of the {@code n}
   * devices is CONNECTED: read from serve's log, where serve writes each device's state as it
   * changes ({@code <timestamp> <device>: <STATE> ...}), the time being that of the line that made
   * the last device CONNECTED; then confirmed by {@code /health}. The log is read rather than
   * {@code /health} polled: a {@code /health} of 10,000 devices is a JSON document of about a
   * megabyte, and asking for it four times a second while the fleet connects was a load on serve
   * that a deployment does not have.
   */
  private double awaitAllConnected(int port, int n, Instant started, Process serve, Path log)
      throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(120 + n / 50).toNanos();
    long nextReport = System.nanoTime() + 10_000_000_000L;
    Map<String, Boolean> connected = new HashMap<>();
    int count = 0;
    Instant last = null;
    long offset = 0; // the log read so far, up to the end of its last whole line
    while (System.nanoTime() < end) {
      if (!serve.isAlive()) {
        throw new IllegalStateException("serve ended: " + tail(log));
      }
      byte[] bytes;
      try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(log.toFile(), "r")) {
        bytes = new byte[(int) Math.max(0, Math.min(f.length() - offset, 16 << 20))];
        f.seek(offset);
        f.readFully(bytes);
      }
      // whole lines only, decoded at once: a line being written is read whole the next time
      int whole = bytes.length;
      while (whole > 0 && bytes[whole - 1] != '\n') {
        whole--;
      }
      offset += whole;
      for (String line : new String(bytes, 0, whole, StandardCharsets.UTF_8).split("\n")) {
        Matcher m = STATE_LINE.matcher(line);
        if (m.matches()) {
          boolean now = m.group(3).equals("CONNECTED");
          Boolean before = connected.put(m.group(2), now);
          if (now != Boolean.TRUE.equals(before)) {
            count += now ? 1 : -1;
            if (now && count >= n) {
              last = Instant.parse(m.group(1));
            }
          }
        }
      }
      if (count >= n && last != null && healthConnected(port) >= n) {
        return Duration.between(started, last).toNanos() / 1e9;
      }
      if (System.nanoTime() > nextReport) {
        nextReport += 10_000_000_000L;
        out.printf(Locale.ROOT, "  %,d of %,d CONNECTED%n", count, n);
      }
      Thread.sleep(100);
    }
    throw new NotConnected(
        "only " + count + " of " + n + " devices were CONNECTED after " + (120 + n / 50) + " s");
  }

  /** How many devices {@code /health} says are CONNECTED. */
  private int healthConnected(int port) throws Exception {
    Matcher m = CONNECTED_IN_HEALTH.matcher(get(port, "/health").body());
    int seen = 0;
    while (m.find()) {
      seen++;
    }
    return seen;
  }

  /** Not every device became ready in the time allowed. */
  private static final class NotConnected extends Exception {
    private static final long serialVersionUID = 1L;

    NotConnected(String message) {
      super(message);
    }
  }

  /**
   * Sends {@code count} switches one after the other on one kept-alive connection, to random
   * outlets of random devices, each to the state the outlet is not in ({@code on} holds what was
   * switched so far); returns each latency in ms, -1 for one not confirmed.
   */
  private double[] commands(
      ApiConnection api, int n, int count, Random random, Map<String, Boolean> on)
      throws IOException {
    double[] latencies = new double[count];
    for (int i = 0; i < count; i++) {
      String device = String.format(Locale.ROOT, "d%05d", random.nextInt(n));
      int outlet = 1 + random.nextInt(16);
      String key = device + "/" + outlet;
      boolean target = !on.getOrDefault(key, true); // the units start with every outlet on
      String path = "/api/v1/devices/" + device + "/outlets/" + outlet + (target ? "/on" : "/off");
      long s = System.nanoTime();
      ApiConnection.Response res = api.post(path, token);
      double ms = (System.nanoTime() - s) / 1e6;
      Matcher m = STATE.matcher(res.body());
      if (res.status() == 200 && m.find() && m.group(1).equals(target ? "ON" : "OFF")) {
        latencies[i] = ms;
        on.put(key, target);
      } else {
        latencies[i] = -1;
        if (problems.size() < 20) {
          problems.add(
              "command "
                  + key
                  + (target ? " on" : " off")
                  + ": HTTP "
                  + res.status()
                  + " "
                  + res.body());
        }
      }
    }
    return latencies;
  }

  /** The number after {@code name} in a {@code STATS} line. */
  private static long stat(String line, String name) {
    String[] f = line.split(" ");
    for (int i = 0; i + 1 < f.length; i++) {
      if (f[i].equals(name)) {
        return Long.parseLong(f[i + 1]);
      }
    }
    throw new IllegalStateException("no " + name + " in '" + line + "'");
  }

  private static long floorBlocks(Child floor) throws InterruptedException {
    String[] f = floor.next("STATS", Duration.ofSeconds(5)).split(" ");
    return Long.parseLong(f[4]);
  }

  // ---------------------------------------------------------------------------------------------
  // Enistic ingest

  private void ingest(FleetResults r) throws Exception {
    Path dir = Files.createDirectories(work.resolve("enistic"));
    int servePort = FreePorts.udp();
    int floorPort = FreePorts.udp();
    int commandPort = FreePorts.udp();
    Path config = dir.resolve("devices.yaml");
    Files.writeString(
        config,
        "devices:\n  ingest:\n    uri: \"enistic:udp://127.0.0.1:"
            + servePort
            + "/"
            + CONTROLLER
            + "?send=127.0.0.1:"
            + commandPort
            + "\"\n"
            + serverSections(),
        StandardCharsets.UTF_8);
    Path log = dir.resolve("serve.log");
    Process serve = startServe(config, log, dir, false);
    try (Child floor =
        Child.java(
            "datagram-floor",
            List.of("-Xmx256m", "-XX:+UseSerialGC"),
            DatagramFloor.class.getName(),
            List.of(Integer.toString(floorPort)))) {
      int port = awaitLog(log, METRICS_AT, serve, Duration.ofSeconds(60));
      awaitAllConnected(port, 1, Instant.now(), serve, log);
      floor.await(l -> l.startsWith("BOUND"), Duration.ofSeconds(30));
      // a first step warms serve's code paths up, so that the JIT compiles them before rather than
      // during the first measured step: 100,000 readings (at most 10 s) at the first rate, up to
      // 20,000/s; not reported
      List<Integer> steps = new ArrayList<>();
      steps.add(-Math.min(20_000, settings.enisticRates().get(0)));
      steps.addAll(settings.enisticRates());
      for (int rate : steps) {
        boolean warmup = rate < 0;
        int perSecond = Math.abs(rate);
        double seconds =
            warmup
                ? Math.min(10, 100_000.0 / perSecond)
                : settings.enisticDuration().toMillis() / 1000.0;
        double received0 =
            sumMetric(
                get(port, "/metrics").body(), "pdu_readings_received_total{device=\"ingest\"");
        long floor0 = datagramLines(floor);
        ProcessStats.CpuTime serveCpu0 = ProcessStats.cpu(serve.pid());
        ProcessStats.CpuTime floorCpu0 = ProcessStats.cpu(floor.pid());
        long sent;
        try (Child blaster =
            Child.java(
                "enistic-sender",
                List.of("-Xmx256m", "-XX:+UseSerialGC"),
                EnisticBlaster.class.getName(),
                List.of(
                    CONTROLLER,
                    Integer.toString(perSecond),
                    Double.toString(seconds),
                    Integer.toString(servePort),
                    Integer.toString(floorPort)))) {
          String done =
              blaster.await(l -> l.startsWith("SENT"), Duration.ofSeconds((long) seconds + 60));
          sent = Long.parseLong(done.substring(5).trim());
        }
        sleep(Duration.ofMillis(1500)); // what is queued is still read
        double serveCpu = ProcessStats.cpu(serve.pid()).secondsSince(serveCpu0);
        double floorCpu = ProcessStats.cpu(floor.pid()).secondsSince(floorCpu0);
        long received =
            Math.round(
                sumMetric(
                        get(port, "/metrics").body(),
                        "pdu_readings_received_total{device=\"ingest\"")
                    - received0);
        long floorReceived = datagramLines(floor) - floor0;
        if (warmup) {
          // what serve spends with no reading arriving, for as long as a step measures: part of
          // every step's CPU, and the larger share at the lower rates
          ProcessStats.CpuTime idle0 = ProcessStats.cpu(serve.pid());
          long idleFrom = System.nanoTime();
          sleep(Duration.ofSeconds(3));
          double idleCores =
              ProcessStats.cpu(serve.pid()).secondsSince(idle0)
                  / ((System.nanoTime() - idleFrom) / 1e9);
          out.printf(
              Locale.ROOT,
              "  serve idle %.4f cores (%.2f CPU s in a step's %.1f s); warm-up %,d readings%n",
              idleCores,
              idleCores * (settings.enisticDuration().toMillis() / 1000.0 + 1.5),
              settings.enisticDuration().toMillis() / 1000.0 + 1.5,
              received);
          continue;
        }
        Ingest step = new Ingest(perSecond, sent, received, serveCpu, floorReceived, floorCpu);
        r.ingest.add(step);
        out.printf(
            Locale.ROOT,
            "  %,d/s: sent %,d; serve counted %,d (%.2f%% lost) in %.2f CPU s = %,.0f per core-second;"
                + " raw reader %,d (%.2f%% lost) in %.2f CPU s%n",
            perSecond,
            sent,
            received,
            lossPercent(sent, received),
            serveCpu,
            received / Math.max(1e-9, serveCpu),
            floorReceived,
            lossPercent(sent, floorReceived),
            floorCpu);
        if (received <= 0 || serveCpu <= 0) {
          problems.add("Enistic at " + perSecond + "/s: serve counted no reading or used no CPU");
        }
      }
    } finally {
      Child.stop(serveStopping(serve));
    }
  }

  static double lossPercent(long sent, long received) {
    return sent == 0 ? 0 : 100.0 * Math.max(0, sent - received) / sent;
  }

  private static long datagramLines(Child floor) throws InterruptedException {
    String[] f = floor.next("STATS", Duration.ofSeconds(5)).split(" ");
    return Long.parseLong(f[4]);
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  private HttpResponse<String> get(int port, String path) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(120))
            .GET()
            .build();
    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 200 && !path.startsWith("/health")) {
      throw new IllegalStateException("GET " + path + ": HTTP " + res.statusCode());
    }
    return res;
  }

  /**
   * Scrapes of {@code /metrics} at each size before the three measured: serve's first scrape took
   * 1.0 to 1.2 s at 10,000 devices where the fourth took 0.47 to 0.65 s (2026-12-05, 22:30).
   */
  static final int SCRAPE_WARMUP = 2;

  /**
   * One /metrics, its body as sent: plain, or, when {@code gzip}, asking for gzip as Prometheus
   * does (an older serve answers plain text; its Content-Encoding tells).
   */
  private HttpResponse<byte[]> scrape(int port, boolean gzip) throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(120))
            .GET();
    if (gzip) {
      req.header("Accept-Encoding", "gzip");
    }
    HttpResponse<byte[]> res = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (res.statusCode() != 200) {
      throw new IllegalStateException("GET /metrics: HTTP " + res.statusCode());
    }
    String encoding = res.headers().firstValue("Content-Encoding").orElse("");
    if (!gzip && !encoding.isEmpty()) {
      throw new IllegalStateException("GET /metrics: Content-Encoding '" + encoding + "'");
    }
    return res;
  }

  /** The length of a gzip body, inflated (and checked: its trailer's CRC and size). */
  private static long inflatedLength(byte[] gzip) throws IOException {
    long n = 0;
    byte[] b = new byte[64 * 1024];
    try (java.io.InputStream in =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip), b.length)) {
      for (int r = in.read(b); r >= 0; r = in.read(b)) {
        n += r;
      }
    }
    return n;
  }

  /** The sum of every sample whose line starts with {@code prefix} (a name, or a name and tags). */
  static double sumMetric(String exposition, String prefix) {
    double sum = 0;
    for (String line : exposition.split("\n")) {
      if (line.startsWith(prefix)
          && (line.charAt(prefix.length()) == '{'
              || line.charAt(prefix.length()) == ' '
              || prefix.endsWith("\""))) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static int count(String log, String a, String b) {
    int n = 0;
    for (String line : log.split("\n")) {
      if (line.contains(a) && line.contains(b)) {
        n++;
      }
    }
    return n;
  }

  private static String jcmd(long pid, String... command) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Child.javaBin("jcmd"));
    cmd.add(Long.toString(pid));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + text);
    }
    return text;
  }

  /** Runs several diagnostic commands in one jcmd (one JVM start), from a file of them. */
  private static String jcmdAll(long pid, Path dir, String... commands) throws Exception {
    Path file = dir.resolve("jcmd.txt");
    Files.writeString(file, String.join("\n", commands) + "\n", StandardCharsets.US_ASCII);
    return jcmd(pid, "-f", file.toString());
  }

  static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** A compiler at or above this many cores over a sample is still compiling. */
  static final double COMPILER_QUIET_CORES = 0.002;

  /** How long one sample of the compiler threads lasts. */
  private static final Duration COMPILER_SAMPLE = Duration.ofSeconds(2);

  /** The longest wait for the compiler, after the warm-up. */
  static final Duration COMPILER_WAIT = Duration.ofSeconds(60);

  /**
   * Waits, after the warm-up, until serve's JIT compiler threads used less than {@value
   * #COMPILER_QUIET_CORES} cores over a {@link #COMPILER_SAMPLE}, at most {@link #COMPILER_WAIT}:
   * the window measures serve's steady state, not its compiling (a small fleet's code reaches the
   * compiler's thresholds later: at 1,000 devices C2 used as much as 0.01 core, a third of serve,
   * 60 s after the start in one run and 0.002 in another). Prints how long it waited when it did.
   */
  private void awaitQuietCompiler(long pid) throws InterruptedException {
    long start = System.nanoTime();
    for (int samples = 1; ; samples++) {
      ProcessStats.CpuTime before = ProcessStats.cpu(pid);
      sleep(COMPILER_SAMPLE);
      double cores = compilerSeconds(ProcessStats.cpu(pid), before) / COMPILER_SAMPLE.toSeconds();
      double waited = (System.nanoTime() - start) / 1e9;
      boolean quiet = cores < COMPILER_QUIET_CORES;
      if (quiet || waited >= COMPILER_WAIT.toSeconds()) {
        if (samples > 1 || !quiet) {
          out.printf(
              Locale.ROOT,
              "  serve's JIT compiler %s after %.0f s more (%.3f cores over the last %d s)%n",
              quiet ? "quiet" : "still busy; measured anyway",
              waited,
              cores,
              COMPILER_SAMPLE.toSeconds());
        }
        return;
      }
    }
  }

  /** CPU seconds serve's JIT compiler threads used between two readings. */
  static double compilerSeconds(ProcessStats.CpuTime now, ProcessStats.CpuTime earlier) {
    double sum = 0;
    for (Map.Entry<String, Double> t : now.byThreadSince(earlier)) {
      // HotSpot's "C1 CompilerThread0" and "C2 CompilerThread0", cut to 15 characters by comm
      if (t.getKey().startsWith("C1 CompilerThre") || t.getKey().startsWith("C2 CompilerThre")) {
        sum += t.getValue();
      }
    }
    return sum;
  }

  private static void sleep(Duration d) throws InterruptedException {
    // a measuring window: the time itself is what is wanted
    Thread.sleep(d.toMillis());
  }
}
