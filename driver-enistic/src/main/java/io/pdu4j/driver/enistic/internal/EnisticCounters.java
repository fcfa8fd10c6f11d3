package io.pdu4j.driver.enistic.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one Enistic device has received, for diagnostics and metrics. Thread-safe: written by the
 * device's thread only, read from any.
 */
public final class EnisticCounters {
  final AtomicLong readings = new AtomicLong();
  final AtomicLong otherEvents = new AtomicLong();
  final AtomicLong malformed = new AtomicLong();
  final AtomicLong overlong = new AtomicLong();
  final AtomicLong foreign = new AtomicLong();
  final AtomicLong refusedSource = new AtomicLong();
  final AtomicLong overLimit = new AtomicLong();
  final AtomicLong commandsSent = new AtomicLong();

  /**
   * Adds one to a counter that only the device's thread writes: an ordered write of the next value,
   * without the atomic read-modify-write an increment costs (once per reading).
   */
  static void count(AtomicLong counter) {
    counter.setRelease(counter.getPlain() + 1);
  }

  /** Readings of this controller taken (those {@linkplain #overLimit() over the limit} are not). */
  public long readings() {
    return readings.get();
  }

  /** Well-formed events that are not readings (ignored). */
  public long otherEvents() {
    return otherEvents.get();
  }

  /** Lines of at most the longest length that were neither a reading nor an event (skipped). */
  public long malformed() {
    return malformed.get();
  }

  /**
   * Lines over {@link EnisticCodec#MAX_LINE} characters, and the rest of datagrams of more than
   * {@link EnisticCodec#MAX_LINES} lines (skipped).
   */
  public long overlong() {
    return overlong.get();
  }

  /** Readings of other controllers (ignored). */
  public long foreign() {
    return foreign.get();
  }

  /** Datagrams from a source outside {@code allow=} (ignored). */
  public long refusedSource() {
    return refusedSource.get();
  }

  /**
   * Readings of this controller dropped because they would have added an outlet beyond {@code
   * max-outlets}; not counted in {@link #readings()}.
   */
  public long overLimit() {
    return overLimit.get();
  }

  /** Switch command datagrams sent, retransmissions included. */
  public long commandsSent() {
    return commandsSent.get();
  }

  @Override
  public String toString() {
    return "readings="
        + readings()
        + " other="
        + otherEvents()
        + " malformed="
        + malformed()
        + " overlong="
        + overlong()
        + " foreign="
        + foreign()
        + " refusedSource="
        + refusedSource()
        + " overLimit="
        + overLimit()
        + " commandsSent="
        + commandsSent();
  }
}
