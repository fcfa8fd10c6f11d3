package io.pdu4j.driver.isotek.internal;

import io.pdu4j.spi.support.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What a device session has seen on its link, counted for diagnostics and (later) metrics such as
 * {@code pdu.frames.malformed} and {@code pdu.readings.received}. Written on the device's thread,
 * readable from any.
 *
 * <p>Protocol-independent: every line-based driver has lines, over-long lines, malformed lines,
 * unexpected lines, dropped and accepted status reports.
 */
public final class FrameCounters {
  // fields of this object rather than an AtomicLong each: one object a device, not seven
  private static final VarHandle LINES = handle("lines");
  private static final VarHandle OVERLONG = handle("overlong");
  private static final VarHandle MALFORMED = handle("malformed");
  private static final VarHandle UNEXPECTED = handle("unexpected");
  private static final VarHandle DROPPED_STATUSES = handle("droppedStatuses");
  private static final VarHandle STATUSES = handle("statuses");

  private long lines;
  private long overlong;
  private long malformed;
  private long unexpected;
  private long droppedStatuses;
  private long statuses;

  private static VarHandle handle(String field) {
    return VarHandles.field(MethodHandles.lookup(), FrameCounters.class, field, long.class);
  }

  /** A snapshot of the counters. */
  public record Snapshot(
      long lines,
      long overlong,
      long malformed,
      long unexpected,
      long droppedStatuses,
      long statuses) {}

  // By the one thread that writes: a plain read and an ordered write instead of an atomic
  // increment (a locked instruction, for every line of every device).

  /**
   * The lines received so far, as the reader numbers them: set once per chunk read rather than
   * counted line by line (17 lines a status push).
   */
  void lines(long total) {
    LINES.setRelease(this, total);
  }

  void overlong() {
    OVERLONG.setRelease(this, overlong + 1);
  }

  void malformed() {
    MALFORMED.setRelease(this, malformed + 1);
  }

  void unexpected() {
    UNEXPECTED.setRelease(this, unexpected + 1);
  }

  void droppedStatus() {
    DROPPED_STATUSES.setRelease(this, droppedStatuses + 1);
  }

  void status() {
    STATUSES.setRelease(this, statuses + 1);
  }

  /** The counters now. */
  public Snapshot snapshot() {
    return new Snapshot(
        (long) LINES.getVolatile(this),
        (long) OVERLONG.getVolatile(this),
        (long) MALFORMED.getVolatile(this),
        (long) UNEXPECTED.getVolatile(this),
        (long) DROPPED_STATUSES.getVolatile(this),
        (long) STATUSES.getVolatile(this));
  }

  @Override
  public String toString() {
    return snapshot().toString();
  }
}
