package io.pdu4j.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.PrometheusScrape;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the metrics of a fleet cost, in one process and without sockets: N IsoTek devices (the real
 * driver, 16 outlets) on in-memory links under one runtime with a Micrometer {@link
 * PrometheusMeterRegistry}, as {@code pdu4j serve} has. Prints the live heap per device with and
 * without the registry (the difference is what metrics cost), the registry's meters per device, the
 * CPU of the runtime's I/O threads per status push, and the size and time of a {@code /metrics}
 * scrape in both formats.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.pdu4j.bench.MetricsScale [devices] [pushes
 * per device]} (defaults 1000 and 20). Sockets and the devices' own timing are left out on purpose:
 * {@code FleetHarness} and the fleet benchmark measure those.
 */
public final class MetricsScale {
  private static final int OUTLETS = 16;
  private static final int WAVE = 250;
  private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0";

  private MetricsScale() {}

  /** Runs the harness; arguments: device count, pushes per device. */
  public static void main(String[] args) throws Exception {
    int devices = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int pushes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    if (devices < 1 || pushes < 1) {
      throw new IllegalArgumentException("devices and pushes must be at least 1");
    }
    run(devices, pushes, System.out);
  }

  static void run(int devices, int pushes, PrintStream out) throws Exception {
    out.printf(
        Locale.ROOT, "devices                      %d (%d outlets each)%n", devices, OUTLETS);
    long bare = fleet(devices, pushes, null, out);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      long metered = fleet(devices, pushes, registry, out);
      out.printf(
          Locale.ROOT,
          "heap per device              %.1f KiB without a registry, %.1f KiB with one"
              + " (metrics: %.1f KiB)%n",
          bare / 1024.0,
          metered / 1024.0,
          (metered - bare) / 1024.0);
    } finally {
      registry.close();
    }
  }

  /** Opens the fleet, pushes, scrapes, closes; returns the live heap per device. */
  private static long fleet(
      int devices, int pushes, PrometheusMeterRegistry registry, PrintStream out) throws Exception {
    MemTransport transport = new MemTransport();
    long heapBefore = usedHeapAfterGc();
    PowerRuntime.Builder b = PowerRuntime.builder().transport(transport);
    if (registry != null) {
      b.meterRegistry(registry);
    }
    String label = registry == null ? "without registry" : "with registry";
    try (PowerRuntime runtime = b.build()) {
      List<CompletableFuture<PowerDevice>> opening = new ArrayList<>();
      long start = System.nanoTime();
      // in waves, so that the figures do not depend on how the runtime paces a fleet's opening
      for (int wave = 0; wave < devices; wave += WAVE) {
        List<CompletableFuture<PowerDevice>> batch = new ArrayList<>();
        for (int i = wave; i < Math.min(devices, wave + WAVE); i++) {
          batch.add(runtime.openAsync("isotek:benchmem://pdu" + i + ":501").toCompletableFuture());
        }
        CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        opening.addAll(batch);
      }
      long openMillis = (System.nanoTime() - start) / 1_000_000;
      List<PowerDevice> fleet = opening.stream().map(CompletableFuture::join).toList();
      AtomicLong statuses = new AtomicLong();
      fleet.forEach(
          d ->
              d.subscribe(
                  e -> {
                    if (e instanceof DeviceEvent.StatusReported) {
                      statuses.incrementAndGet();
                    }
                  }));
      long heapPerDevice = (usedHeapAfterGc() - heapBefore) / devices;
      out.printf(Locale.ROOT, "%-28s opened in %d ms%n", label, openMillis);
      if (registry != null) {
        out.printf(
            Locale.ROOT,
            "meters per device            %.1f%n",
            registry.getMeters().size() / (double) devices);
      }

      // pushes: every device reports a new status, round after round; CPU of the I/O threads
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpuBefore = ioThreadsCpu(threads);
      long wallStart = System.nanoTime();
      for (int round = 0; round < pushes; round++) {
        String block = statusBlock(round);
        long expected = (long) devices * (round + 1);
        for (MemLink link : transport.links) {
          link.deliver(block);
        }
        while (statuses.get() < expected) {
          Thread.onSpinWait();
        }
      }
      long wallNanos = System.nanoTime() - wallStart;
      long cpuNanos = ioThreadsCpu(threads) - cpuBefore;
      long total = (long) devices * pushes;
      out.printf(
          Locale.ROOT,
          "%-28s %d pushes: I/O threads %.1f us CPU per push (%.0f pushes/s)%n",
          label,
          total,
          cpuNanos / 1e3 / total,
          total / (wallNanos / 1e9));

      if (registry != null) {
        scrape(registry, null, false, out);
        scrape(registry, OPENMETRICS, false, out);
        scrape(registry, null, true, out);
        scrape(registry, OPENMETRICS, true, out);
        streamed(registry, false, out);
        streamed(registry, true, out);
      }
      return heapPerDevice;
    }
  }

  /**
   * Times a scrape: the registry's own ({@code registry.scrape}) or pdu4j serve's ({@link
   * PrometheusScrape}, the same text with the devices' series written from their state).
   */
  private static void scrape(
      PrometheusMeterRegistry registry, String accept, boolean direct, PrintStream out) {
    String type = accept == null ? "text/plain; version=0.0.4; charset=utf-8" : accept;
    java.util.function.Supplier<String> scrape =
        direct ? () -> PrometheusScrape.scrape(registry, type) : () -> registry.scrape(type);
    scrape.get(); // warm up
    int rounds = 3;
    long best = Long.MAX_VALUE;
    int size = 0;
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      String body = scrape.get();
      best = Math.min(best, System.nanoTime() - t0);
      size = body.getBytes(StandardCharsets.UTF_8).length;
    }
    out.printf(
        Locale.ROOT,
        "scrape %-21s %.1f MB in %d ms (best of %d)%n",
        (accept == null ? "(Prometheus text" : "(OpenMetrics") + (direct ? ", serve's)" : ")"),
        size / 1e6,
        best / 1_000_000,
        rounds);
  }

  /**
   * Times serve's streamed scrape ({@link PrometheusScrape#stream}, Prometheus text), read 32 KiB
   * at a time as the HTTP server reads it, and with {@code gzip}, compressed as the server does for
   * a scraper that accepts it (the fastest level): bytes out and time, best of 3.
   */
  private static void streamed(PrometheusMeterRegistry registry, boolean gzip, PrintStream out)
      throws java.io.IOException {
    String type = "text/plain; version=0.0.4; charset=utf-8";
    int rounds = 3;
    long best = Long.MAX_VALUE;
    long text = 0;
    long sent = 0;
    byte[] chunk = new byte[32 * 1024];
    for (int i = 0; i <= rounds; i++) { // the first warms up
      long t0 = System.nanoTime();
      Counting counting = new Counting();
      java.io.OutputStream sink =
          gzip
              ? new java.util.zip.GZIPOutputStream(counting, chunk.length) {
                {
                  def.setLevel(java.util.zip.Deflater.BEST_SPEED);
                }
              }
              : counting;
      long n = 0;
      try (java.io.InputStream in = PrometheusScrape.stream(registry, type, java.util.Set.of())) {
        for (int r = in.read(chunk); r >= 0; r = in.read(chunk)) {
          sink.write(chunk, 0, r);
          n += r;
        }
      }
      sink.close();
      if (i > 0) {
        best = Math.min(best, System.nanoTime() - t0);
      }
      text = n;
      sent = counting.count;
    }
    out.printf(
        Locale.ROOT,
        "scrape %-21s %.1f MB (%.1f MB of text) in %d ms (best of %d)%n",
        gzip ? "(streamed, gzip)" : "(streamed)",
        sent / 1e6,
        text / 1e6,
        best / 1_000_000,
        rounds);
  }

  /** Counts the bytes written to it and keeps none. */
  private static final class Counting extends java.io.OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  private static long ioThreadsCpu(ThreadMXBean threads) {
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("pdu4j-")) {
        long cpu = threads.getThreadCpuTime(t.getId());
        if (cpu > 0) {
          sum += cpu;
        }
      }
    }
    return sum;
  }

  /** A status push: values that change with the round, so every gauge moves. */
  static String statusBlock(int round) {
    StringBuilder s = new StringBuilder();
    s.append("CH0=1|231|").append(100 + round).append("|\n");
    for (int n = 1; n <= OUTLETS; n++) {
      int on = (n + round) % 2;
      s.append("CH")
          .append(n)
          .append('=')
          .append(on)
          .append('|')
          .append(229 + round % 3)
          .append('|')
          .append(on * (10 + n + round % 7))
          .append("|\n");
    }
    s.append("RTC=2026/12|04|20|30|15|\nOK\n>");
    return s.toString();
  }

  private static String configBlock() {
    StringBuilder s = new StringBuilder();
    for (int n = 1; n <= OUTLETS; n++) {
      s.append(String.format(Locale.ROOT, "C%d=Outlet%02d|1|0|%n", n, n));
    }
    return s.append("OK\n>").toString();
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }

  /** In-memory links that answer as an IsoTek unit: {@code ?}, {@code C?}, else {@code OK}. */
  private static final class MemTransport implements TransportProvider {
    final List<MemLink> links = new CopyOnWriteArrayList<>();

    @Override
    public String scheme() {
      return "benchmem";
    }

    @Override
    public String description() {
      return "in-memory IsoTek units for the metrics benchmark";
    }

    @Override
    public Set<String> optionNames() {
      return Set.of();
    }

    @Override
    public Link create(DeviceAddress address, TransportContext context) {
      MemLink link = new MemLink(address.toString(), context.executor());
      links.add(link);
      return link;
    }
  }

  private static final class MemLink extends BenchLink {
    private static final String CONFIG = configBlock();
    private static final String OK = "OK\n>";
    private final Set<String> unused = ConcurrentHashMap.newKeySet();

    MemLink(String describe, ScheduledExecutorService executor) {
      super(Kind.STREAM, describe, executor);
    }

    void deliver(String text) {
      executor()
          .execute(
              () -> {
                LinkListener l = listener;
                if (l != null && open) {
                  l.onData(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
                }
              });
    }

    @Override
    public CompletionStage<Void> send(ByteBuffer data) {
      if (!open) {
        return CompletableFuture.failedFuture(new LinkLostException("closed"));
      }
      String command = StandardCharsets.US_ASCII.decode(data).toString().trim();
      switch (command) {
        case "?" -> deliver(statusBlock(0));
        case "C?" -> deliver(CONFIG);
        default -> {
          unused.add(command);
          deliver(OK);
        }
      }
      return CompletableFuture.completedFuture(null);
    }
  }
}
