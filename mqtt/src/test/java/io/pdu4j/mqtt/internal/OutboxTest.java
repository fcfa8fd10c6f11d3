package io.pdu4j.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutboxTest {
  @Test
  void aFullQueueDropsAndCountsAndNeverBlocks() throws Exception {
    Outbox o = new Outbox(16);
    for (int i = 0; i < 20; i++) {
      o.offer(Message.answer("t/" + i, "x", Optional.empty()));
    }
    assertThat(o.size()).isEqualTo(16);
    assertThat(o.dropped()).isEqualTo(4);
    assertThat(o.poll(0).topic()).isEqualTo("t/0");
  }

  @Test
  void aRetainedPayloadIsSentOnlyWhenItChanges() {
    Outbox o = new Outbox(16);
    o.offer(Message.state("a", "ON"));
    o.offer(Message.state("a", "ON"));
    o.offer(Message.state("a", "OFF"));
    assertThat(o.size()).isEqualTo(2);
    // answers are never merged
    o.offer(Message.answer("r", "{}", Optional.empty()));
    o.offer(Message.answer("r", "{}", Optional.empty()));
    assertThat(o.size()).isEqualTo(4);
  }

  @Test
  void aDroppedRetainedValueIsSentWhenItComesAgain() throws Exception {
    Outbox o = new Outbox(16);
    for (int i = 0; i < 16; i++) {
      o.offer(Message.answer("fill/" + i, "x", Optional.empty()));
    }
    o.offer(Message.state("a", "ON")); // dropped
    assertThat(o.dropped()).isEqualTo(1);
    o.poll(0);
    o.offer(Message.state("a", "ON")); // not a repeat of anything sent
    assertThat(o.size()).isEqualTo(16);
  }

  @Test
  void resetForgetsQueueAndHistory() {
    Outbox o = new Outbox(16);
    o.offer(Message.state("a", "ON"));
    o.reset();
    assertThat(o.size()).isZero();
    o.offer(Message.state("a", "ON"));
    assertThat(o.size()).isEqualTo(1);
  }

  @Test
  void aForcedMessageGoesOutEvenAsARepeatAndIsCountedWhenDropped() throws Exception {
    Outbox o = new Outbox(16);
    o.offer(Message.state("a/availability", "online"));
    o.force(Message.state("a/availability", "online"));
    o.force(Message.state("b/availability", "offline"));
    o.force(Message.state("b/availability", "offline"));
    assertThat(o.size()).isEqualTo(4);
    // what was offered last is still remembered: a repeat of it is not queued
    o.offer(Message.state("a/availability", "online"));
    assertThat(o.size()).isEqualTo(4);
    for (int i = 0; i < 12; i++) {
      o.force(Message.state("c/" + i, "x"));
    }
    o.force(Message.state("d", "x"));
    assertThat(o.dropped()).isEqualTo(1);
  }
}
