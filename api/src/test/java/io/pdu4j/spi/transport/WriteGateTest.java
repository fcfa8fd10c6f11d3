package io.pdu4j.spi.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class WriteGateTest {

  @Test
  void aGateNobodyOpenedLetsNoWriterIn() {
    WriteGate gate = new WriteGate();
    assertThat(gate.enter()).isFalse();
    assertThat(gate.isOpen()).isFalse();
  }

  @Test
  void oneWriterAtATimeUntilItIsShut() {
    WriteGate gate = new WriteGate();
    gate.open();
    assertThat(gate.enter()).isTrue();
    assertThat(gate.enter()).as("a second writer meanwhile").isFalse();
    gate.leave();
    assertThat(gate.enter()).isTrue();
    gate.leave();
    gate.shut();
    assertThat(gate.enter()).isFalse();
    assertThat(gate.isOpen()).isFalse();
    gate.open(); // a shut gate stays shut
    assertThat(gate.enter()).isFalse();
    gate.shut(); // idempotent
  }

  @Test
  void shuttingWaitsForTheWriterInside() throws Exception {
    WriteGate gate = new WriteGate();
    gate.open();
    assertThat(gate.enter()).isTrue();
    CountDownLatch shutting = new CountDownLatch(1);
    AtomicBoolean shut = new AtomicBoolean();
    Thread closer =
        new Thread(
            () -> {
              shutting.countDown();
              gate.shut();
              shut.set(true);
            });
    closer.start();
    assertThat(shutting.await(5, TimeUnit.SECONDS)).isTrue();
    closer.join(300);
    assertThat(shut).as("shut while a writer is inside").isFalse();
    assertThat(closer.isAlive()).isTrue();
    gate.leave();
    closer.join(5_000);
    assertThat(shut).isTrue();
    assertThat(gate.enter()).isFalse();
  }

  @Test
  void aTaskMayWaitForTheNextWakeUpOnlyOnAnOpenGateOfALoopThatDoesNotBatchNow() {
    AtomicBoolean batching = new AtomicBoolean();
    WriteGate gate = new WriteGate();
    assertThat(gate.unhurried()).as("not opened").isFalse();
    gate.open(batching::get);
    assertThat(gate.unhurried()).isTrue();
    batching.set(true);
    assertThat(gate.unhurried()).as("the loop reads in batches now").isFalse();
    batching.set(false);
    gate.shut();
    assertThat(gate.unhurried()).as("shut").isFalse();
  }
}
