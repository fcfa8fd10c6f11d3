package io.pdu4j.spi.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The stage a {@link ManagedDevice} command returns. A caller that blocks on it ({@link #join()},
 * {@link #get()}, {@link #get(long, TimeUnit)}) first waits by spinning, for at most the bound the
 * device chose when the command was made ({@link Pace}), and only then parks as a plain {@link
 * CompletableFuture} does. A command that completes within the bound then costs its device's I/O
 * thread no wake-up of the caller (a futex call and a thread hand-off, a good part of a loopback
 * round trip), and the caller no sleep. The bound is 0, so nothing spins, unless the device's
 * recent commands were fast, and never more than {@link Pace#MAX_SPIN_NANOS}: a slow device, a
 * caller that does not block, or a machine with one processor costs nothing.
 *
 * <p>The spin yields the processor at each turn ({@link Thread#yield()}) rather than only pausing
 * ({@link Thread#onSpinWait()}): on a machine with more runnable threads than cores, a caller that
 * kept its core would hold it from the very I/O thread it waits for (on 2 cores at a load average
 * of 20 to 30, a pausing spin of 400 µs tripled the median round trip), while on a quiet machine a
 * yield with nothing else to run returns at once.
 *
 * <p>Completion, cancellation, exceptions and dependent stages are those of {@link
 * CompletableFuture}; only how a blocked caller waits differs.
 *
 * @param <T> the command's result
 */
final class CommandFuture<T> extends CompletableFuture<T> {
  private final long spinNanos;

  /**
   * A future whose blocking waits spin for at most {@code spinNanos} first.
   *
   * @param spinNanos 0 or less: no spinning
   */
  CommandFuture(long spinNanos) {
    this.spinNanos = spinNanos;
  }

  /** How long a blocked caller spins before parking (for tests). */
  long spinNanos() {
    return spinNanos;
  }

  @Override
  public T join() {
    spin(spinNanos);
    return super.join();
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    spin(spinNanos);
    return super.get();
  }

  @Override
  public T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    spin(Math.min(spinNanos, unit.toNanos(timeout)));
    return super.get(timeout, unit);
  }

  private void spin(long nanos) {
    if (nanos <= 0 || isDone()) {
      return;
    }
    long start = System.nanoTime();
    while (!isDone() && System.nanoTime() - start < nanos) {
      Thread.yield();
    }
  }

  /**
   * How long a device's blocked callers spin: twice its recent command time (a moving average over
   * its last commands, each weighing a quarter), for a device whose commands recently took at most
   * {@link #MAX_SPIN_NANOS}; else 0. Recorded on whichever thread completes a command, read by any:
   * a lost update only shifts the average a little.
   */
  static final class Pace {
    /** The longest a caller spins, and the slowest recent command time that makes it spin. */
    static final long MAX_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private static final boolean MULTI_CORE = Runtime.getRuntime().availableProcessors() > 1;

    private volatile long recentNanos = -1; // none yet

    /** A command that reached the device took {@code elapsedNanos}. */
    void completed(long elapsedNanos) {
      long r = recentNanos;
      recentNanos = r < 0 ? elapsedNanos : r - (r >> 2) + (elapsedNanos >> 2);
    }

    /** The spin bound for the next command's callers. */
    long spinNanos() {
      return spinNanos(recentNanos, MULTI_CORE);
    }

    static long spinNanos(long recentNanos, boolean multiCore) {
      if (!multiCore || recentNanos < 0 || recentNanos > MAX_SPIN_NANOS) {
        return 0;
      }
      return Math.min(2 * recentNanos, MAX_SPIN_NANOS);
    }
  }
}
