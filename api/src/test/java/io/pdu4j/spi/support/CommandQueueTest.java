package io.pdu4j.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CommandQueueTest {
  static {
    org.awaitility.Awaitility.setDefaultPollDelay(Duration.ZERO);
    org.awaitility.Awaitility.setDefaultPollInterval(Duration.ofMillis(5));
  }

  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "device-thread"));
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private final List<String> unsolicited = new CopyOnWriteArrayList<>();
  private final List<String> observed = new CopyOnWriteArrayList<>();
  private final AtomicReference<RuntimeException> sendFailure = new AtomicReference<>();

  private CommandQueue<String> queue(int capacity, Duration timeout) {
    return new CommandQueue<>(
        "test:tcp://device",
        executor,
        capacity,
        timeout,
        Duration.ZERO,
        bytes -> {
          if (sendFailure.get() != null) {
            return CompletableFuture.failedFuture(sendFailure.get());
          }
          sent.add(StandardCharsets.US_ASCII.decode(bytes).toString());
          return CompletableFuture.completedFuture(null);
        },
        unsolicited::add,
        (name, elapsed, failure) ->
            observed.add(
                name + ":" + (failure == null ? "ok" : failure.getClass().getSimpleName())));
  }

  /** Completes at "OK", rejects "ERR", claims "part", leaves everything else. */
  private static Exchange<String, String> command(String text) {
    return command(text, null);
  }

  private static Exchange<String, String> command(String text, Duration timeout) {
    return new Exchange<>() {
      private final StringBuilder parts = new StringBuilder();

      @Override
      public ByteBuffer request() {
        return ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.US_ASCII));
      }

      @Override
      public String describe() {
        return text;
      }

      @Override
      public String name() {
        return "cmd";
      }

      @Override
      public java.util.Optional<Duration> timeout() {
        return java.util.Optional.ofNullable(timeout);
      }

      @Override
      public Outcome<String> onFrame(String frame) {
        switch (frame) {
          case "OK":
            return Outcome.done(text + parts);
          case "ERR":
            return Outcome.fail(new DeviceRejectedException("rejected", "dev", text, frame, null));
          case "part":
            parts.append("+part");
            return Outcome.more();
          case "boom":
            throw new IllegalStateException("parser bug");
          default:
            return Outcome.unsolicited();
        }
      }
    };
  }

  private void frame(CommandQueue<String> q, String frame) {
    executor.execute(() -> q.onFrame(frame));
  }

  private void run(Runnable r) throws Exception {
    executor.submit(r).get(5, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(CompletableFuture<?> f) {
    try {
      f.get(5, TimeUnit.SECONDS);
      throw new AssertionError("expected failure, got " + f.join());
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  /** Whether a command awaits its reply on the device's thread, as its event loop reads it. */
  private boolean awaiting() throws Exception {
    return executor.submit(AwaitedReplies::any).get(5, TimeUnit.SECONDS);
  }

  @Test
  void aCommandInFlightIsCountedAsAwaitingItsReplyOnTheDeviceThread() throws Exception {
    CommandQueue<String> q = queue(8, Duration.ofMillis(300));
    run(q::linkUp);
    assertThat(awaiting()).isFalse();
    CompletableFuture<String> a = q.submit(command("A"));
    CompletableFuture<String> b = q.submit(command("B"));
    await().until(() -> sent.size() == 1);
    assertThat(awaiting()).as("A in flight").isTrue();
    assertThat(AwaitedReplies.any()).as("on another thread").isFalse();
    frame(q, "OK");
    assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("A");
    await().until(() -> sent.size() == 2);
    assertThat(awaiting()).as("B in flight").isTrue();
    // one that times out, one that fails on a lost link: each ends its count
    assertThat(failureOf(b)).isInstanceOf(DeviceTimeoutException.class);
    assertThat(awaiting()).isFalse();
    CompletableFuture<String> c = q.submit(command("C"));
    await().until(() -> sent.size() == 3);
    assertThat(awaiting()).isTrue();
    run(() -> q.linkDown("gone"));
    assertThat(failureOf(c)).isInstanceOf(LinkLostException.class);
    assertThat(awaiting()).isFalse();
  }

  @Test
  void oneInFlightInFifoOrderAndUnsolicitedRoutedAside() throws Exception {
    CommandQueue<String> q = queue(8, Duration.ofSeconds(5));
    run(q::linkUp);
    CompletableFuture<String> a = q.submit(command("A"));
    CompletableFuture<String> b = q.submit(command("B"));
    await().until(() -> sent.size() == 1);
    assertThat(sent).containsExactly("A\n");
    frame(q, "push-1");
    frame(q, "part");
    frame(q, "OK");
    assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("A+part");
    await().until(() -> sent.size() == 2);
    assertThat(sent).containsExactly("A\n", "B\n");
    assertThat(b).isNotDone();
    frame(q, "OK");
    assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("B");
    frame(q, "push-2");
    await().until(() -> unsolicited.size() == 2);
    assertThat(unsolicited).containsExactly("push-1", "push-2");
    assertThat(q.pending()).isZero();
    assertThat(observed).containsExactly("cmd:ok", "cmd:ok");
  }

  @Test
  void rejectionCarriesTheRawReply() {
    CommandQueue<String> q = queue(8, Duration.ofSeconds(5));
    executor.execute(q::linkUp);
    CompletableFuture<String> a = q.submit(command("S3=1"));
    await().until(() -> sent.size() == 1);
    frame(q, "ERR");
    assertThat(failureOf(a))
        .isInstanceOf(DeviceRejectedException.class)
        .satisfies(t -> assertThat(((PowerDeviceException) t).received()).contains("ERR"));
  }

  @Test
  void anExchangeThatThrowsFailsOnlyItsCommand() throws Exception {
    CommandQueue<String> q = queue(8, Duration.ofSeconds(5));
    executor.execute(q::linkUp);
    CompletableFuture<String> a = q.submit(command("A"));
    CompletableFuture<String> b = q.submit(command("B"));
    await().until(() -> sent.size() == 1);
    frame(q, "boom");
    assertThat(failureOf(a)).hasMessageContaining("parser bug");
    await().until(() -> sent.size() == 2);
    frame(q, "OK");
    assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("B");
  }

  @Test
  void timeoutFailsWithWhatWasSentAndReceivedThenTheNextRuns() throws Exception {
    CommandQueue<String> q = queue(8, Duration.ofSeconds(5));
    executor.execute(q::linkUp);
    CompletableFuture<String> a = q.submit(command("A", Duration.ofMillis(300)));
    CompletableFuture<String> b = q.submit(command("B"));
    await().until(() -> sent.size() == 1);
    run(() -> q.onFrame("part"));
    Throwable t = failureOf(a);
    assertThat(t).isInstanceOf(DeviceTimeoutException.class);
    assertThat(t.getMessage())
        .contains("test:tcp://device")
        .contains("no complete reply within 300ms")
        .contains("sent \"A\"")
        .contains("received \"part\"");
    await().until(() -> sent.size() == 2);
    frame(q, "OK");
    assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("B");
  }

  @Test
  void fullQueueFailsFastWithBusyAndLosesNothingElse() throws Exception {
    CommandQueue<String> q = queue(2, Duration.ofSeconds(5));
    // link down: nothing is sent, so everything stays pending
    CompletableFuture<String> a = q.submit(command("A"));
    CompletableFuture<String> b = q.submit(command("B"));
    CompletableFuture<String> c = q.submit(command("C"));
    CompletableFuture<String> d = q.submit(command("D"));
    assertThat(failureOf(d)).isInstanceOf(DeviceBusyException.class).hasMessageContaining("D");
    run(q::linkUp);
    for (String expected : List.of("A", "B", "C")) {
      await().until(() -> sent.contains(expected + "\n"));
      frame(q, "OK");
    }
    assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("A");
    assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("B");
    assertThat(c.get(5, TimeUnit.SECONDS)).isEqualTo("C");
  }

  @Test
  void linkDownFailsTheCommandInFlightAndKeepsTheQueued() throws Exception {
    CommandQueue<String> q = queue(8, Duration.ofSeconds(5));
    executor.execute(q::linkUp);
    CompletableFuture<String> a = q.submit(command("A"));
    CompletableFuture<String> b = q.submit(command("B"));
    await().until(() -> sent.size() == 1);
    frame(q, "part");
    run(() -> q.linkDown("closed by peer"));
    Throwable t = failureOf(a);
    assertThat(t)
        .isInstanceOf(LinkLostException.class)
        .hasMessageContaining("closed by peer")
        .hasMessageContaining("received \"part\"");
    assertThat(b).isNotDone();
    assertThat(sent).hasSize(1);
    run(q::linkUp);
    await().until(() -> sent.size() == 2);
    frame(q, "OK");
    assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("B");
  }

  @Test
  void queuedCommandFailsWithLinkLostWhenTheLinkStaysDown() {
    CommandQueue<String> q = queue(8, Duration.ofSeconds(5));
    CompletableFuture<String> a = q.submit(command("A", Duration.ofMillis(100)));
    assertThat(failureOf(a)).isInstanceOf(LinkLostException.class).hasMessageContaining("not sent");
    assertThat(sent).isEmpty();
  }

  @Test
  void writeFailureFailsTheCommand() {
    CommandQueue<String> q = queue(8, Duration.ofSeconds(5));
    sendFailure.set(new LinkLostException("not connected"));
    executor.execute(q::linkUp);
    assertThat(failureOf(q.submit(command("A")))).isInstanceOf(LinkLostException.class);
  }

  @Test
  void aLinkClosedUnderACommandIsALostLinkNotAClosedDevice() {
    CommandQueue<String> q = queue(8, Duration.ofSeconds(5));
    executor.execute(q::linkUp);
    sendFailure.set(
        new DeviceClosedException(
            "extron://ipcp/3: device closed", "extron://ipcp/3", "S3=0", null, null));
    assertThat(failureOf(q.submit(command("S3=0"))))
        .isInstanceOf(LinkLostException.class)
        .hasMessageContaining("link closed while sending")
        .hasCauseInstanceOf(DeviceClosedException.class);
  }

  @Test
  void aWriteFailureFromTheLinkNamesTheDeviceAndTheCommandKeepingItsType() {
    CommandQueue<String> q = queue(8, Duration.ofSeconds(5));
    executor.execute(q::linkUp);
    sendFailure.set(new LinkLostException("tcp://device: connection closed"));
    Throwable lost = failureOf(q.submit(command("S3=0")));
    assertThat(lost)
        .isInstanceOf(LinkLostException.class)
        .hasMessage("test:tcp://device: tcp://device: connection closed; sent \"S3=0\"")
        .hasCauseInstanceOf(LinkLostException.class);
    assertThat(((PowerDeviceException) lost).sent()).contains("S3=0");
    sendFailure.set(new DeviceBusyException("tcp://device: outbound buffer full"));
    assertThat(failureOf(q.submit(command("S4=1"))))
        .isInstanceOf(DeviceBusyException.class)
        .hasMessageEndingWith("outbound buffer full; sent \"S4=1\"");
  }

  @Test
  void cancelledQueuedCommandIsNeverSent() throws Exception {
    CommandQueue<String> q = queue(8, Duration.ofSeconds(5));
    executor.execute(q::linkUp);
    CompletableFuture<String> a = q.submit(command("A"));
    CompletableFuture<String> b = q.submit(command("B"));
    CompletableFuture<String> c = q.submit(command("C"));
    await().until(() -> sent.size() == 1);
    b.cancel(false);
    frame(q, "OK");
    assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("A");
    await().until(() -> sent.size() == 2);
    assertThat(sent).containsExactly("A\n", "C\n");
    frame(q, "OK");
    assertThat(c.get(5, TimeUnit.SECONDS)).isEqualTo("C");
    await().until(() -> q.pending() == 0);
  }

  @Test
  void cancelledInFlightCommandStillConsumesItsReply() throws Exception {
    CommandQueue<String> q = queue(8, Duration.ofSeconds(5));
    executor.execute(q::linkUp);
    CompletableFuture<String> a = q.submit(command("A"));
    CompletableFuture<String> b = q.submit(command("B"));
    await().until(() -> sent.size() == 1);
    a.cancel(false);
    frame(q, "OK"); // A's reply: must not complete B
    await().until(() -> sent.size() == 2);
    assertThat(b).isNotDone();
    frame(q, "OK");
    assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("B");
  }

  @Test
  void closeFailsEverythingOnceAndRefusesNewCommands() throws Exception {
    CommandQueue<String> q = queue(8, Duration.ofSeconds(5));
    executor.execute(q::linkUp);
    AtomicInteger completions = new AtomicInteger();
    CompletableFuture<String> a = q.submit(command("A"));
    CompletableFuture<String> b = q.submit(command("B"));
    a.whenComplete((r, t) -> completions.incrementAndGet());
    b.whenComplete((r, t) -> completions.incrementAndGet());
    await().until(() -> sent.size() == 1);
    run(q::close);
    assertThat(failureOf(a)).isInstanceOf(DeviceClosedException.class);
    assertThat(failureOf(b)).isInstanceOf(DeviceClosedException.class);
    frame(q, "OK"); // late reply: completes nothing
    run(() -> q.linkDown("late"));
    run(q::close);
    assertThat(completions).hasValue(2);
    assertThat(failureOf(q.submit(command("C")))).isInstanceOf(DeviceClosedException.class);
    assertThat(q.pending()).isZero();
  }

  @Test
  void submitAfterTheExecutorStoppedFailsClosed() {
    CommandQueue<String> q = queue(8, Duration.ofSeconds(5));
    executor.shutdownNow();
    assertThat(failureOf(q.submit(command("A")))).isInstanceOf(DeviceClosedException.class);
    assertThat(q.pending()).isZero();
  }

  @Test
  void settleDelaysTheNextCommandAfterATimeout() throws Exception {
    CommandQueue<String> q =
        new CommandQueue<>(
            "dev",
            executor,
            8,
            Duration.ofMillis(100),
            Duration.ofMillis(300),
            bytes -> {
              sent.add(StandardCharsets.US_ASCII.decode(bytes).toString());
              return CompletableFuture.completedFuture(null);
            },
            unsolicited::add,
            null);
    executor.execute(q::linkUp);
    CompletableFuture<String> a = q.submit(command("A"));
    CompletableFuture<String> b = q.submit(command("B", Duration.ofSeconds(5)));
    assertThat(failureOf(a)).isInstanceOf(DeviceTimeoutException.class);
    frame(q, "OK"); // A's late reply arrives during the settle time: nobody's
    await().until(() -> unsolicited.contains("OK"));
    await().until(() -> sent.size() == 2);
    assertThat(b).isNotDone();
    frame(q, "OK");
    assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("B");
  }

  @Test
  void theCallerIsCompletedBeforeTheObserverAndTheNextSend() throws Exception {
    AtomicReference<CompletableFuture<String>> first = new AtomicReference<>();
    List<String> seenByObserver = new CopyOnWriteArrayList<>();
    CommandQueue<String> q =
        new CommandQueue<>(
            "dev",
            executor,
            8,
            Duration.ofSeconds(5),
            Duration.ZERO,
            bytes -> {
              String text = StandardCharsets.US_ASCII.decode(bytes).toString();
              CompletableFuture<String> a = first.get();
              // when B goes out, A's caller has already been completed
              sent.add(text + (a != null && a.isDone() ? " after A done" : ""));
              return CompletableFuture.completedFuture(null);
            },
            unsolicited::add,
            (name, elapsed, failure) -> seenByObserver.add("A done: " + first.get().isDone()));
    run(q::linkUp);
    run(() -> first.set(q.submit(command("A"))));
    CompletableFuture<String> b = q.submit(command("B"));
    await().until(() -> sent.size() == 1);
    frame(q, "OK");
    assertThat(first.get().get(5, TimeUnit.SECONDS)).isEqualTo("A");
    await().until(() -> sent.size() == 2);
    assertThat(seenByObserver).containsExactly("A done: true");
    assertThat(sent).containsExactly("A\n", "B\n after A done");
    frame(q, "OK");
    assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("B");
  }

  // --- sending from the caller's thread ---

  private final List<String> senders = new CopyOnWriteArrayList<>();

  /** A queue that sends from the caller's thread, its sender noting which thread sent what. */
  private CommandQueue<String> callerQueue(Duration timeout) {
    CommandQueue<String> q =
        new CommandQueue<>(
            "test:tcp://device",
            executor,
            8,
            timeout,
            Duration.ZERO,
            bytes -> {
              if (sendFailure.get() != null) {
                return CompletableFuture.failedFuture(sendFailure.get());
              }
              String text = StandardCharsets.US_ASCII.decode(bytes).toString();
              sent.add(text);
              senders.add(text.strip() + "@" + Thread.currentThread().getName());
              return CompletableFuture.completedFuture(null);
            },
            unsolicited::add,
            (name, elapsed, failure) ->
                observed.add(
                    name + ":" + (failure == null ? "ok" : failure.getClass().getSimpleName())));
    q.sendFromCaller();
    return q;
  }

  @Test
  void anIdleQueueLetsTheCallerSendAndTheDeviceThreadTakesTheCommandOver() throws Exception {
    CommandQueue<String> q = callerQueue(Duration.ofSeconds(5));
    run(q::linkUp);
    CompletableFuture<String> a = q.submit(command("A"));
    // written before submit returned, by this thread
    assertThat(senders).containsExactly("A@" + Thread.currentThread().getName());
    assertThat(awaiting()).as("taken over as the command in flight").isTrue();
    // not idle now: the next caller queues, and its command goes out on the device's thread
    CompletableFuture<String> b = q.submit(command("B"));
    assertThat(sent).containsExactly("A\n");
    frame(q, "push");
    frame(q, "part");
    frame(q, "OK");
    assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("A+part");
    await().until(() -> sent.size() == 2);
    assertThat(senders.get(1)).isEqualTo("B@device-thread");
    frame(q, "OK");
    assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("B");
    assertThat(unsolicited).containsExactly("push");
    // idle again once the device's thread is done with B (it is told before the bookkeeping)
    run(() -> {});
    CompletableFuture<String> c = q.submit(command("C"));
    assertThat(senders.get(2)).isEqualTo("C@" + Thread.currentThread().getName());
    frame(q, "OK");
    assertThat(c.get(5, TimeUnit.SECONDS)).isEqualTo("C");
    await().until(() -> observed.size() == 3);
    assertThat(observed).containsExactly("cmd:ok", "cmd:ok", "cmd:ok");
    assertThat(q.pending()).isZero();
    assertThat(awaiting()).isFalse();
  }

  @Test
  void theDeviceThreadTakesACallersCommandOverBeforeItHandlesTheNextFrame() throws Exception {
    CommandQueue<String> q = callerQueue(Duration.ofSeconds(5));
    run(q::linkUp);
    // hold the device's thread; a frame queued now is handled before the caller's take-over task
    CompletableFuture<Void> release = new CompletableFuture<>();
    executor.execute(release::join);
    frame(q, "part");
    AtomicReference<CompletableFuture<String>> a = new AtomicReference<>();
    Thread caller = new Thread(() -> a.set(q.submit(command("A"))), "caller");
    caller.start();
    caller.join(5_000);
    assertThat(senders).containsExactly("A@caller");
    release.complete(null);
    frame(q, "OK");
    // the frame handled first went to the command the caller had sent, not aside
    assertThat(a.get().get(5, TimeUnit.SECONDS)).isEqualTo("A+part");
    assertThat(unsolicited).isEmpty();
  }

  @Test
  void aCallersCommandTimesOutCountedFromItsSubmission() throws Exception {
    CommandQueue<String> q = callerQueue(Duration.ofMillis(200));
    run(q::linkUp);
    long start = System.nanoTime();
    CompletableFuture<String> a = q.submit(command("A"));
    assertThat(failureOf(a))
        .isInstanceOf(DeviceTimeoutException.class)
        .hasMessageContaining("no complete reply");
    assertThat(System.nanoTime() - start)
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    assertThat(awaiting()).isFalse();
    // the queue is usable after the timeout (its settle pause is zero here)
    CompletableFuture<String> b = q.submit(command("B"));
    await().until(() -> sent.size() == 2);
    frame(q, "OK");
    assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("B");
  }

  @Test
  void aCallersCommandFailsWhenTheLinkGoesDownOrItsWriteFails() throws Exception {
    CommandQueue<String> q = callerQueue(Duration.ofSeconds(5));
    run(q::linkUp);
    CompletableFuture<String> a = q.submit(command("A"));
    run(() -> q.linkDown("peer reset"));
    assertThat(failureOf(a))
        .isInstanceOf(LinkLostException.class)
        .hasMessageContaining("peer reset");
    // down: not idle, so the next one queues and waits for the link
    CompletableFuture<String> b = q.submit(command("B"));
    assertThat(senders).hasSize(1);
    run(q::linkUp);
    await().until(() -> sent.size() == 2);
    assertThat(senders.get(1)).isEqualTo("B@device-thread");
    frame(q, "OK");
    assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("B");
    // a write that fails at once fails the caller's command, on the device's thread
    sendFailure.set(new IllegalStateException("socket gone"));
    CompletableFuture<String> c = q.submit(command("C"));
    assertThat(failureOf(c))
        .isInstanceOf(LinkLostException.class)
        .hasMessageContaining("socket gone");
    sendFailure.set(null);
    CompletableFuture<String> d = q.submit(command("D"));
    await().until(() -> sent.size() == 3);
    frame(q, "OK");
    assertThat(d.get(5, TimeUnit.SECONDS)).isEqualTo("D");
  }

  @Test
  void aClosedQueueRefusesCallersAndFailsTheOneInFlight() throws Exception {
    CommandQueue<String> q = callerQueue(Duration.ofSeconds(5));
    run(q::linkUp);
    CompletableFuture<String> a = q.submit(command("A"));
    run(q::close);
    assertThat(failureOf(a)).isInstanceOf(DeviceClosedException.class);
    assertThat(failureOf(q.submit(command("B")))).isInstanceOf(DeviceClosedException.class);
    assertThat(senders).containsExactly("A@" + Thread.currentThread().getName());
  }

  @Test
  void manyCallersAtOnceEachGetTheirOwnReplyWithOneCommandInFlight() throws Exception {
    AtomicReference<CommandQueue<String>> ref = new AtomicReference<>();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    List<String> replies = new CopyOnWriteArrayList<>();
    CommandQueue<String> q =
        new CommandQueue<>(
            "dev",
            executor,
            1000,
            Duration.ofSeconds(10),
            Duration.ZERO,
            bytes -> {
              String text = StandardCharsets.US_ASCII.decode(bytes).toString().strip();
              if (inFlight.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
              }
              // the device answers each command with its own name, then OK
              executor.execute(
                  () -> {
                    inFlight.decrementAndGet();
                    replies.add(text);
                    ref.get().onFrame("part");
                    ref.get().onFrame("OK");
                  });
              return CompletableFuture.completedFuture(null);
            },
            unsolicited::add,
            null);
    q.sendFromCaller();
    ref.set(q);
    run(q::linkUp);
    int threads = 4;
    int each = 250;
    List<CompletableFuture<String>> results = new CopyOnWriteArrayList<>();
    List<Thread> callers = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread caller =
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  CompletableFuture<String> f = q.submit(command(id + "-" + i));
                  results.add(f);
                  if (i % 3 == 0) {
                    f.join(); // some wait for their reply, some do not
                  }
                }
              });
      callers.add(caller);
      caller.start();
    }
    for (Thread caller : callers) {
      caller.join(30_000);
    }
    for (CompletableFuture<String> f : results) {
      String value = f.get(10, TimeUnit.SECONDS);
      assertThat(value).endsWith("+part");
    }
    assertThat(results).hasSize(threads * each);
    assertThat(replies).hasSize(threads * each).doesNotHaveDuplicates();
    assertThat(overlaps.get()).as("commands sent while another was in flight").isZero();
    assertThat(unsolicited).isEmpty();
    assertThat(q.pending()).isZero();
  }

  @Test
  void aCallerDoesNotOvertakeACommandOnItsWayToTheQueue() throws Exception {
    CommandQueue<String> q = callerQueue(Duration.ofSeconds(5));
    run(q::linkUp);
    AtomicReference<CompletableFuture<String>> a = new AtomicReference<>();
    CountDownLatch bSubmitted = new CountDownLatch(1);
    // A is submitted on the device's thread (a poll, say): queued by a task that runs later
    executor.execute(
        () -> {
          a.set(q.submit(command("A")));
          try {
            bSubmitted.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    await().until(() -> a.get() != null);
    CompletableFuture<String> b = q.submit(command("B"));
    bSubmitted.countDown();
    await().until(() -> sent.size() == 1);
    assertThat(sent).containsExactly("A\n");
    frame(q, "OK");
    assertThat(a.get().get(5, TimeUnit.SECONDS)).isEqualTo("A");
    await().until(() -> sent.size() == 2);
    frame(q, "OK");
    assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("B");
    assertThat(senders).containsExactly("A@device-thread", "B@device-thread");
  }

  @Test
  void anUnhurriedTakeOverIsLeftForTheNextWakeUnlessTheTimeoutIsShort() throws Exception {
    List<Runnable> left = new CopyOnWriteArrayList<>();
    CommandQueue<String> q = callerQueue(Duration.ofSeconds(10));
    q.sendFromCaller(left::add); // an executor that runs nothing until told
    run(q::linkUp);
    CompletableFuture<String> a = q.submit(command("A"));
    assertThat(left).as("the take-over, left for later").hasSize(1);
    // the reply comes first: the device's thread takes the command over as it reads it
    frame(q, "OK");
    assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("A");
    run(left.get(0)); // the take-over when it runs at last finds nothing to do
    assertThat(awaiting()).isFalse();
    // a timeout shorter than twice the longest sleep of an unhurried executor: woken at once
    CompletableFuture<String> b = q.submit(command("B", Duration.ofMillis(300)));
    assertThat(left).hasSize(1);
    assertThat(failureOf(b)).isInstanceOf(DeviceTimeoutException.class);
  }
}
