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
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new UdpReadPacer(0, 128)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UdpReadPacer(MS, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
