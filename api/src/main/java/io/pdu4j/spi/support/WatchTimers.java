package io.pdu4j.spi.support;

/**
 * Delays for the watch timers every device of a fleet keeps (a deadline for its pushes to go
 * silent, for its last status to go stale): each deadline rounded up to a grid shared by all of
 * them, so that an event loop serving thousands of devices wakes once per step of the grid for
 * every watch then due, instead of once for each.
 *
 * <p>Why: a device that pushes once a second and whose watch is set again whenever it fires finds
 * its watch due about as often as its pushes, at moments of its own; an event loop that would
 * otherwise wake only for the pushes wakes about as often again for the watches, each wake a return
 * from {@code epoll_wait} and a thread switch, which cost more than the watch's check. Rounded to
 * the grid, the watches due in one step run in one wake.
 *
 * <p>A watch set with {@link #delayNanos} fires never early and at most {@link #STEP_NANOS} late;
 * it is for deadlines of a second or more, where that lateness does not matter. The grid is of
 * {@link System#nanoTime()}, which the JDK's and Netty's scheduled executors run on, so it is the
 * same for every executor of the process. Stateless and thread-safe.
 */
public final class WatchTimers {
  /** The step of the grid: 2^25 ns, about 34 ms. */
  public static final long STEP_NANOS = 1L << 25;

  private WatchTimers() {}

  /**
   * The delay to give a scheduled executor for a watch due {@code delayNanos} from now: at least
   * {@code delayNanos} (and at least 1), ending on the grid.
   *
   * @param delayNanos how long from now the watch is due, in nanoseconds
   * @return the delay to schedule it with, in nanoseconds
   */
  public static long delayNanos(long delayNanos) {
    return onGrid(System.nanoTime(), delayNanos);
  }

  /** {@link #delayNanos} at the moment {@code now} of {@link System#nanoTime()}. */
  static long onGrid(long now, long delayNanos) {
    long delay = Math.max(delayNanos, 1);
    if (delay > Long.MAX_VALUE / 4) {
      return delay; // beyond any watch's deadline: nothing to share
    }
    long due = now + delay; // may wrap, as nanoTime itself may: only differences count
    return delay + Math.floorMod(-due, STEP_NANOS);
  }
}
