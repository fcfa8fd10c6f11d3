package io.pdu4j.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerReading;
import io.pdu4j.runtime.history.PowerHistory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The heap a {@link PowerRecorder} keeps for a 16-outlet unit that reports power and voltage on
 * every outlet: measured as the live heap after a collection over many recorders filled for an
 * hour. It prints the figures (docs/benchmarks.md quotes them) and holds them below the bounds that
 * {@link PowerHistory} documents for 16 outlets: outlets on one mains voltage, as an IsoTek unit
 * reports them (its outlets' voltage series are the device's, kept once), and outlets that each
 * report a voltage of their own. Also what recording a report allocates: nothing, once the outlets
 * are known (it runs for every status of every device).
 */
class PowerRecorderFootprintTest {
  private static final int OUTLETS = 16;

  @Test
  void aSixteenOutletRecorderKeepsItsDocumentedSize() {
    // fractional readings, a voltage on each outlet: (2 + 2 x 16) compact series of floats. At
    // the default step, 1 min: 60 points; enough recorders (about 48 MB) that what other tests
    // left on the heap, collected or not, is small beside them
    assertThat(footprint(PowerHistory.DEFAULT_STEP, 4000, false, false)).isBetween(1_000L, 14_000L);
    // 720 points
    assertThat(footprint(java.time.Duration.ofSeconds(5), 300, false, false))
        .isBetween(14_000L, 120_000L);
  }

  @Test
  void wholeReadingsKeepTwoBytesAPoint() {
    // whole volts and watts, as IsoTek units report them, and a voltage of its own on each outlet
    // (as the fleet benchmark's simulated units, whose outlets' voltages jitter): (2 + 2 x 16)
    // series of 60 two-byte sums
    assertThat(footprint(PowerHistory.DEFAULT_STEP, 4000, false, true)).isBetween(1_000L, 8_000L);
  }

  @Test
  void outletsOnOneMainsVoltageKeepOneVoltageSeries() {
    // (2 + 16) series: 60 floats
    assertThat(footprint(PowerHistory.DEFAULT_STEP, 4000, true, false)).isBetween(1_000L, 7_000L);
    // 720 floats
    assertThat(footprint(java.time.Duration.ofSeconds(5), 300, true, false))
        .isBetween(14_000L, 66_000L);
    // 60 two-byte sums
    assertThat(footprint(PowerHistory.DEFAULT_STEP, 4000, true, true)).isBetween(1_000L, 5_000L);
  }

  @Test
  void recordingAReportAllocatesNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    Instant t0 = Instant.ofEpochMilli(1_000_000_000_000L);
    for (boolean oneMains : new boolean[] {true, false}) {
      List<OutletStatus> outlets = outlets(oneMains, false);
      DeviceStatus[] reports = new DeviceStatus[3000];
      for (int i = 0; i < reports.length; i++) {
        reports[i] =
            new DeviceStatus(
                t0.plusSeconds(i),
                Optional.of(new PowerReading(OptionalDouble.of(230), OptionalDouble.of(1500))),
                outlets,
                Optional.empty());
      }
      PowerRecorder recorder =
          new PowerRecorder("rack", Clock.fixed(t0, ZoneOffset.UTC), PowerHistory.DEFAULT_STEP);
      for (int i = 0; i < 1000; i++) { // the outlets' series are made here
        recorder.record(reports[i]);
      }
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 1000; i < reports.length; i++) {
        recorder.record(reports[i]);
      }
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      assertThat(allocated).as("bytes allocated by 2,000 reports, oneMains=" + oneMains).isZero();
    }
  }

  private static List<OutletStatus> outlets(boolean oneMains, boolean whole) {
    List<OutletStatus> outlets = new ArrayList<>();
    for (int n = 1; n <= OUTLETS; n++) {
      outlets.add(
          new OutletStatus(
              n,
              "id" + n,
              "Outlet " + n,
              OutletState.ON,
              OptionalDouble.of(oneMains ? 230 : 230 + n),
              OptionalDouble.of(whole ? 10.0 * n : 10.5 * n),
              Set.of(OutletCapability.METERED)));
    }
    return outlets;
  }

  private static long footprint(
      java.time.Duration step, int count, boolean oneMains, boolean whole) {
    Instant t0 = Instant.ofEpochMilli(1_000_000_000_000L);
    List<OutletStatus> outlets = outlets(oneMains, whole);
    // an IsoTek unit reports its input (CH0) on the one mains voltage too
    Optional<PowerReading> input =
        oneMains
            ? Optional.of(new PowerReading(OptionalDouble.of(230), OptionalDouble.of(1500)))
            : Optional.empty();
    long before = usedAfterGc();
    List<PowerRecorder> recorders = new ArrayList<>(count);
    for (int r = 0; r < count; r++) {
      PowerRecorder recorder =
          new PowerRecorder(("rack" + r).intern(), Clock.fixed(t0, ZoneOffset.UTC), step);
      // a report every 5 s for an hour
      for (int report = 0; report < 720; report++) {
        recorder.record(
            new DeviceStatus(t0.plusSeconds(5L * report), input, outlets, Optional.empty()));
      }
      recorders.add(recorder);
    }
    long perRecorder = (usedAfterGc() - before) / count;
    System.out.printf(
        "PowerRecorder, %d outlets with power and %s, %s readings, an hour recorded at %s: %d"
            + " bytes%n",
        OUTLETS,
        oneMains ? "one mains voltage" : "a voltage each",
        whole ? "whole" : "fractional",
        io.pdu4j.api.Durations.format(step),
        perRecorder);
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
