package io.pdu4j.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.runtime.FakeTransport.MemLink;
import io.pdu4j.spi.LinkListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A reopen waits for a slot of the gate, holds it until the device answered, and can be closed. */
class PacedLinkTest {
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final MemLink stub = new MemLink("stub", executor);
  private final OpenGate gate = new OpenGate(1, executor);
  private final PacedLink link = new PacedLink(stub, gate, Duration.ofMinutes(1), Duration.ZERO);
  private final AtomicInteger ups = new AtomicInteger();
  private final LinkListener listener =
      new LinkListener() {
        @Override
        public void onUp() {
          ups.incrementAndGet();
        }

        @Override
        public void onDown(PowerDeviceException cause) {}
      };

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void aReopenWaitsForASlotAndHoldsItUntilTheDeviceAnswered() throws Exception {
    // the first open goes straight through: its opener holds a slot already
    link.open(listener).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(gate.inFlight()).isZero();
    link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);

    gate.submit(() -> {}); // another device's open holds the one slot
    CompletableFuture<Void> reopened = link.open(listener).toCompletableFuture();
    await().atMost(Duration.ofSeconds(5)).until(() -> gate.waiting() == 1);
    assertThat(reopened).isNotDone();
    assertThat(ups).hasValue(1);

    gate.release(); // the other device answered: the reopen gets the slot
    reopened.get(5, TimeUnit.SECONDS);
    assertThat(ups).hasValue(2);
    assertThat(gate.inFlight()).isEqualTo(1);
    link.answered(); // its first status
    assertThat(gate.inFlight()).isZero();
  }

  @Test
  void aReopenClosedWhileItWaitsFailsAsClosedAndGivesItsSlotBack() throws Exception {
    link.open(listener).toCompletableFuture().get(5, TimeUnit.SECONDS);
    link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
    gate.submit(() -> {});
    CompletableFuture<Void> reopened = link.open(listener).toCompletableFuture();
    await().atMost(Duration.ofSeconds(5)).until(() -> gate.waiting() == 1);

    link.close();
    ExecutionException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ExecutionException.class, () -> reopened.get(5, TimeUnit.SECONDS));
    assertThat(e).hasCauseInstanceOf(DeviceClosedException.class);
    gate.release(); // the abandoned reopen gets the slot and gives it back at once
    await().atMost(Duration.ofSeconds(5)).until(() -> gate.inFlight() == 0);
    assertThat(ups).hasValue(1);
    assertThat(stub.isOpen()).isFalse();
  }

  @Test
  void aReopenThatGoesDownBeforeAnsweringGivesItsSlotBack() throws Exception {
    link.open(listener).toCompletableFuture().get(5, TimeUnit.SECONDS);
    link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
    link.open(listener).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(gate.inFlight()).isEqualTo(1);
    link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(gate.inFlight()).isZero();
  }
}
