package io.pdu4j.bench;

import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.time.Duration;
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
 * A whole confirmed switch through the stack on loopback: the runtime, the IsoTek driver, the Netty
 * TCP link and the IsoTek simulator ({@code Sx=s}, its {@code OK}, the {@code ?} that confirms it
 * and the status block that does). Sampled, so the report has percentiles. The simulator answers at
 * once; what is measured is pdu4j's own overhead plus two loopback round trips.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SwitchRoundTripBenchmark {
  private IsoTekSimulator simulator;
  private PowerRuntime runtime;
  private PowerDevice device;
  private boolean on;

  @Setup(Level.Trial)
  public void setUp() {
    // pushes every minute only: they would otherwise confirm some switches early, at random
    simulator = IsoTekSimulator.builder().pushInterval(Duration.ofMinutes(1)).build().start();
    runtime = PowerRuntime.builder().build();
    device = runtime.open("isotek:tcp://127.0.0.1:" + simulator.port());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    runtime.close();
    simulator.close();
  }

  /** Switch outlet 1 to the other state and wait for the device's confirmation. */
  @Benchmark
  public OutletStatus confirmedSwitch() {
    on = !on;
    OutletStatus s =
        device
            .outlet(1)
            .switchTo(on ? OutletState.ON : OutletState.OFF)
            .toCompletableFuture()
            .join();
    if (s.state() != (on ? OutletState.ON : OutletState.OFF)) {
      throw new IllegalStateException("the device confirmed " + s.state());
    }
    return s;
  }

  /** Read the whole status ({@code ?}) and wait for it. */
  @Benchmark
  public Object refresh() {
    return device.refresh().toCompletableFuture().join();
  }
}
