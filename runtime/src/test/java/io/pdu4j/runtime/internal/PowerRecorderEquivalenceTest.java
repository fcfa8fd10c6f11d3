package io.pdu4j.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerReading;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The compact {@link PowerRecorder} against the {@link ReferencePowerRecorder} with counts for
 * every series: the same snapshots after random reports in which outlets come and go, miss
 * readings, start in the middle of a step, report several times a step, fall silent and report
 * late.
 */
class PowerRecorderEquivalenceTest {
  private static final class MovingClock extends Clock {
    Instant now;

    MovingClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT5S", "PT1M", "PT5M"})
  void agreesWithTheReferenceOnRandomReports(Duration step) {
    Random random = new Random(12);
    for (int run = 0; run < 300; run++) {
      MovingClock clock = new MovingClock(Instant.ofEpochMilli(1_000_000_000_000L));
      PowerRecorder compact = new PowerRecorder("rack", clock, step);
      ReferencePowerRecorder reference = new ReferencePowerRecorder("rack", clock, step);
      int outlets = 1 + random.nextInt(6);
      double missing = random.nextDouble() * 0.4;
      for (int report = 0; report < 400; report++) {
        clock.now = clock.now.plusMillis(random.nextInt(random.nextBoolean() ? 2_000 : 30_000));
        if (random.nextInt(50) == 0) {
          clock.now = clock.now.plusSeconds(random.nextInt(5_000));
        }
        Instant at =
            random.nextInt(20) == 0 ? clock.now.minusSeconds(random.nextInt(4_000)) : clock.now;
        List<OutletStatus> list = new ArrayList<>();
        for (int n = 1; n <= outlets; n++) {
          if (random.nextDouble() < missing / 2) {
            continue;
          }
          list.add(
              outlet(
                  n,
                  random.nextDouble() < missing ? null : random.nextInt(50_000) / 10.0,
                  random.nextDouble() < missing ? null : 200 + random.nextInt(600) / 10.0));
        }
        DeviceStatus status = DeviceStatus.of(at, list);
        recordBoth(compact, reference, status, random, run, report);
      }
      assertThat(compact.snapshot()).as("run %d", run).isEqualTo(reference.snapshot());
    }
  }

  /**
   * Outlets numbered far apart, reported in any order and some only now and then, so that an outlet
   * is looked up away from where the last one was and new ones go between known ones.
   */
  @Test
  void agreesWithTheReferenceOnOutletsInAnyOrder() {
    Random random = new Random(56);
    Duration step = Duration.ofMinutes(1);
    for (int run = 0; run < 100; run++) {
      MovingClock clock = new MovingClock(Instant.ofEpochMilli(1_000_000_000_000L));
      PowerRecorder compact = new PowerRecorder("rack", clock, step);
      ReferencePowerRecorder reference = new ReferencePowerRecorder("rack", clock, step);
      int outlets = 1 + random.nextInt(24);
      int[] numbers = new int[outlets];
      for (int i = 0; i < outlets; i++) {
        numbers[i] = 1 + i * (1 + random.nextInt(5)) + random.nextInt(3);
      }
      for (int report = 0; report < 200; report++) {
        clock.now = clock.now.plusMillis(random.nextInt(5_000));
        List<OutletStatus> list = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (int n : numbers) {
          if (seen.add(n) && random.nextInt(report < 20 ? 3 : 10) != 0) {
            list.add(
                outlet(
                    n,
                    random.nextInt(4) == 0 ? null : random.nextInt(5_000) / 10.0,
                    random.nextInt(4) == 0 ? null : 220.0 + random.nextInt(20)));
          }
        }
        Collections.shuffle(list, random);
        recordBoth(compact, reference, DeviceStatus.of(clock.now, list), random, run, report);
      }
      assertThat(compact.snapshot()).as("run %d", run).isEqualTo(reference.snapshot());
    }
  }

