package io.pdu4j.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchTest {
  private static final long STEP = WatchTimers.STEP_NANOS;
  private static final long SECOND = 1_000_000_000L;

  /**
   * An executor whose timers the test runs itself, by a clock of its own: {@code schedule} records
   * the task and its deadline (and hands back a real future of a timer that never fires, so that
   * cancelling works as it does).
   */
  private static final class Manual extends ScheduledThreadPoolExecutor {
    long now = 7 * STEP + 12_345; // anywhere on the grid
    final List<Timer> timers = new ArrayList<>();

    record Timer(Runnable task, long deadline, ScheduledFuture<?> future) {}

    Manual() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
      ScheduledFuture<?> never = super.schedule(() -> {}, 1, TimeUnit.DAYS);
      timers.add(new Timer(task, now + unit.toNanos(delay), never));
      return never;
    }

    /** Moves the clock to {@code t}, running every timer due by then, in deadline order. */
    void advanceTo(long t) {
      while (true) {
        Timer first = null;
        for (Timer timer : timers) {
          if (!timer.future().isCancelled()
              && timer.deadline() - t <= 0
              && (first == null || timer.deadline() < first.deadline())) {
            first = timer;
          }
        }
        if (first == null) {
          break;
        }
        timers.remove(first);
        now = Math.max(now, first.deadline());
        first.task().run();
      }
      now = t;
    }

    long liveTimers() {
      return timers.stream().filter(timer -> !timer.future().isCancelled()).count();
    }
  }

  private final Manual executor = new Manual();
  private final WatchWheel wheel = new WatchWheel(executor, () -> executor.now);

  @AfterEach
  void shutDown() {
    executor.shutdownNow();
  }

  @Test
  void firesNeverEarlyAndAtMostAStepLate() {
    Random random = new Random(5);
    for (int i = 0; i < 2_000; i++) {
      long delay = 1 + (long) (random.nextDouble() * 40 * SECOND);
      long armedAt = executor.now;
      AtomicLong firedAt = new AtomicLong(-1);
      Watch w = new Watch(wheel, () -> firedAt.set(executor.now));
      w.arm(delay);
      assertThat(w.armed()).isTrue();
      executor.advanceTo(armedAt + delay - 1);
      assertThat(firedAt.get()).as("fired early, delay %d", delay).isEqualTo(-1);
      executor.advanceTo(armedAt + delay + STEP);
      assertThat(firedAt.get())
          .as("delay %d", delay)
          .isBetween(armedAt + delay, armedAt + delay + STEP);
      assertThat(w.armed()).isFalse();
      executor.advanceTo(executor.now + random.nextInt(1_000_000_000));
    }
  }

  @Test
  void armingAgainMovesTheDeadlineAndDisarmingClearsIt() {
    AtomicInteger fired = new AtomicInteger();
    Watch w = new Watch(wheel, fired::incrementAndGet);
    long start = executor.now;
    w.arm(SECOND);
    w.arm(5 * SECOND); // later
    executor.advanceTo(start + 4 * SECOND);
    assertThat(fired).hasValue(0);
    w.arm(SECOND / 2); // sooner than the wheel's timer: the timer moves too
    executor.advanceTo(start + 4 * SECOND + SECOND / 2 + STEP);
    assertThat(fired).hasValue(1);
    w.arm(SECOND);
    w.disarm();
    assertThat(w.armed()).isFalse();
    executor.advanceTo(start + 60 * SECOND);
    assertThat(fired).hasValue(1);
    assertThat(executor.liveTimers()).as("no timer left once no watch is armed").isZero();
  }

  @Test
  void deadlinesBeyondATurnOfTheRingWaitForTheirTurn() {
    long turn = WatchWheel.SLOTS * STEP;
    AtomicLong firedAt = new AtomicLong(-1);
    Watch far = new Watch(wheel, () -> firedAt.set(executor.now));
    AtomicInteger nearFired = new AtomicInteger();
    Watch near = new Watch(wheel, nearFired::incrementAndGet);
    long start = executor.now;
    far.arm(3 * turn + STEP / 2); // the same slot as near's, three turns later
    near.arm(STEP / 2);
    executor.advanceTo(start + STEP + 1);
    assertThat(nearFired).hasValue(1);
    executor.advanceTo(start + 3 * turn);
    assertThat(firedAt.get()).isEqualTo(-1);
    executor.advanceTo(start + 3 * turn + 2 * STEP);
    assertThat(firedAt.get()).isBetween(start + 3 * turn + STEP / 2, start + 3 * turn + 2 * STEP);
  }

  @Test
  void aPauseLongerThanTheRingFiresEveryWatchDueOnce() {
    List<Integer> fired = new ArrayList<>();
    List<Watch> watches = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int id = i;
      Watch w = new Watch(wheel, () -> fired.add(id));
      watches.add(w);
      w.arm((i + 1) * 300_000_000L); // up to 30 s, across the whole ring
    }
    // the executor's timer late by a minute: a GC, a stopped process
    long late = executor.now + 60 * SECOND;
    executor.timers.replaceAll(
        t -> new Manual.Timer(t.task(), Math.max(t.deadline(), late), t.future()));
    executor.advanceTo(late);
    assertThat(fired).hasSize(100).doesNotHaveDuplicates();
    assertThat(watches).noneMatch(Watch::armed);
  }

  @Test
  void anActionMayArmOrDisarmAnyWatchOneDueWithItAmongThem() {
    // due in the same tick, each disarms the other: whichever fires first, the other does not
    List<String> log = new ArrayList<>();
    Watch[] pair =
        twoWatches(
            (both, me) -> {
              log.add("disarming " + me);
              both[1 - me].disarm();
            });
    // due in the same tick, each moves the other a second on and itself two
    Watch[] movers =
        twoWatches(
            (both, me) -> {
              log.add("moving " + me + " at " + executor.now);
              both[1 - me].arm(SECOND);
              both[me].arm(2 * SECOND);
            });
    long start = executor.now;
    for (Watch w : List.of(pair[0], pair[1], movers[0], movers[1])) {
      w.arm(SECOND);
    }
    executor.advanceTo(start + SECOND + STEP);
    assertThat(log).hasSize(2).anyMatch(l -> l.startsWith("disarming "));
    assertThat(log).anyMatch(l -> l.startsWith("moving "));
    assertThat(pair).noneMatch(Watch::armed);
    assertThat(movers).allMatch(Watch::armed);
    int first = log.stream().filter(l -> l.startsWith("moving ")).findFirst().get().charAt(7) - '0';
    // the other was moved a second on, before its own turn in that tick: it fires then, and moves
    // the first a second on from there
    long tick = executor.now;
    executor.advanceTo(tick + SECOND + STEP);
    assertThat(log.get(2)).startsWith("moving " + (1 - first));
    executor.advanceTo(tick + 2 * SECOND + 2 * STEP);
    assertThat(log.get(3)).startsWith("moving " + first);
  }

  /** Two watches of the wheel, each running {@code action} with both and its own index. */
  private Watch[] twoWatches(BiConsumer<Watch[], Integer> action) {
    Watch[] both = new Watch[2];
    for (int i = 0; i < 2; i++) {
      int me = i;
      both[i] = new Watch(wheel, () -> action.accept(both, me));
    }
    return both;
  }

  @Test
  void aFailingActionIsLoggedAndTheOthersStillFire() {
    AtomicInteger fired = new AtomicInteger();
    Watch bad =
        new Watch(
            wheel,
            () -> {
              throw new IllegalStateException("boom");
            });
    Watch good = new Watch(wheel, fired::incrementAndGet);
    bad.arm(SECOND);
    good.arm(SECOND);
    Watch later = new Watch(wheel, fired::incrementAndGet);
    later.arm(5 * SECOND);
    executor.advanceTo(executor.now + 6 * SECOND);
    assertThat(fired).hasValue(2);
  }

  @Test
  void aManyWatchLoopMatchesASortedListOfDeadlines() {
    // random arms, re-arms and disarms of 500 watches over ten minutes: each fires exactly when a
    // plain list of deadlines says it is due, rounded up to the grid
    Random random = new Random(17);
    int n = 500;
    long[] deadline = new long[n];
    java.util.Arrays.fill(deadline, Long.MIN_VALUE);
    List<String> wrong = new ArrayList<>();
    Watch[] watches = new Watch[n];
    for (int i = 0; i < n; i++) {
      int id = i;
      watches[i] =
          new Watch(
              wheel,
              () -> {
                long due = deadline[id];
                if (due == Long.MIN_VALUE || executor.now - due < 0 || executor.now - due > STEP) {
                  wrong.add(id + " fired at " + executor.now + ", due " + due);
                }
                deadline[id] = Long.MIN_VALUE;
              });
    }
    long end = executor.now + 600 * SECOND;
    while (executor.now < end) {
      int i = random.nextInt(n);
      if (random.nextInt(4) == 0) {
        watches[i].disarm();
        deadline[i] = Long.MIN_VALUE;
      } else {
        long delay = 1 + (long) (random.nextDouble() * 30 * SECOND);
        watches[i].arm(delay);
        deadline[i] = executor.now + delay;
      }
      executor.advanceTo(executor.now + random.nextInt(50_000_000));
    }
    executor.advanceTo(end + 40 * SECOND);
    assertThat(wrong).isEmpty();
    assertThat(deadline).containsOnly(Long.MIN_VALUE);
  }

  @Test
  void onARealExecutorAWatchFiresOnItsThreadAndOneExecutorKeepsOneWheel() throws Exception {
    ScheduledExecutorService real = Executors.newSingleThreadScheduledExecutor();
    try {
      CountDownLatch fired = new CountDownLatch(1);
      AtomicLong at = new AtomicLong();
      Thread[] thread = new Thread[2];
      long[] armedAt = new long[1];
      Watch w =
          new Watch(
              real,
              () -> {
                at.set(System.nanoTime());
                thread[1] = Thread.currentThread();
                fired.countDown();
              });
      assertThat(new Watch(real, () -> {}).wheel).isSameAs(w.wheel);
      real.execute(
          () -> {
            thread[0] = Thread.currentThread();
            armedAt[0] = System.nanoTime();
            w.arm(50_000_000L);
          });
      assertThat(fired.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(at.get() - armedAt[0]).isGreaterThanOrEqualTo(50_000_000L);
      assertThat(thread[1]).isSameAs(thread[0]);
    } finally {
      real.shutdownNow();
    }
  }

  @Test
  void onAnExecutorShutDownNothingFiresAndArmingDoesNotThrow() {
    ScheduledExecutorService dead = Executors.newSingleThreadScheduledExecutor();
    dead.shutdownNow();
    Watch w = new Watch(dead, () -> {});
    w.arm(SECOND);
    assertThat(w.armed()).isTrue(); // set, and never due: nothing runs on a dead executor
    w.disarm();
    assertThat(w.armed()).isFalse();
  }
}
