package io.pdu4j.mqtt.internal;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded queue between the devices' threads and the one thread that publishes. {@link #offer}
 * never blocks: a message that finds the queue full is dropped and counted. Retained messages are
 * sent only when their payload differs from the last one sent on their topic (readings repeat); a
 * dropped one is forgotten, so that the next value on its topic goes out.
 */
final class Outbox {
  private final BlockingQueue<Message> queue;
  private final Map<String, String> lastRetained = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();

  Outbox(int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /** Queues {@code m} unless it repeats its topic's retained payload; never blocks. */
  void offer(Message m) {
    Objects.requireNonNull(m, "m");
    if (m.retain()) {
      String before = lastRetained.put(m.topic(), m.payload());
      if (m.payload().equals(before)) {
        return;
      }
    }
    if (!queue.offer(m)) {
      dropped.incrementAndGet();
      if (m.retain()) {
        lastRetained.remove(m.topic(), m.payload());
      }
    }
  }

  /**
   * Queues {@code m} even when it repeats its topic's last payload, and leaves that payload as it
   * is: for a topic another client wrote since (a peer's device marked offline, or this node's
   * device set right again); never blocks.
   */
  void force(Message m) {
    Objects.requireNonNull(m, "m");
    if (!queue.offer(m)) {
      dropped.incrementAndGet();
    }
  }

  /** Notes a retained message sent without the queue, so that its repetitions are not sent. */
  void remember(Message m) {
    if (m.retain()) {
      lastRetained.put(m.topic(), m.payload());
    }
  }

  /** The next message, waiting at most {@code millis}; null when none came. */
  Message poll(long millis) throws InterruptedException {
    return queue.poll(millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Forgets what was queued and sent: after a reconnect everything is published again, and what
   * waited from before would only repeat it.
   */
  void reset() {
    queue.clear();
    lastRetained.clear();
  }

  /** Messages dropped because the queue was full. */
  long dropped() {
    return dropped.get();
  }

  /** Messages waiting. */
  int size() {
    return queue.size();
  }
}
