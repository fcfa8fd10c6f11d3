package io.pdu4j.spi.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The stage a device's command returns: a {@link CompletableFuture} whose blocking waits ({@link
 * #join()}, {@link #get()}, {@link #get(long, TimeUnit)}) spin for a short while before they park,
 * when the device has lately answered that fast.
 *
 * <p>A caller blocked on a command is woken by the I/O thread that completes it: on a fast device
 * that wake-up (a futex call, the scheduler, a cold cache) was a fifth of a confirmed switch's
 * round trip on loopback, and the one cost a raw socket client, woken by the kernel from its read,
 * does not pay. A caller that spins sees the completion at once. Spinning is worth it only for
 * waits that are short next to that cost, and it keeps a processor busy meanwhile, so it is bounded
 * by the device's own recent answers ({@link #spinDeadline}): twice their moving average from the
 * command's start, and none at all when that average is over {@link #SPIN_LIMIT_NANOS} (a serial
 * line, a device on a slow network, a failing one: those waits park at once), before the device's
 * first answer, and on a machine with one processor.
 *
 * <p>Each turn of the spin yields the processor, so that a thread waiting for one runs first: the
 * I/O thread that is to complete the command, while the device's other end runs on the other core.
 * Spinning on {@link Thread#onSpinWait()} alone held it off: on two cores the round trip's 99th
 * percentile read four times the raw socket's (and its median no better than yielding).
 *
 * <p>Only blocking waits spin; callbacks ({@code whenComplete}, {@code thenApply}) cost nothing
 * more. Stages derived from it ({@code thenApply} and the like) are of this kind too, with the same
 * deadline.
 */
final class CommandResult<T> extends CompletableFuture<T> {
  /**
   * Waits for a device whose recent commands took longer than this on average (250 µs) park at
   * once.
   */
  static final long SPIN_LIMIT_NANOS = 250_000;

  private static final boolean MULTIPROCESSOR = Runtime.getRuntime().availableProcessors() > 1;

  private final long spinUntil; // System.nanoTime(); 0: waits park at once (see spinDeadline)

  /** A result whose blocking waits spin until {@code spinUntil}, or park at once when it is 0. */
  CommandResult(long spinUntil) {
    this.spinUntil = spinUntil;
  }

  /**
   * A result for a command started at {@code start} ({@link System#nanoTime()}) on a device whose
   * recent commands took {@code recentNanos} on average ({@code < 0}: none yet).
   */
  static <T> CommandResult<T> of(long start, long recentNanos) {
    return new CommandResult<>(spinDeadline(start, recentNanos, MULTIPROCESSOR));
  }

  /**
   * Until when a blocking wait for a command started at {@code start} spins, or {@code 0}: it parks
   * at once. Twice {@code recentNanos} after the start, when that is known ({@code >= 0}) and at
   * most {@link #SPIN_LIMIT_NANOS}, on a machine with more than one processor.
   */
  static long spinDeadline(long start, long recentNanos, boolean multiprocessor) {
    if (!multiprocessor || recentNanos < 0 || recentNanos > SPIN_LIMIT_NANOS) {
      return 0;
    }
    long until = start + 2 * recentNanos;
    return until == 0 ? 1 : until;
  }

  /** Whether blocking waits for this result spin before they park. */
  boolean spins() {
    return spinUntil != 0;
  }

  @Override
  public T join() {
    spin(Long.MAX_VALUE);
    return super.join();
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    spin(Long.MAX_VALUE);
    return super.get();
  }

  @Override
  public T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    long start = System.nanoTime();
    long nanos = unit.toNanos(timeout);
    spin(nanos);
    return super.get(nanos - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CommandResult<>(spinUntil);
  }

  /**
   * Spins, yielding the processor each turn, until this completes, the spin deadline passes, {@code
   * timeoutNanos} have passed or the thread is interrupted, whichever comes first.
   */
  private void spin(long timeoutNanos) {
    if (spinUntil == 0 || isDone()) {
      return;
    }
    long start = System.nanoTime();
    Thread me = Thread.currentThread();
    for (long now = start;
        !isDone() && now - spinUntil < 0 && now - start < timeoutNanos && !me.isInterrupted();
        now = System.nanoTime()) {
      Thread.yield();
    }
  }
}
