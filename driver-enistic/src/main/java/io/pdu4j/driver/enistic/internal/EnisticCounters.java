package io.pdu4j.driver.enistic.internal;

import java.util.concurrent.atomic.AtomicLong;

/** What one Enistic device has received, for diagnostics and metrics. Thread-safe. */
public final class EnisticCounters {
  final AtomicLong readings = new AtomicLong();
  final AtomicLong otherEvents = new AtomicLong();
  final AtomicLong malformed = new AtomicLong();
  final AtomicLong foreign = new AtomicLong();
  final AtomicLong refusedSource = new AtomicLong();
  final AtomicLong commandsSent = new AtomicLong();

  /** Readings accepted for this controller. */
  public long readings() {
    return readings.get();
  }

  /** Well-formed events that are not readings (ignored). */
  public long otherEvents() {
    return otherEvents.get();
  }

  /** Lines that were neither a reading nor an event (skipped). */
  public long malformed() {
    return malformed.get();
  }

  /** Readings of other controllers (ignored). */
  public long foreign() {
    return foreign.get();
  }

  /** Datagrams from a source outside {@code allow=} (ignored). */
  public long refusedSource() {
    return refusedSource.get();
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
        + " foreign="
        + foreign()
        + " refusedSource="
        + refusedSource()
        + " commandsSent="
        + commandsSent();
  }
}
