package io.pdu4j.transport.serial.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Back-pressure on reading: counts the bytes read that wait for the device's executor, and pauses
 * the reader above a high mark until the executor brings them below a low mark.
 */
final class InboundGate {
  private final int high;
  private final int low;
  private final AtomicInteger waiting = new AtomicInteger();
  private final Object gate = new Object();

  InboundGate(int high, int low) {
    this.high = high;
    this.low = low;
  }

  /** Bytes read that wait for the executor. */
  int waiting() {
    return waiting.get();
  }

  /** Whether the reader must pause before reading more. */
  boolean full() {
    return waiting.get() >= high;
  }

  /**
   * On the reader: waits until the backlog is below the low mark, {@code stopped}, or {@code
   * timeoutMillis} passed (the caller loops).
   */
  void awaitRoom(java.util.function.BooleanSupplier stopped, int timeoutMillis)
      throws InterruptedException {
    synchronized (gate) {
      while (!stopped.getAsBoolean() && waiting.get() >= low) {
        gate.wait(timeoutMillis);
      }
    }
  }

  /** On the reader: {@code n} bytes were read and handed to the executor. */
  void read(int n) {
    waiting.addAndGet(n);
  }

  /** On the executor, after a chunk was delivered: resumes a paused reader. */
  void consumed(int n) {
    int after = waiting.addAndGet(-n);
    if (after < low && after + n >= low) {
      wake();
    }
  }

  /** Wakes a paused reader, e.g. to notice a stop. */
  void wake() {
    synchronized (gate) {
      gate.notifyAll();
    }
  }
}
