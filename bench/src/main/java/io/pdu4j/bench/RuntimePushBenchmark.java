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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
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
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RuntimePushBenchmark {
  private static final int PUSHES = 64;

  private PrometheusMeterRegistry registry;
  private PowerRuntime runtime;
  private volatile PushPathBenchmark.UnitLink link;
  private PowerDevice device;
  private final ByteBuffer[] pushes = new ByteBuffer[PUSHES];
  private int next;
  private long statuses;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    IsoTekUnit unit = IsoTekSimulator.builder().serialNumber("BENCH0001").buildUnit();
    PushPathBenchmark.pushes(unit, pushes);
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
            PushPathBenchmark.UnitLink l = new PushPathBenchmark.UnitLink(context.executor(), unit);
            link = l;
            return l;
          }
        };
    runtime =
        PowerRuntime.builder()
            .transport(transport)
            .meterRegistry(registry)
            .defaults(PushPathBenchmark.quietOptions())
            .build();
    device =
        runtime
            .openAsync(DeviceConfig.of("rack1", "isotek:benchunit://pdu1:501"))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    device.subscribe(
        e -> {
          if (e instanceof DeviceEvent.StatusReported s) {
            statuses += s.status().outlets().size();
          }
        });
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

  /** One push: 17 lines from bytes to the device's status, the runtime's listeners and one more. */
  @Benchmark
  public DeviceStatus push() {
    ByteBuffer bytes = pushes[next];
    next = (next + 1) % PUSHES;
    bytes.clear();
    link.listener.onData(bytes);
    return device.lastStatus().orElseThrow();
  }
}
