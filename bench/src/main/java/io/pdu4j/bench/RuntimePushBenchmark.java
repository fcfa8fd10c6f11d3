package io.pdu4j.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.sim.isotek.IsoTekUnit;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link PushPathBenchmark}'s push with everything {@code pdu4j serve} runs per status of a device
 * on top: the device is opened by name through a {@link PowerRuntime} with a Prometheus registry,
 * as serve opens its devices, so that each push also goes through the runtime's link wrappers and
 * its listeners: the device's metrics ({@code DeviceMetrics}) and its power history ({@code
 * PowerRecorder}). The difference between the two benchmarks is the runtime's share of a push;
 * {@code -prof gc} gives the bytes allocated per push.
 *
 * <p>{@code -p devices=1000} opens that many devices and pushes to each in turn, so that a push
 * finds its device's state (the driver's, the device's, the listeners') as far out of the caches as
 * a fleet's does: every device pushing once a second, an I/O loop reads a push of each in turn. Per
 * push as before; the default, one device, is the push with everything in the caches.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RuntimePushBenchmark {
  private static final int PUSHES = 64;

  /** How many devices the pushes go to, in turn. */
  @Param({"1"})
  public int devices;

  private PrometheusMeterRegistry registry;
  private PowerRuntime runtime;
  // by host: the link the runtime last made for the device at that address
  private final Map<String, PushPathBenchmark.UnitLink> links = new ConcurrentHashMap<>();
  private PushPathBenchmark.UnitLink[] byDevice;
  private PowerDevice[] fleet;
  private int device;
  private final ByteBuffer[] pushes = new ByteBuffer[PUSHES];
  private int next;
  private long statuses;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    IsoTekUnit unit = IsoTekSimulator.builder().serialNumber("BENCH0001").buildUnit();
    PushPathBenchmark.pushes(unit, pushes);
    if (devices < 1) {
      throw new IllegalArgumentException("devices must be at least 1");
    }
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TransportProvider transport =
        new TransportProvider() {
          @Override
          public String scheme() {
            return "benchunit";
          }

          @Override
          public String description() {
            return "one simulated IsoTek unit in memory";
          }

          @Override
          public Set<String> optionNames() {
            return Set.of();
          }

          @Override
          public Link create(DeviceAddress address, TransportContext context) {
            IsoTekUnit own =
                IsoTekSimulator.builder()
                    .serialNumber("BENCH" + address.host().orElseThrow())
                    .buildUnit();
            PushPathBenchmark.UnitLink l = new PushPathBenchmark.UnitLink(context.executor(), own);
            links.put(address.host().orElseThrow(), l);
            return l;
          }
        };
    runtime =
        PowerRuntime.builder()
            .transport(transport)
            .meterRegistry(registry)
            .defaults(PushPathBenchmark.quietOptions())
            .build();
    fleet = new PowerDevice[devices];
    byDevice = new PushPathBenchmark.UnitLink[devices];
    // in waves, as MetricsScale opens its fleet
    for (int wave = 0; wave < devices; wave += 250) {
      List<CompletableFuture<PowerDevice>> opening = new ArrayList<>();
      for (int i = wave; i < Math.min(devices, wave + 250); i++) {
        opening.add(
            runtime
                .openAsync(
                    DeviceConfig.of("rack" + (i + 1), "isotek:benchunit://pdu" + (i + 1) + ":501"))
                .toCompletableFuture());
      }
      for (int i = 0; i < opening.size(); i++) {
        fleet[wave + i] = opening.get(i).get(10, TimeUnit.MINUTES);
      }
    }
    for (int i = 0; i < devices; i++) {
      byDevice[i] = links.get("pdu" + (i + 1));
    }
    for (PowerDevice d : fleet) {
      d.subscribe(
          e -> {
            if (e instanceof DeviceEvent.StatusReported s) {
              statuses += s.status().outlets().size();
            }
          });
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (runtime.powerHistory("rack1").watts().count() == 0) {
      throw new IllegalStateException("no power history recorded");
    }
    runtime.close();
    registry.close();
    if (statuses == 0) {
      throw new IllegalStateException("no status reached the listener");
    }
  }

  /**
   * One push: 17 lines from bytes to the device's status, the runtime's listeners and one more; to
   * the next device in turn.
   */
  @Benchmark
  public DeviceStatus push() {
    ByteBuffer bytes = pushes[next];
    next = (next + 1) % PUSHES;
    int d = device;
    device = d + 1 == devices ? 0 : d + 1;
    bytes.clear();
    byDevice[d].listener.onData(bytes);
    return fleet[d].lastStatus().orElseThrow();
  }
}
