package io.pdu4j.server.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One client's Server-Sent Events stream. Events are queued (bounded) by whatever thread produced
 * them, a device's I/O thread included, and written by Jetty's non-blocking writes, one write at a
 * time with whatever queued meanwhile: {@link #offer} never blocks. A client that does not read
 * fills its queue and is dropped.
 */
final class EventStream {
  private final Response response;
  private final Callback done;
  private final Predicate<String> allowed;
  private final BlockingQueue<String> queue;
  private final AtomicBoolean writing = new AtomicBoolean();
  private final AtomicBoolean ended = new AtomicBoolean();
  private final Runnable onDropped;
  private final Runnable onEnded;

  /**
   * @param allowed whether the client may see a device's events, by the device's name
   * @param onDropped told once when the client is dropped as too slow
   * @param onEnded told once when the stream ends, however it ends
   */
  EventStream(
      Response response,
      Callback done,
      Predicate<String> allowed,
      int capacity,
      Runnable onDropped,
      Runnable onEnded) {
    this.response = response;
    this.done = done;
    this.allowed = allowed;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.onDropped = onDropped;
    this.onEnded = onEnded;
  }

  /** Whether the client may see events of the device called {@code device}. */
  boolean allows(String device) {
    return allowed.test(device);
  }

  /**
   * Queues one event's text ({@code event:}/{@code data:} lines and the blank line). When the queue
   * is full the client is dropped.
   */
  void offer(String frame) {
    if (ended.get()) {
      return;
    }
    if (!queue.offer(frame)) {
      if (end(
          new java.io.IOException("event stream client too slow: " + queue.size() + " queued"))) {
        onDropped.run();
      }
      return;
    }
    drain();
  }

  private void drain() {
    while (!ended.get() && !queue.isEmpty() && writing.compareAndSet(false, true)) {
      List<String> batch = new ArrayList<>();
      queue.drainTo(batch);
      if (batch.isEmpty()) {
        writing.set(false);
        continue;
      }
      String text = String.join("", batch);
      response.write(
          false,
          ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)),
          Callback.from(
              () -> {
                writing.set(false);
                drain();
              },
              this::end));
      return; // the write's callback drains what queued meanwhile
    }
  }

  /** Ends the stream normally (the server stops). */
  void close() {
    if (ended.compareAndSet(false, true)) {
      onEnded.run();
      done.succeeded();
    }
  }

  private boolean end(Throwable why) {
    if (ended.compareAndSet(false, true)) {
      onEnded.run();
      done.failed(why);
      return true;
    }
    return false;
  }
}
