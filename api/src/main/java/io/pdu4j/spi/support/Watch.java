package io.pdu4j.spi.support;

import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A deadline on a device's thread that runs an action once it passes, for the watches every device
 * of a fleet keeps and sets again and again (its pushes going silent, its last status going stale):
 * cheap to set, to move and to clear, with no object made for each, and cheap to fire.
 *
 * <p>Why not {@link ScheduledExecutorService#schedule}: an executor keeps its timers in one
 * priority queue, a heap of every timer of every device on it; setting one and firing one each walk
 * that heap's height in memory no cache holds at a fleet's scale (twenty thousand timers on a loop,
 * fourteen levels), and each setting makes a task object. A device that pushes once a second finds
 * its silence watch due about every second and a half, so a loop of five thousand such devices
 * spent about a twentieth of its time on its timers (docs/benchmarks.md). Every watch of one
 * executor shares a {@link WatchWheel}: a ring of {@link WatchTimers#STEP_NANOS} slots, each a list
 * of the watches due in it, and one timer of the executor's, set for the next slot that holds one.
 * Setting, moving or clearing a watch is a constant-time change of two lists; firing is one.
 *
 * <p>A watch fires never early and at most {@link WatchTimers#STEP_NANOS} late (a busy or paused
 * thread later still), like a timer set with {@link WatchTimers#delayNanos}; it is for deadlines of
 * a second or more.
 *
 * <p>Threading: the executor must run one task at a time (a device's thread: an event loop, a
 * single-thread executor), and {@link #arm}, {@link #disarm} and {@link #armed} are called on it
 * only, as a device session's methods are; the action runs on it too. Once the executor shuts down,
 * armed watches never fire.
 */
public final class Watch {
  final WatchWheel wheel;
  final Runnable action;
  // the wheel's own, on the executor's thread: the slot's list, and the tick the watch is due at
  Watch prev;
  Watch next;
  long dueTick;
  boolean listed; // in a slot's list
  boolean firing; // taken off its list because due, its action not run yet

  /**
   * A watch of {@code executor}'s that runs {@code action} on it when its deadline passes; not
   * armed yet.
   *
   * @param executor the device's executor: one task at a time
   * @param action what to run at the deadline; it may arm the watch again
   */
  public Watch(ScheduledExecutorService executor, Runnable action) {
    this(WatchWheel.of(Objects.requireNonNull(executor, "executor")), action);
  }

  Watch(WatchWheel wheel, Runnable action) {
    this.wheel = wheel;
    this.action = Objects.requireNonNull(action, "action");
  }

  /**
   * Sets the deadline {@code delayNanos} from now (at least a nanosecond), replacing the one set
   * before, if any. The executor's thread only.
   */
  public void arm(long delayNanos) {
    wheel.arm(this, delayNanos);
  }

  /** Clears the deadline: the action does not run for it. The executor's thread only. */
  public void disarm() {
    wheel.disarm(this);
  }

  /**
   * Whether a deadline is set that has not run its action yet (false while the action runs, unless
   * it armed the watch again). The executor's thread only.
   */
  public boolean armed() {
    return listed || firing;
  }
}
