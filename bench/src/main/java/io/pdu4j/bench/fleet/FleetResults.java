package io.pdu4j.bench.fleet;

import java.util.ArrayList;
import java.util.List;

/** What one run of {@link FleetBench} measured; the table is made from it. */
final class FleetResults {

  /**
   * One fleet size, or why it was skipped.
   *
   * @param devices N
   * @param skipped why this size was not measured, or null
   * @param serveCpu cores serve used over the window
   * @param floorCpu cores the bare reader used over the same window
   * @param generatorCpu cores the two load generators (serve's and the floor's) used together over
   *     the window
   * @param heapUsed serve's heap in use after a full GC, bytes
   * @param heapCommitted serve's committed heap then, bytes
   * @param rss serve's resident set then, bytes
   * @param threads serve's threads
   * @param connectSeconds from serve's start until /health said every device CONNECTED
   * @param connectTimeouts opens that failed with a connect timeout (serve's log)
   * @param readyTimeouts opens that failed with a ready timeout (serve's log)
   * @param scrapeBytes size of one /metrics
   * @param scrapeSeconds the median time of a /metrics scrape, from the request to the last byte,
   *     after {@link FleetBench#SCRAPE_WARMUP} not counted
   * @param firstScrapeSeconds the time of the first of those, serve's first scrape
   * @param gzipBytes size of one /metrics on the wire when the scraper accepts gzip
   * @param gzipSeconds the median time of such a scrape, from the request to the last byte inflated
   * @param commands switches sent through the API
   * @param confirmed those answered 200 with the wanted state
   * @param p50 command latency, ms
   * @param p99 command latency, ms
   * @param max command latency, ms
   * @param floorBlocks status blocks per second the floor read, around the window
   * @param serveReadings status reports per second serve counted, around the window
   * @param serveFiles serve's open file descriptors after the window
   * @param generatorFiles the open file descriptors of the fuller load generator then
   * @param floorFiles the floor's open file descriptors then
   */
  record Fleet(
      int devices,
      String skipped,
      double serveCpu,
      double floorCpu,
      double generatorCpu,
      long heapUsed,
      long heapCommitted,
      long rss,
      int threads,
      double connectSeconds,
      int connectTimeouts,
      int readyTimeouts,
      long scrapeBytes,
      double scrapeSeconds,
      double firstScrapeSeconds,
      long gzipBytes,
      double gzipSeconds,
      int commands,
      int confirmed,
      double p50,
      double p99,
      double max,
      long floorBlocks,
      long serveReadings,
      int serveFiles,
      int generatorFiles,
      int floorFiles) {

    static Fleet skipped(int devices, String why) {
      return new Fleet(
          devices, why, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
  }

  /**
   * One Enistic rate step.
   *
   * @param rate readings per second sent
   * @param sent readings sent to each of serve and the floor
   * @param received readings serve counted ({@code pdu_readings_received_total})
   * @param serveCpuSeconds serve's CPU over the step
   * @param floorReceived readings the raw reader counted
   * @param floorCpuSeconds the raw reader's CPU over the step
   */
  record Ingest(
      int rate,
      long sent,
      long received,
      double serveCpuSeconds,
      long floorReceived,
      double floorCpuSeconds) {}

  /**
   * Round trip percentiles in microseconds: through the runtime and over a raw socket; chained on
   * completion; and through a bare Netty loop with a blocked caller, in the same rounds as the
   * runtime and the raw socket. Beside them the medians of the per-round ratios (the runtime's and
   * the bare loop's exchange over the raw socket's of the same round): what a stretch of other work
   * on the machine moves least, as it falls on the three exchanges of a round alike.
   */
  record RoundTrip(
      int rounds,
      int warmupRounds,
      double runtimeP50,
      double runtimeP99,
      double rawP50,
      double rawP99,
      double chainedP50,
      double chainedP99,
      double bareLoopP50,
      double bareLoopP99,
      double medianRatio,
      double bareMedianRatio) {}

  /**
   * Median whole-process times in seconds of {@code pdu4j status} and of {@code java -version}:
   * plain {@code java -jar}, with C1 alone, with an AppCDS archive and C1, through the tarball's
   * {@code bin/pdu4j} and through the repository's {@code ./pdu4j} (NaN: not measured).
   */
  record CliStart(
      int runs,
      double javaVersion,
      double status,
      double statusC1,
      double statusCds,
      double launcher,
      double repository) {}

  /** A JFR hot spot: a method and its share of serve's execution samples. */
  record HotSpot(String frame, double share) {}

  Fleet baseline;
  final List<Fleet> fleets = new ArrayList<>();
  final List<Ingest> ingest = new ArrayList<>();
  RoundTrip roundTrip;
  CliStart cliStart;
  final List<HotSpot> hotSpots = new ArrayList<>();
  int hotSpotSamples;
  int hotSpotDevices;
  String machine = "";
  String started = "";
  String loadBefore = "";
  String loadAfter = "";

  /** The open file limit of every process of the run ({@code ulimit -n}), -1 when unknown. */
  long fileLimit = -1;
}
