package io.pdu4j.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WatchTimersTest {
  private static final long STEP = WatchTimers.STEP_NANOS;
  private static final long SECOND = 1_000_000_000L;

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 12_345_678_901L, -98_765_432_109L, Long.MAX_VALUE - 3 * SECOND})
  void aWatchIsNeverEarlyAndAtMostOneStepLateAndEndsOnTheGrid(long now) {
    for (long delay = 1; delay < 5 * SECOND; delay = delay * 3 + 7) {
      long d = WatchTimers.onGrid(now, delay);
      assertThat(d)
          .as("delay for %d", delay)
          .isGreaterThanOrEqualTo(delay)
          .isLessThan(delay + STEP);
      assertThat(Math.floorMod(now + d, STEP)).as("due of %d on the grid", delay).isZero();
    }
  }

  @Test
  void watchesSetAtDifferentMomentsForNearbyDeadlinesShareOneDeadline() {
    // a fleet's devices set their watches a second apart each, as their pushes come: those due
    // within one step of each other are due at the same moment
    long gridPoint = 1_000 * STEP;
    Set<Long> dues = new HashSet<>();
    for (int device = 0; device < 100; device++) {
      long now = gridPoint - 2 * SECOND + device * 1_000L; // 100 pushes within 0.1 ms
      dues.add(now + WatchTimers.onGrid(now, 2 * SECOND - 1_000_000)); // due a millisecond apart
    }
    assertThat(dues).containsExactly(gridPoint);
  }

  @Test
  void aDelayOfNothingIsAtLeastOneNanosecondAndAHugeOneIsLeftAlone() {
    assertThat(WatchTimers.onGrid(5 * STEP, 0)).isEqualTo(STEP);
    assertThat(WatchTimers.onGrid(5 * STEP - 1, -7)).isEqualTo(1);
    assertThat(WatchTimers.onGrid(3, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(WatchTimers.delayNanos(SECOND)).isBetween(SECOND, SECOND + STEP - 1);
  }
}
