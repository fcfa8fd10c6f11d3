package io.pdu4j.spi.support;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a recurring problem (garbage, over-long lines, dropped status blocks) at WARN once per burst
 * and at DEBUG otherwise, so a device spewing garbage cannot flood the log.
 *
 * <p>A burst is a run of occurrences with less than {@code quiet} between them. The first of a
 * burst is logged at WARN with the number of occurrences suppressed since the last WARN; the rest
 * at DEBUG. A burst that never ends still gets a WARN every {@code repeat}, so it is not forgotten.
 *
 * <p>Protocol-independent. Not thread-safe: use it from the device's thread.
 */
public final class BurstLog {
  private final Logger log;
  private final long quietNanos;
  private final long repeatNanos;
  private final LongSupplier nanoTime;
  private boolean any;
  private long lastSeen;
  private long lastWarned;
  private long suppressed;

  /** A burst log with a 10 s quiet gap and a WARN at least every minute of a burst. */
  public BurstLog(Logger log) {
    this(log, Duration.ofSeconds(10), Duration.ofMinutes(1), System::nanoTime);
  }

  /**
   * A burst log.
   *
   * @param log where to log
   * @param quiet the gap that ends a burst
   * @param repeat how often a burst that never ends is logged at WARN again
   * @param nanoTime the time source (tests pass their own)
   */
  public BurstLog(Logger log, Duration quiet, Duration repeat, LongSupplier nanoTime) {
    this.log = Objects.requireNonNull(log, "log");
    this.quietNanos = quiet.toNanos();
    this.repeatNanos = repeat.toNanos();
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /**
   * Records one occurrence and logs it.
   *
   * @param format an SLF4J format
   * @param args its arguments
   * @return whether it was logged at WARN
   */
  public boolean log(String format, Object... args) {
    long now = nanoTime.getAsLong();
    boolean warn = !any || now - lastSeen >= quietNanos || now - lastWarned >= repeatNanos;
    any = true;
    lastSeen = now;
    if (!warn) {
      suppressed++;
      log.debug(format, args);
      return false;
    }
    lastWarned = now;
    if (suppressed > 0 && log.isWarnEnabled()) {
      log.warn(format + " (and {} more like it before, logged at DEBUG)", append(args, suppressed));
    } else {
      log.warn(format, args);
    }
    suppressed = 0;
    return true;
  }

  /** Adds {@code count} as the last placeholder value, keeping a trailing Throwable last. */
  private static Object[] append(Object[] args, Object count) {
    Object[] out = Arrays.copyOf(args, args.length + 1);
    if (args.length > 0 && args[args.length - 1] instanceof Throwable t) {
      out[args.length - 1] = count;
      out[args.length] = t;
    } else {
      out[args.length] = count;
    }
    return out;
  }
}
