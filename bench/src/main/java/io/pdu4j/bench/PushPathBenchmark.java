package io.pdu4j.bench;

import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.driver.isotek.IsoTekDriver;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.sim.isotek.IsoTekUnit;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DriverContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
 * The whole IsoTek push path of one device, without the network: a 16-outlet unit's status push
 * (the simulator's own bytes, readings jittering from push to push as in the fleet benchmark), in
 * one chunk as a TCP read hands it over, through the driver's framing, parsing and status assembly
 * to pdu4j's device, its status events and a listener. The score is the time per push; {@code -prof
 * gc} gives the bytes allocated per push.
 *
 * <p>The device is opened on its own thread; the pushes are then fed from the benchmark's thread
 * with every timer of the device set far beyond the run (no poll, no stale watch firing), so that
 * nothing else runs on the device meanwhile.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PushPathBenchmark {
  private static final int PUSHES = 64;

  private ScheduledExecutorService executor;
  private UnitLink link;
  private PowerDevice device;
  // direct, as a TCP read hands them over (Netty's buffers are direct)
  private final ByteBuffer[] pushes = new ByteBuffer[PUSHES];
  private int next;
  private long statuses;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    IsoTekUnit unit = IsoTekSimulator.builder().serialNumber("BENCH0001").buildUnit();
    pushes(unit, pushes);
    executor = new ScheduledThreadPoolExecutor(1);
    link = new UnitLink(executor, unit);
    DriverContext context =
        new DriverContext(
            DeviceAddress.parse("isotek:tcp://127.0.0.1:501"),
            link,
            quietOptions(),
            Clock.systemUTC());
    device = new IsoTekDriver().open(context).toCompletableFuture().get(10, TimeUnit.SECONDS);
    // a listener like the runtime's: reads every status
    device.subscribe(
        e -> {
          if (e instanceof DeviceEvent.StatusReported s) {
            statuses += s.status().outlets().size();
          }
        });
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    device.close();
    executor.shutdownNow();
    if (statuses == 0) {
      throw new IllegalStateException("no status reached the listener");
    }
  }

  /** The unit's next pushes, in direct buffers as a TCP read hands them over. */
  static void pushes(IsoTekUnit unit, ByteBuffer[] into) {
    for (int i = 0; i < into.length; i++) {
      byte[] push = unit.push();
      into[i] = ByteBuffer.allocateDirect(push.length).put(push);
    }
  }

  /** Options under which nothing but the pushes runs on the device: no poll, no silence watch. */
  static DeviceOptions quietOptions() {
    Duration never = Duration.ofDays(1);
    return new DeviceOptions(
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        8,
        256,
        Optional.of(never), // no silence watch, and a poll that never comes
        never);
  }

  /** One push: 17 lines from bytes to the device's status and its listener. */
  @Benchmark
  public DeviceStatus push() {
    ByteBuffer bytes = pushes[next];
    next = (next + 1) % PUSHES;
    bytes.clear();
    link.listener.onData(bytes);
    return device.lastStatus().orElseThrow();
  }

  /** A stream link to the simulated unit: what the driver sends is answered on the executor. */
  static final class UnitLink extends BenchLink {
    private final IsoTekUnit unit;

    UnitLink(ScheduledExecutorService executor, IsoTekUnit unit) {
      super(Kind.STREAM, "bench", executor);
      this.unit = unit;
    }

    @Override
    public CompletionStage<Void> send(ByteBuffer data) {
      String text = StandardCharsets.ISO_8859_1.decode(data).toString();
      for (String line : text.split("\n")) {
        if (!line.isEmpty()) {
          byte[] answer = unit.answer(line);
          executor().execute(() -> listener.onData(ByteBuffer.wrap(answer)));
        }
      }
      return CompletableFuture.completedFuture(null);
    }
  }
}
