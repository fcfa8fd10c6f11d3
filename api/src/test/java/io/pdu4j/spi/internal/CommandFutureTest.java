package io.pdu4j.spi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** How a caller blocked on a command's stage waits: spinning within the bound, then parking. */
class CommandFutureTest {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final long LONG_SPIN = TimeUnit.SECONDS.toNanos(30);

  private static long timesWaited() {
    return THREADS.getThreadInfo(Thread.currentThread().getId()).getWaitedCount();
  }

  @Test
  void aCallerWhoseCommandCompletesWithinTheBoundNeverParks() throws Exception {
    for (int i = 0; i < 3; i++) {
      CommandFuture<String> f = new CommandFuture<>(LONG_SPIN);
      CountDownLatch started = new CountDownLatch(1);
      Thread completer =
          new Thread(
              () -> {
                try {
                  started.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                f.complete("done");
              });
      completer.start();
      long before = timesWaited();
      started.countDown();
      String result = i == 0 ? f.join() : i == 1 ? f.get() : f.get(1, TimeUnit.MINUTES);
      long parked = timesWaited() - before;
      completer.join();
      assertThat(result).isEqualTo("done");
      // a plain CompletableFuture parks here: its completer runs after the caller began waiting
      assertThat(parked).as("times the caller parked").isZero();
    }
  }

  @Test
  void aCallerParksOnceTheBoundIsSpent() throws Exception {
    CommandFuture<String> f = new CommandFuture<>(1);
    Thread caller = Thread.currentThread();
    Thread completer =
        new Thread(
            () -> {
              // complete only once the caller is parked: this cannot depend on timing
              while (caller.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
              }
              f.complete("late");
            });
    completer.start();
    long before = timesWaited();
    assertThat(f.join()).isEqualTo("late");
    assertThat(timesWaited() - before).isPositive();
    completer.join();
  }

  @Test
  void failuresTimeoutsAndCancellationAreThoseOfACompletableFuture() {
    CommandFuture<String> failed = new CommandFuture<>(LONG_SPIN);
    IllegalStateException cause = new IllegalStateException("refused");
    failed.completeExceptionally(cause);
    assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class).hasCause(cause);
    assertThatThrownBy(failed::get).isInstanceOf(ExecutionException.class).hasCause(cause);

    // the spin of get(timeout) is bounded by the timeout too
    CommandFuture<String> never = new CommandFuture<>(LONG_SPIN);
    assertThatThrownBy(() -> never.get(1, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);

    CommandFuture<String> cancelled = new CommandFuture<>(LONG_SPIN);
    cancelled.cancel(false);
    assertThatThrownBy(cancelled::join).isInstanceOf(CancellationException.class);
  }

  @Test
  void aDeviceSpinsOnlyWhileItsRecentCommandsWereFast() {
    long us = TimeUnit.MICROSECONDS.toNanos(1);
    assertThat(CommandFuture.Pace.spinNanos(-1, true)).as("nothing known yet").isZero();
    assertThat(CommandFuture.Pace.spinNanos(100 * us, true)).isEqualTo(200 * us);
    assertThat(CommandFuture.Pace.spinNanos(400 * us, true))
        .isEqualTo(CommandFuture.Pace.MAX_SPIN_NANOS);
    assertThat(CommandFuture.Pace.spinNanos(600 * us, true)).as("a slow device").isZero();
    assertThat(CommandFuture.Pace.spinNanos(100 * us, false)).as("one processor").isZero();

    CommandFuture.Pace pace = new CommandFuture.Pace();
    assertThat(pace.spinNanos()).isZero();
    pace.completed(100 * us);
    boolean multiCore = Runtime.getRuntime().availableProcessors() > 1;
    assertThat(pace.spinNanos()).isEqualTo(multiCore ? 200 * us : 0);
    pace.completed(TimeUnit.MILLISECONDS.toNanos(20)); // the device got slow: a quarter of 20 ms
    assertThat(pace.spinNanos()).isZero();
    for (int i = 0; i < 30; i++) {
      pace.completed(100 * us); // and fast again
    }
    if (multiCore) {
      assertThat(pace.spinNanos()).isBetween(200 * us, 220 * us);
    }
  }
}