  /**
   * Units whose outlets report the one mains voltage, mostly the same as the unit's input reading
   * or as each other, so that outlets share the device's voltage series: now and then an outlet
   * reports another voltage, none, or twice in one report, the input reading is missing or differs,
   * and outlets appear late.
   */
  @ParameterizedTest
  @ValueSource(strings = {"PT5S", "PT1M"})
  void agreesWithTheReferenceWhenOutletsShareTheMainsVoltage(Duration step) {
    Random random = new Random(34);
    for (int run = 0; run < 300; run++) {
      MovingClock clock = new MovingClock(Instant.ofEpochMilli(1_000_000_000_000L));
      PowerRecorder compact = new PowerRecorder("rack", clock, step);
      ReferencePowerRecorder reference = new ReferencePowerRecorder("rack", clock, step);
      int outlets = 1 + random.nextInt(8);
      double odd = random.nextDouble() * random.nextDouble() * 0.2; // chance of an odd reading
      boolean input = random.nextBoolean();
      int late = random.nextInt(4) == 0 ? 1 + random.nextInt(30) : 0; // outlet 1 from report
      // whole watts, as IsoTek units report them, small enough or not for two-byte sums
      int whole = random.nextInt(3) == 0 ? 0 : random.nextBoolean() ? 300 : 4_000;
      double mains = 230;
      for (int report = 0; report < 300; report++) {
        clock.now = clock.now.plusMillis(random.nextInt(random.nextBoolean() ? 2_000 : 20_000));
        if (random.nextInt(20) == 0) {
          mains = 220 + random.nextInt(20);
        }
        Instant at =
            random.nextInt(30) == 0 ? clock.now.minusSeconds(random.nextInt(4_000)) : clock.now;
        List<OutletStatus> list = new ArrayList<>();
        for (int n = late > report ? 2 : 1; n <= outlets; n++) {
          double volts = mains;
          if (random.nextDouble() < odd) {
            volts = random.nextBoolean() ? -1 : mains + 1 + random.nextInt(3);
          }
          double watts = whole > 0 ? random.nextInt(whole) : random.nextInt(50_000) / 10.0;
          list.add(outlet(n, watts, volts < 0 ? null : volts));
          if (random.nextDouble() < odd / 4) {
            list.add(outlet(n, 5.0, random.nextBoolean() ? mains : mains + 1));
          }
        }
        OptionalDouble inputVolts =
            random.nextDouble() < odd
                ? (random.nextBoolean() ? OptionalDouble.empty() : OptionalDouble.of(mains + 2))
                : OptionalDouble.of(mains);
        DeviceStatus status = status(at, input, inputVolts, list);
        recordBoth(compact, reference, status, random, run, report);
      }
      assertThat(compact.snapshot()).as("run %d", run).isEqualTo(reference.snapshot());
    }
  }

  /**
   * Units whose outlets each read the mains a volt or so off the unit's own reading, as the fleet
   * benchmark's simulated units do: their voltage series are kept as differences from the device's,
   * until an outlet reads far off for a while (differences past a byte), reads a fraction of a
   * volt, misses its voltage, or the unit's own reading is missing.
   */
  @ParameterizedTest
  @ValueSource(strings = {"PT5S", "PT1M"})
  void agreesWithTheReferenceWhenOutletsReadNearTheMains(Duration step) {
    Random random = new Random(56);
    for (int run = 0; run < 300; run++) {
      MovingClock clock = new MovingClock(Instant.ofEpochMilli(1_000_000_000_000L));
      PowerRecorder compact = new PowerRecorder("rack", clock, step);
      ReferencePowerRecorder reference = new ReferencePowerRecorder("rack", clock, step);
      int outlets = 1 + random.nextInt(8);
      double odd = random.nextDouble() * random.nextDouble() * 0.1;
      boolean input = random.nextInt(4) != 0;
      int far = random.nextInt(3) == 0 ? 1 + random.nextInt(outlets) : 0; // reads far off a while
      for (int report = 0; report < 300; report++) {
        clock.now = clock.now.plusMillis(random.nextInt(random.nextBoolean() ? 2_000 : 20_000));
        Instant at =
            random.nextInt(30) == 0 ? clock.now.minusSeconds(random.nextInt(4_000)) : clock.now;
        int unit = 230 + random.nextInt(5) - 2;
        List<OutletStatus> list = new ArrayList<>();
        for (int n = 1; n <= outlets; n++) {
          Double volts = (double) (unit + random.nextInt(3) - 1);
          if (n == far && report > 100 && report < 150) {
            volts = unit + 20.0;
          } else if (random.nextDouble() < odd) {
            volts = random.nextBoolean() ? null : unit + 0.5;
          }
          list.add(outlet(n, (double) random.nextInt(300), volts));
        }
        OptionalDouble inputVolts =
            random.nextDouble() < odd ? OptionalDouble.empty() : OptionalDouble.of(unit);
        DeviceStatus status = status(at, input, inputVolts, list);
        recordBoth(compact, reference, status, random, run, report);
      }
      assertThat(compact.snapshot()).as("run %d", run).isEqualTo(reference.snapshot());
    }
  }

  /** Records {@code status} in both, and now and then compares their snapshots. */
  private static void recordBoth(
      PowerRecorder compact,
      ReferencePowerRecorder reference,
      DeviceStatus status,
      Random random,
      int run,
      int report) {
    compact.record(status);
    reference.record(status);
    if (random.nextInt(25) == 0) {
      assertThat(compact.snapshot())
          .as("run %d, report %d", run, report)
          .isEqualTo(reference.snapshot());
    }
  }

  /** A status with the unit's own reading of 1,000 W at {@code inputVolts}, when it has one. */
  private static DeviceStatus status(
      Instant at, boolean input, OptionalDouble inputVolts, List<OutletStatus> outlets) {
    return new DeviceStatus(
        at,
        input
            ? Optional.of(new PowerReading(inputVolts, OptionalDouble.of(1000)))
            : Optional.empty(),
        outlets,
        Optional.empty());
  }

  private static OutletStatus outlet(int n, Double watts, Double volts) {
    return new OutletStatus(
        n,
        "id" + n,
        "Outlet " + n,
        OutletState.ON,
        volts == null ? OptionalDouble.empty() : OptionalDouble.of(volts),
        watts == null ? OptionalDouble.empty() : OptionalDouble.of(watts),
        Set.of(OutletCapability.METERED));
  }
}
