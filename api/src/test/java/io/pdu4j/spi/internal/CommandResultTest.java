package io.pdu4j.spi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class CommandResultTest {
  private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);

  @Test
  void aWaitSpinsForTwiceTheDevicesRecentAnswersOnlyWhenTheyAreFastAndKnown() {
    long start = 1_000;
    assertThat(CommandResult.spinDeadline(start, 100_000, true)).isEqualTo(201_000);
    assertThat(CommandResult.spinDeadline(start, CommandResult.SPIN_LIMIT_NANOS, true))
        .isEqualTo(start + 2 * CommandResult.SPIN_LIMIT_NANOS);
    assertThat(CommandResult.spinDeadline(start, CommandResult.SPIN_LIMIT_NANOS + 1, true))
        .as("a slower device: park at once")
        .isZero();
    assertThat(CommandResult.spinDeadline(start, -1, true)).as("no answer yet").isZero();
    assertThat(CommandResult.spinDeadline(start, 100_000, false)).as("one processor").isZero();
    assertThat(CommandResult.spinDeadline(-200_000, 100_000, true))
        .as("a deadline at nanoTime 0 is still one")
        .isNotZero();
    assertThat(CommandResult.of(start, -1).spins()).isFalse();
  }

  @Test
  void aSpinningWaitEndsWithTheCompletionFromAnotherThread() throws Exception {
    CommandResult<String> r = spinning();
    CountDownLatch waiting = new CountDownLatch(1);
    Thread completer =
        new Thread(
            () -> {
              try {
                waiting.await();
                Thread.sleep(20);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              r.complete("done");
            });
    completer.start();
    waiting.countDown();
    assertThat(r.join()).isEqualTo("done");
    assertThat(r.get()).isEqualTo("done");
    assertThat(r.get(0, TimeUnit.NANOSECONDS)).as("done: no timeout").isEqualTo("done");
    completer.join();
  }

  @Test
  void failuresAndCancellationReachTheWaiterAsFromAnyCompletableFuture() {
    CommandResult<String> failed = spinning();
    IllegalStateException cause = new IllegalStateException("refused");
    failed.completeExceptionally(cause);
    assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class).hasCause(cause);
    assertThatThrownBy(failed::get).isInstanceOf(ExecutionException.class).hasCause(cause);
    CommandResult<String> cancelled = spinning();
    cancelled.cancel(false);
    assertThatThrownBy(cancelled::join).isInstanceOf(CancellationException.class);
  }

  @Test
  void aTimedWaitKeepsItsTimeoutWhileItSpins() {
    CommandResult<String> r = spinning();
    assertThatThrownBy(() -> r.get(30, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
    assertThatThrownBy(() -> r.get(0, TimeUnit.NANOSECONDS)).isInstanceOf(TimeoutException.class);
    assertThatThrownBy(() -> r.get(-1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
    assertThat(r).isNotDone();
  }

  @Test
  void anInterruptedWaiterStopsSpinningAndIsToldSo() {
    CommandResult<String> r = spinning();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(r::get).isInstanceOf(InterruptedException.class);
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> r.get(1, TimeUnit.MINUTES)).isInstanceOf(InterruptedException.class);
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void stagesDerivedFromItWaitTheSameWay() {
    CommandResult<String> r = spinning();
    CompletableFuture<Integer> length = r.thenApply(String::length);
    assertThat(length).isInstanceOf(CommandResult.class);
    assertThat(((CommandResult<Integer>) length).spins()).isTrue();
    assertThat(new CommandResult<String>(0).thenApply(String::length))
        .isInstanceOfSatisfying(CommandResult.class, c -> assertThat(c.spins()).isFalse());
    r.complete("four");
    assertThat(length.join()).isEqualTo(4);
  }

  /** A result whose waits would spin for ten seconds unless something ends them. */
  private static CommandResult<String> spinning() {
    return new CommandResult<>(System.nanoTime() + TEN_SECONDS);
  }
}
