package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.it.FaultRigs.Expect;
import io.pdu4j.it.FaultRigs.Fault;
import io.pdu4j.it.FaultRigs.Rig;
import io.pdu4j.it.FaultRigs.Row;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.metrics.PduMeter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault matrix: every driver and transport ({@link Row}) against every fault ({@link Fault}),
 * one cell per pair, all checked by the same code ({@link #cell}). A cell opens a device through
 * the runtime on a fresh simulator (behind a {@code TcpFaultProxy} where the link is TCP), injects
 * the fault while switching an outlet, clears it, and checks:
 *
 * <ul>
 *   <li><b>clear error or success</b>: each stage under the fault either succeeds or fails with one
 *       of the {@link PowerDeviceException} subtypes the fault allows on that row, and its message
 *       names what was sent;
 *   <li><b>no false success</b>: a switch that succeeded is confirmed by the simulator's own state;
 *   <li><b>no hang</b>: every stage completes within a bound, or the cell fails;
 *   <li><b>recovery</b>: once the fault is cleared the device is CONNECTED again (after going
 *       OFFLINE where the fault kills the link) and the next switch succeeds, confirmed;
 *   <li><b>no command completed twice</b>: every stage's completion callbacks are counted after the
 *       device is closed (exactly one each), and the runtime's {@code pdu.commands} timer has
 *       recorded exactly one outcome per command issued.
 * </ul>
 *
 * <p>A fault that cannot apply to a transport (a TCP reset over UDP) is skipped with the reason.
 * Run one row or cell alone with {@code -Dit.test='FaultMatrixIT#cell'} and a display name filter,
 * see {@code docs/reliability.md (Fault matrix)}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultMatrixIT {
  /** A stage that has not completed by then has hung: the cell fails. */
  private static final Duration HANG = Duration.ofSeconds(15);

  /** How long a device may take to notice a dead link, and to come back once the fault is gone. */
  private static final Duration COME_BACK = Duration.ofSeconds(15);

  private static final AtomicInteger CELLS = new AtomicInteger();

  /** A regular expression: only the cells whose "ROW x FAULT" name it matches run. */
  static final String ONLY = "matrix.only";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private PowerRuntime runtime;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @TempDir Path dir;

  @BeforeAll
  void startRuntime() {
    runtime = PowerRuntime.builder().meterRegistry(registry).build();
  }

  @AfterAll
  void stopRuntime() {
    if (runtime != null) {
      runtime.close();
    }
  }

  @AfterEach
  void closeCell() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    toClose.clear();
  }

  static Stream<Arguments> cells() {
    return Stream.of(Row.values())
        .flatMap(r -> Stream.of(Fault.values()).map(f -> Arguments.of(r, f)));
  }

  @ParameterizedTest(name = "{0} x {1}")
  @MethodSource("cells")
  void cell(Row row, Fault fault) throws Exception {
    String only = System.getProperty(ONLY, "");
    if (!only.isBlank() && !(row + " x " + fault).matches("(?i).*(" + only + ").*")) {
      Assumptions.abort("not selected by -D" + ONLY + "=" + only);
    }
    row.notApplicable(fault)
        .ifPresent(reason -> Assumptions.abort(row + " x " + fault + ": " + reason));
    row.assumeUsable();
    Rig rig = row.start(dir);
    toClose.add(rig);
    String name = (row + "-" + fault + "-" + CELLS.incrementAndGet()).toLowerCase(Locale.ROOT);
    PowerDevice device = runtime.open(DeviceConfig.of(name, rig.uri(fault)));
    toClose.add(device::close);
    Stages stages = new Stages();
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    device.subscribe(
        e -> {
          if (e instanceof DeviceEvent.Connection c) {
            states.add(c.current());
          }
        });
    rig.ready(device, stages::track);
    assertThat(device.connectionState()).isEqualTo(ConnectionState.CONNECTED);

    // under the fault: one switch of the first outlet per phase, each flipping it
    Outlet outlet = rig.outlet(device, 0);
    for (int phase = 0; phase < fault.phases(); phase++) {
      OutletState wanted = opposite(rig.deviceState(0));
      Runnable afterSend = rig.inject(fault, phase, device, stages::track);
      CompletionStage<OutletStatus> stage = stages.track(outlet.switchTo(wanted));
      afterSend.run();
      Expect expect = rig.expect(fault, phase);
      Outcome<OutletStatus> outcome = Outcome.of(stage, "phase " + phase + " of " + fault);
      checkOutcome(rig, outcome, expect, 0, wanted);
    }

    // the fault is gone: back to CONNECTED (after noticing the loss, where the link died)
    rig.clear(fault);
    if (rig.killsTheLink(fault)) {
      await().atMost(COME_BACK).until(() -> states.contains(ConnectionState.OFFLINE));
    }
    await().atMost(COME_BACK).until(() -> device.connectionState() == ConnectionState.CONNECTED);
    OutletState wanted = opposite(rig.deviceState(1));
    Outcome<OutletStatus> recovered =
        Outcome.of(
            stages.track(rig.outlet(device, 1).switchTo(wanted)), "the switch after " + fault);
    assertThat(recovered.failure)
        .as("the first switch once %s is cleared must succeed", fault)
        .isNull();
    assertThat(recovered.value.state()).isEqualTo(wanted);
    assertThat(rig.deviceState(1)).as("the simulator's own state").isEqualTo(wanted);

    // every stage completed exactly once, also counting what came after close (the runtime's
    // meters of a device go when it closes, so they are read before; the runtime's callback may
    // run just after the test's own)
    await().atMost(Duration.ofSeconds(5)).until(() -> commandsTimed(name) >= stages.count());
    assertThat(commandsTimed(name))
        .as("outcomes the runtime timed for %s", name)
        .isEqualTo(stages.count());
    device.close();
    assertThat(device.connectionState()).isEqualTo(ConnectionState.CLOSED);
    stages.assertEachCompletedOnce();
  }

  private static void checkOutcome(
      Rig rig, Outcome<OutletStatus> outcome, Expect expect, int which, OutletState wanted) {
    if (outcome.failure == null) {
      assertThat(expect.successAllowed())
          .as("%s succeeded with %s; allowed here only: %s", outcome.what, outcome.value, expect)
          .isTrue();
      assertThat(outcome.value.state()).isEqualTo(wanted);
      assertThat(rig.deviceState(which))
          .as("%s succeeded: the simulator must agree (no false success)", outcome.what)
          .isEqualTo(wanted);
      return;
    }
    Throwable t = outcome.failure;
    assertThat(expect.errors().stream().anyMatch(c -> c.isInstance(t)))
        .as("%s failed with %s; allowed: %s", outcome.what, t, expect)
        .isTrue();
    PowerDeviceException e = (PowerDeviceException) t;
    assertThat(e.sent())
        .as("%s: the error must say what was sent: %s", outcome.what, e.getMessage())
        .hasValueSatisfying(sent -> assertThat(sent).isNotBlank());
    assertThat(e.getMessage()).contains("sent " + PowerDeviceException.printable(e.sent().get()));
  }

  private double commandsTimed(String device) {
    return registry
        .find(PduMeter.COMMANDS.meterName())
        .tag(PduMeter.TAG_DEVICE, device)
        .timers()
        .stream()
        .mapToLong(Timer::count)
        .sum();
  }

  private static OutletState opposite(OutletState s) {
    return s == OutletState.ON ? OutletState.OFF : OutletState.ON;
  }

  /** A stage's result or failure, waited for with the hang bound. */
  private record Outcome<T>(String what, T value, Throwable failure) {
    static <T> Outcome<T> of(CompletionStage<T> stage, String what) throws Exception {
      try {
        return new Outcome<>(
            what, stage.toCompletableFuture().get(HANG.toMillis(), TimeUnit.MILLISECONDS), null);
      } catch (ExecutionException e) {
        return new Outcome<>(what, null, e.getCause());
      } catch (TimeoutException e) {
        throw new AssertionError(what + " hung: not completed within " + HANG, e);
      }
    }
  }

  /** Every stage a cell issued, with how often each completed. */
  static final class Stages {
    private final List<AtomicInteger> completions = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<?>> futures = new CopyOnWriteArrayList<>();

    <T> CompletionStage<T> track(CompletionStage<T> stage) {
      AtomicInteger n = new AtomicInteger();
      completions.add(n);
      stage.whenComplete((v, t) -> n.incrementAndGet());
      futures.add(stage.toCompletableFuture());
      return stage;
    }

    int count() {
      return completions.size();
    }

    void assertEachCompletedOnce() {
      for (CompletableFuture<?> f : futures) {
        assertThat(f).as("every stage completed, the last after close at the latest").isDone();
      }
      assertThat(completions)
          .as("completions per stage")
          .allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }
  }
}
