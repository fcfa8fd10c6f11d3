package io.pdu4j.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.runtime.history.PowerHistory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The heap a {@link PowerRecorder} keeps for a 16-outlet unit that reports power and voltage on
 * every outlet: measured as the live heap after a collection over many recorders filled for an
 * hour. It prints the figure (docs/benchmarks.md quotes it) and holds it below the bound that
 * {@link PowerHistory} documents for 16 outlets.
 */
class PowerRecorderFootprintTest {
  private static final int OUTLETS = 16;

  @Test
  void aSixteenOutletRecorderKeepsItsDocumentedSize() {
    // the default step, 1 min: 60 points; enough recorders (about 48 MB) that what other tests
    // left on the heap, collected or not, is small beside them
    assertThat(footprint(PowerHistory.DEFAULT_STEP, 4000)).isBetween(1_000L, 14_000L);
    // (2 + 2 x 16) compact series of 720 floats, the slots' steps and report counts
    assertThat(footprint(java.time.Duration.ofSeconds(5), 300)).isBetween(14_000L, 120_000L);
  }

  private static long footprint(java.time.Duration step, int count) {
    Instant t0 = Instant.ofEpochMilli(1_000_000_000_000L);
    List<OutletStatus> outlets = new ArrayList<>();
    for (int n = 1; n <= OUTLETS; n++) {
      outlets.add(
          new OutletStatus(
              n,
              "id" + n,
              "Outlet " + n,
              OutletState.ON,
              OptionalDouble.of(230 + n),
              OptionalDouble.of(10.5 * n),
              Set.of(OutletCapability.METERED)));
    }
    long before = usedAfterGc();
    List<PowerRecorder> recorders = new ArrayList<>(count);
    for (int r = 0; r < count; r++) {
      PowerRecorder recorder =
          new PowerRecorder(("rack" + r).intern(), Clock.fixed(t0, ZoneOffset.UTC), step);
      // a report every 5 s for an hour
      for (int report = 0; report < 720; report++) {
        recorder.record(DeviceStatus.of(t0.plusSeconds(5L * report), outlets));
      }
      recorders.add(recorder);
    }
    long perRecorder = (usedAfterGc() - before) / count;
    System.out.printf(
        "PowerRecorder, %d outlets with power and voltage, an hour recorded at %s: %d bytes%n",
        OUTLETS, io.pdu4j.api.Durations.format(step), perRecorder);
    assertThat(recorders.get(0).snapshot().outlets()).hasSize(OUTLETS);
    assertThat(recorders.get(0).snapshot().times()).hasSize(PowerHistory.points(step));
    return perRecorder;
  }

  private static long usedAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
