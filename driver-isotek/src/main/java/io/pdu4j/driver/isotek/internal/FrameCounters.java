package io.pdu4j.driver.isotek.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a device session has seen on its link, counted for diagnostics and (later) metrics such as
 * {@code pdu.frames.malformed} and {@code pdu.readings.received}. Written on the device's thread,
 * readable from any.
 *
 * <p>Protocol-independent: every line-based driver has lines, over-long lines, malformed lines,
 * unexpected lines, dropped and accepted status reports.
 */
public final class FrameCounters {
  private final AtomicLong lines = new AtomicLong();
  private final AtomicLong overlong = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong unexpected = new AtomicLong();
  private final AtomicLong droppedStatuses = new AtomicLong();
  private final AtomicLong statuses = new AtomicLong();

  /** A snapshot of the counters. */
  public record Snapshot(
      long lines,
      long overlong,
      long malformed,
      long unexpected,
      long droppedStatuses,
      long statuses) {}

  void line() {
    add(lines);
  }

  void overlong() {
    add(overlong);
  }

  void malformed() {
    add(malformed);
  }

  void unexpected() {
    add(unexpected);
  }

  void droppedStatus() {
    add(droppedStatuses);
  }

  void status() {
    add(statuses);
  }

  /**
   * One more, by the one thread that writes: a plain read and an ordered write instead of an atomic
   * increment (a locked instruction, for every line of every device).
   */
  private static void add(AtomicLong counter) {
    counter.setRelease(counter.getPlain() + 1);
  }

  /** The counters now. */
  public Snapshot snapshot() {
    return new Snapshot(
        lines.get(),
        overlong.get(),
        malformed.get(),
        unexpected.get(),
        droppedStatuses.get(),
        statuses.get());
  }

  @Override
  public String toString() {
    return snapshot().toString();
  }
}
