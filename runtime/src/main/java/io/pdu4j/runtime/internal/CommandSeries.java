package io.pdu4j.runtime.internal;

import io.micrometer.core.instrument.Clock;
import io.pdu4j.runtime.metrics.PduMeter;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * One device's {@link PduMeter#COMMANDS} as plain numbers, for a registry whose scrapes write the
 * devices' series from their state ({@link PrometheusSeries}): per command and outcome what
 * Micrometer's Prometheus timer with the {@link PduMeter#COMMAND_BUCKETS} keeps (count, total time,
 * the count in each bucket, the decaying maximum), in about 220 bytes instead of a timer of about
 * 1.7 KB with its id, tags, adders, histogram, maximum and collector entry.
 *
 * <p>The figures are those the timer would give, by the same arithmetic: the total in nanoseconds,
 * a duration counted in the first bucket whose bound is at least as long (none beyond the last), a
 * negative duration not recorded at all (its series still appear, as the timer's would), and the
 * maximum kept as Micrometer's {@code TimeWindowMax} keeps it: a ring of {@link Window#length}
 * maxima, each duration raising all of them, the current one cleared and the next made current
 * every {@link Window#rotateMillis} of the registry's clock (all cleared once a whole ring's time
 * has passed), checked before each record and each read.
 *
 * <p>Not thread-safe: {@link DeviceMetrics} guards it with its lock.
 */
final class CommandSeries {
  /**
   * The decaying maximum's window as the registry gives its timers: its clock, the time between
   * rotations (the distribution's expiry) and the ring's length (its buffer length).
   */
  record Window(Clock clock, long rotateMillis, int length) {
    Window {
      Objects.requireNonNull(clock, "clock");
      if (rotateMillis <= 0 || length <= 0) {
        throw new IllegalArgumentException(
            "a window of " + length + " rotations of " + rotateMillis + " ms");
      }
    }
  }

  /** The buckets' upper bounds in nanoseconds, as the timer keeps them. */
  private static final long[] BOUNDS =
      PduMeter.COMMAND_BUCKETS.stream().mapToLong(Duration::toNanos).toArray();

  /** The buckets' upper bounds in seconds, as the registry writes them, {@code +Inf} last. */
  static final double[] UPPER_BOUNDS = upperBounds();

  private final Window window;
  private Entry[] entries = new Entry[0]; // few: a device's commands times their outcomes

  CommandSeries(Window window) {
    this.window = Objects.requireNonNull(window, "window");
  }

  private static double[] upperBounds() {
    double[] seconds = new double[BOUNDS.length + 1];
    for (int i = 0; i < BOUNDS.length; i++) {
      seconds[i] = BOUNDS[i] / 1e9;
    }
    seconds[BOUNDS.length] = Double.POSITIVE_INFINITY;
    return seconds;
  }

  /** Records one command of {@code nanos}; the first of its command and outcome makes its entry. */
  void record(String command, String outcome, long nanos) {
    Entry e = entry(command, outcome);
    if (nanos < 0) {
      return; // a timer records no negative amount
    }
    e.count++;
    e.totalNanos += nanos;
    int bucket = Arrays.binarySearch(BOUNDS, nanos);
    if (bucket < 0) {
      bucket = -bucket - 1; // the first bound above
    }
    if (bucket < BOUNDS.length) {
      e.buckets[bucket]++;
    }
    e.rotate(window);
    for (int i = 0; i < e.ring.length; i++) {
      e.ring[i] = Math.max(e.ring[i], nanos);
    }
  }

  private Entry entry(String command, String outcome) {
    for (Entry e : entries) {
      if (e.command.equals(command) && e.outcome.equals(outcome)) {
        return e;
      }
    }
    Entry e = new Entry(command, outcome, window);
    entries = Arrays.copyOf(entries, entries.length + 1);
    entries[entries.length - 1] = e;
    return e;
  }

  /** The number of commands and outcomes recorded. */
  int size() {
    return entries.length;
  }

  /** Entry {@code i}'s figures as a scrape reads them now (which may rotate its maximum). */
  Point point(int i) {
    Entry e = entries[i];
    e.rotate(window);
    long[] counts = new long[BOUNDS.length + 1];
    System.arraycopy(e.buckets, 0, counts, 0, BOUNDS.length);
    long bucketed = 0;
    for (long c : e.buckets) {
      bucketed += c;
    }
    counts[BOUNDS.length] = e.count - bucketed;
    return new Point(
        e.command,
        e.outcome,
        e.count,
        e.totalNanos / 1e9,
        counts,
        e.ring[e.current] / 1e9,
        e.created);
  }

  /**
   * One command and outcome's series as the timer's scrape gives them: the count in each bucket
   * alone (not cumulated; the last is above every bound), the sum and the maximum in seconds, and
   * the registry's time the first was recorded at.
   */
  record Point(
      String command,
      String outcome,
      long count,
      double sumSeconds,
      long[] bucketCounts,
      double maxSeconds,
      long createdMillis) {}

  private static final class Entry {
    final String command;
    final String outcome;
    final long created;
    long count;
    long totalNanos;
    final long[] buckets = new long[BOUNDS.length];
    // the decaying maximum: TimeWindowMax's ring, its current slot and last rotation
    final long[] ring;
    int current;
    long lastRotate;

    Entry(String command, String outcome, Window window) {
      this.command = command;
      this.outcome = outcome;
      this.created = window.clock().wallTime();
      this.lastRotate = created;
      this.ring = new long[window.length()];
    }

    /** TimeWindowMax's rotation, as of the registry's clock now. */
    void rotate(Window window) {
      long now = window.clock().wallTime();
      long since = now - lastRotate;
      long step = window.rotateMillis();
      if (since < step) {
        return;
      }
      if (since >= step * ring.length) {
        Arrays.fill(ring, 0);
        current = 0;
        lastRotate = now - since % step;
        return;
      }
      int iterations = 0;
      do {
        ring[current] = 0;
        if (++current >= ring.length) {
          current = 0;
        }
        since -= step;
        lastRotate += step;
      } while (since >= step && ++iterations < ring.length);
    }
  }
}
