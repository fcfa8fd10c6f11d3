package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.bench.soak.Soak;
import io.pdu4j.bench.soak.SoakReport;
import io.pdu4j.bench.soak.SoakSettings;
import io.pdu4j.bench.soak.SoakSettings.DeviceKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The soak of {@code bench} in its short form: 30 devices of every kind under one runtime, random
 * commands and faults for 20 seconds, and the same invariants as the long run (docs/reliability.md,
 * Soak): every command completed exactly once, also those in flight when the runtime closed, the
 * fleet connected again once the faults ended, threads and file descriptors back where they were,
 * no runtime thread left after close.
 */
class SoakIT {

  @Test
  void aShortSoakCompletesEveryCommandOnceAndLeavesNothingBehind() throws Exception {
    SoakSettings settings =
        SoakSettings.defaults()
            .withDevices(30)
            .withLoad(Duration.ofSeconds(20), 20, 2)
            // above the long run's ports, so both can run on one machine at once
            .withPorts(24500, System.nanoTime());

    SoakReport report = Soak.run(settings, System.out);
    report.print(System.out);

    assertThat(report.counts()).allSatisfy((kind, n) -> assertThat(n).as("%s", kind).isPositive());
    assertThat(report.counts()).containsKeys(DeviceKind.values());
    assertThat(report.issued()).as("commands issued").isGreaterThan(200);
    assertThat(report.succeeded()).as("commands that succeeded").isGreaterThan(100);
    assertThat(report.faults().values().stream().mapToLong(Long::longValue).sum())
        .as("faults given")
        .isGreaterThan(10);
    assertThat(report.neverCompleted()).as("commands never completed").isZero();
    assertThat(report.doubleCompletions()).as("stages completed twice").isZero();
    assertThat(report.closeIssued()).as("commands in flight at the close").isPositive();
    assertThat(report.closeNeverCompleted()).as("of those, never completed").isZero();
    assertThat(report.violations()).isEmpty();
  }
}
