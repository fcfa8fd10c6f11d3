package io.pdu4j.transport.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.transport.net.internal.UdpReadPacer.Next;
import org.junit.jupiter.api.Test;

/** The rules that switch a UDP socket between readiness and its read timer, on given times. */
class UdpReadPacerTest {
  private static final long MS = 1_000_000L;

  private final UdpReadPacer pacer = new UdpReadPacer(MS, 128);

  @Test
  void frequentWakesSwitchToTheTimer() {
    long t = 0;
    for (int i = 1; i < UdpReadPacer.ENTER_READS; i++) {
      assertThat(pacer.afterRead(1, t)).isEqualTo(Next.READINESS);
      t += MS / 10;
    }
    assertThat(pacer.afterRead(1, t)).isEqualTo(Next.WAIT);
    assertThat(pacer.timed()).isTrue();
  }

  @Test
  void wakesSpreadOverMoreThanAnIntervalStayOnReadiness() {
    long t = 0;
    for (int i = 0; i < 100; i++) {
      assertThat(pacer.afterRead(1, t)).isEqualTo(Next.READINESS);
      t += MS / (UdpReadPacer.ENTER_READS - 2);
    }
    assertThat(pacer.timed()).isFalse();
  }

  @Test
  void readsThatFoundNothingDoNotCount() {
    for (int i = 0; i < 100; i++) {
      assertThat(pacer.afterRead(0, i)).isEqualTo(Next.READINESS);
    }
    assertThat(pacer.timed()).isFalse();
  }

  @Test
  void aBacklogSwitchesToTheTimerAndAFullReadReadsOn() {
    assertThat(pacer.afterRead(UdpReadPacer.ENTER_BATCH, 0)).isEqualTo(Next.WAIT);
    assertThat(pacer.afterRead(128, MS))
        .as("stopped at the limit: more wait")
        .isEqualTo(Next.READ_ON);
    assertThat(pacer.afterRead(50, MS + 1)).isEqualTo(Next.WAIT);
    assertThat(pacer.timed()).isTrue();

    UdpReadPacer fresh = new UdpReadPacer(MS, 128);
    assertThat(fresh.afterRead(128, 0)).isEqualTo(Next.READ_ON);
    assertThat(fresh.timed()).isTrue();
  }

  @Test
  void aTimedReadThatFindsLittleGoesBackToReadiness() {
    pacer.afterRead(100, 0);
    assertThat(pacer.afterRead(UdpReadPacer.STAY_FOUND, MS)).isEqualTo(Next.WAIT);
    assertThat(pacer.afterRead(UdpReadPacer.STAY_FOUND - 1, 2 * MS)).isEqualTo(Next.READINESS);
    assertThat(pacer.timed()).isFalse();
    // and the count of wakes starts again
    assertThat(pacer.afterRead(1, 2 * MS + 1)).isEqualTo(Next.READINESS);
  }

  @Test
  void onTheTimerTheIntervalStretchesUntilAWakeTakesABatchAndShrinksWhenItTakesTooMany() {
    pacer.afterRead(UdpReadPacer.ENTER_BATCH, 0);
    assertThat(pacer.intervalNanos()).isEqualTo(MS);
    // 10 a millisecond: 1 ms, 2 ms, then 4 ms (40 a wake), and no further
    long t = 0;
    for (long interval : new long[] {MS, 2 * MS, 4 * MS, 4 * MS}) {
      t += pacer.intervalNanos();
      assertThat(pacer.afterRead((int) (10 * pacer.intervalNanos() / MS), t)).isEqualTo(Next.WAIT);
      assertThat(pacer.intervalNanos())
          .as("after a read %d ms apart", interval / MS)
          .isEqualTo(Math.min(UdpReadPacer.MAX_STRETCH * MS, 2 * interval));
    }
    // a faster rate: more than twice the target a wake halves it, down to the base
    assertThat(pacer.afterRead(2 * UdpReadPacer.TARGET_BATCH + 1, t + 4 * MS)).isEqualTo(Next.WAIT);
    assertThat(pacer.intervalNanos()).isEqualTo(2 * MS);
    assertThat(pacer.afterRead(2 * UdpReadPacer.TARGET_BATCH + 1, t + 6 * MS)).isEqualTo(Next.WAIT);
    assertThat(pacer.intervalNanos()).isEqualTo(MS);
    assertThat(pacer.afterRead(2 * UdpReadPacer.TARGET_BATCH + 1, t + 7 * MS)).isEqualTo(Next.WAIT);
    assertThat(pacer.intervalNanos()).isEqualTo(MS);
    // between the two: the interval stays
    assertThat(pacer.afterRead(UdpReadPacer.TARGET_BATCH, t + 8 * MS)).isEqualTo(Next.WAIT);
    assertThat(pacer.intervalNanos()).isEqualTo(MS);
  }

  @Test
  void aStretchedIntervalKeepsTheRateAtWhichTheSocketGoesBackToReadiness() {
    pacer.afterRead(UdpReadPacer.ENTER_BATCH, 0);
    pacer.afterRead(4, MS); // 2 ms
    pacer.afterRead(8, 3 * MS); // 4 ms
    assertThat(pacer.intervalNanos()).isEqualTo(4 * MS);
    // STAY_FOUND a base interval is 8 in 4 ms: 8 keep the timer, 7 do not
    assertThat(pacer.afterRead(2 * 4, 7 * MS)).isEqualTo(Next.WAIT);
    assertThat(pacer.afterRead(2 * 4 - 1, 11 * MS)).isEqualTo(Next.READINESS);
    assertThat(pacer.timed()).isFalse();
    assertThat(pacer.intervalNanos()).as("back to the base for the next time").isEqualTo(MS);
  }

  @Test
  void aReadThatStopsAtTheLimitGoesBackToTheBaseInterval() {
    pacer.afterRead(UdpReadPacer.ENTER_BATCH, 0);
    pacer.afterRead(4, MS);
    assertThat(pacer.intervalNanos()).isEqualTo(2 * MS);
    assertThat(pacer.afterRead(128, 3 * MS)).isEqualTo(Next.READ_ON);
    assertThat(pacer.intervalNanos()).isEqualTo(MS);
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new UdpReadPacer(0, 128)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UdpReadPacer(MS, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
