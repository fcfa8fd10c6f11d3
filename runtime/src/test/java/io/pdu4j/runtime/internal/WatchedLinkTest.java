package io.pdu4j.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.runtime.FakeTransport.MemLink;
import io.pdu4j.spi.LinkListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchedLinkTest {
  // the timers set on the link's thread: one-shot and repeating
  private final AtomicInteger timers = new AtomicInteger();
  private final AtomicInteger repeatingTimers = new AtomicInteger();
  private final ScheduledExecutorService executor =
      new ScheduledThreadPoolExecutor(1) {
        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
          if (delay > 0) { // execute() comes here too, with no delay
            timers.incrementAndGet();
          }
          return super.schedule(command, delay, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(
            Runnable command, long initialDelay, long period, TimeUnit unit) {
          repeatingTimers.incrementAndGet();
          return super.scheduleAtFixedRate(command, initialDelay, period, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(
            Runnable command, long initialDelay, long delay, TimeUnit unit) {
          repeatingTimers.incrementAndGet();
          return super.scheduleWithFixedDelay(command, initialDelay, delay, unit);
        }
      };
  private final MemLink stub = new MemLink("stub", executor);
  private final AtomicInteger recycles = new AtomicInteger();
  private final WatchedLink link =
      new WatchedLink(stub, null, Duration.ofMillis(200), recycles::incrementAndGet);
  private final List<PowerDeviceException> downs = new CopyOnWriteArrayList<>();
  private final AtomicInteger ups = new AtomicInteger();
  private final LinkListener listener =
      new LinkListener() {
        @Override
        public void onUp() {
          ups.incrementAndGet();
        }

        @Override
        public void onDown(PowerDeviceException cause) {
          downs.add(cause);
        }
      };

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void anUnansweredSendRecyclesTheLinkOnceAsALostLink() throws Exception {
    link.open(listener).toCompletableFuture().get(1, TimeUnit.SECONDS);
    link.send(bytes("?\n"));
    await().until(() -> downs.size() == 1);
    assertThat(downs.get(0))
        .isInstanceOf(LinkLostException.class)
        .hasMessageContaining("nothing received for 200ms");
    assertThat(recycles).hasValue(1);
    assertThat(stub.isOpen()).isFalse();

    // the driver reconnects through the same link; the watch starts afresh
    link.open(listener).toCompletableFuture().get(1, TimeUnit.SECONDS);
    assertThat(ups).hasValue(2);
    link.send(bytes("?\n"));
    stub.deliver("OK\n");
    // three quiet periods, answered in time: no second recycle
    await()
        .during(Duration.ofMillis(600))
        .atMost(Duration.ofSeconds(2))
        .until(() -> downs.size() == 1);
    assertThat(recycles).hasValue(1);
  }

  @Test
  void theWatchSetsATimerOnlyWhileASendWaitsForAnAnswer() throws Exception {
    link.open(listener).toCompletableFuture().get(1, TimeUnit.SECONDS);
    int atOpen = timers.get();
    // asked nothing: no timer at all, however long it stays up
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> timers.get() == atOpen);
    assertThat(repeatingTimers).hasValue(0);
    // answered sends, one after another: each sets at most the one timer, which then lapses
    for (int i = 0; i < 5; i++) {
      link.send(bytes("?\n"));
      stub.deliver("OK\n");
    }
    await()
        .during(Duration.ofMillis(400))
        .atMost(Duration.ofSeconds(2))
        .until(() -> downs.isEmpty() && timers.get() <= atOpen + 5);
    assertThat(repeatingTimers).hasValue(0);
    assertThat(recycles).hasValue(0);
  }

  @Test
  void aLinkAskedNothingIsNeverRecycledAndTheDriversCloseReadsAsClosed() throws Exception {
    link.open(listener).toCompletableFuture().get(1, TimeUnit.SECONDS);
    await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(downs::isEmpty);
    assertThat(stub.isOpen()).isTrue();

    link.close().toCompletableFuture().get(1, TimeUnit.SECONDS);
    await().until(() -> downs.size() == 1);
    assertThat(downs.get(0)).isInstanceOf(DeviceClosedException.class);
    assertThat(recycles).hasValue(0);
  }
}
