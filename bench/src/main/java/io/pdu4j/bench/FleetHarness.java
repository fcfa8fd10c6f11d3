package io.pdu4j.bench;

import io.pdu4j.api.OutletState;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens a fleet of simulated IsoTek PDUs through one runtime and reports what a fleet costs: the
 * time until every device is ready, heap and runtime threads per device, and the latency of
 * confirmed switches issued to all devices at once (p50, p90, p99, max).
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.pdu4j.bench.FleetHarness [devices]
 * [switches per device]} (defaults 50 and 20). The simulators run in the same JVM, so their threads
 * are counted apart from the runtime's ({@code pdu4j-} threads). Numbers vary with the machine:
 * compare runs on the same one.
 */
public final class FleetHarness {
  private static final Duration STEP = Duration.ofMinutes(2);

  private FleetHarness() {}

  /** Runs the harness; arguments: device count, switches per device. */
  public static void main(String[] args) throws Exception {
    int devices = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int switches = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    if (devices < 1 || switches < 1) {
      throw new IllegalArgumentException("devices and switches must be at least 1");
    }
    run(devices, switches, System.out);
  }

  static void run(int devices, int switches, PrintStream out) throws Exception {
    List<IsoTekSimulator> simulators = new ArrayList<>();
    try {
      for (int i = 0; i < devices; i++) {
        simulators.add(
            IsoTekSimulator.builder()
                .serialNumber(String.format(Locale.ROOT, "BENCH%05d", i))
                .build()
                .start());
      }
      long heapBefore = usedHeapAfterGc();
      int threadsBefore = pdu4jThreads();
      try (PowerRuntime runtime = PowerRuntime.builder().build()) {
        long start = System.nanoTime();
        List<CompletableFuture<PowerDevice>> opening = new ArrayList<>();
        for (IsoTekSimulator sim : simulators) {
          opening.add(
              runtime.openAsync("isotek:tcp://127.0.0.1:" + sim.port()).toCompletableFuture());
        }
        CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new))
            .get(STEP.toMillis(), TimeUnit.MILLISECONDS);
        long openNanos = System.nanoTime() - start;
        List<PowerDevice> fleet = opening.stream().map(CompletableFuture::join).toList();
        long heapPerDevice = (usedHeapAfterGc() - heapBefore) / devices;
        int runtimeThreads = pdu4jThreads() - threadsBefore;

        long[] latencies = new long[devices * switches];
        int n = 0;
        for (int round = 0; round < switches; round++) {
          OutletState target = round % 2 == 0 ? OutletState.OFF : OutletState.ON;
          List<CompletableFuture<Long>> inFlight = new ArrayList<>();
          for (PowerDevice d : fleet) {
            long issued = System.nanoTime();
            inFlight.add(
                d.outlet(1 + round % 16)
                    .switchTo(target)
                    .toCompletableFuture()
                    .thenApply(s -> System.nanoTime() - issued));
          }
          for (CompletableFuture<Long> f : inFlight) {
            latencies[n++] = f.get(STEP.toMillis(), TimeUnit.MILLISECONDS);
          }
        }
        Arrays.sort(latencies);
        out.printf(Locale.ROOT, "devices                 %d%n", devices);
        out.printf(Locale.ROOT, "all ready after         %d ms%n", openNanos / 1_000_000);
        out.printf(Locale.ROOT, "heap per device         %d KiB%n", heapPerDevice / 1024);
        out.printf(
            Locale.ROOT, "runtime threads         %d (for the whole fleet)%n", runtimeThreads);
        out.printf(
            Locale.ROOT,
            "confirmed switch (%d, all devices at once): p50 %s  p90 %s  p99 %s  max %s%n",
            latencies.length,
            millis(latencies, 0.50),
            millis(latencies, 0.90),
            millis(latencies, 0.99),
            millis(latencies, 1.0));
      }
    } finally {
      simulators.forEach(IsoTekSimulator::close);
    }
  }

  private static String millis(long[] sorted, double quantile) {
    int i = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
    return String.format(Locale.ROOT, "%.2f ms", sorted[Math.max(0, i)] / 1e6);
  }

  private static int pdu4jThreads() {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("pdu4j-"))
            .count();
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    // several rounds: one System.gc() is a hint, and the lowest reading is the live set
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
