package io.pdu4j.driver.extron.internal;

import static org.awaitility.Awaitility.await;

import io.pdu4j.api.LinkLostException;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;

/** A stream link driven by the test: what is sent is recorded, what is fed is delivered. */
final class ScriptedLink implements Link {
  private final ScheduledExecutorService executor;

  ScriptedLink(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  final List<String> sends = new CopyOnWriteArrayList<>();
  volatile LinkListener listener;
  volatile boolean open;
  volatile boolean closed;

  String sent() {
    return String.join("", sends);
  }

  /**
   * Delivers {@code chunks} once the link is open: a tunnel opens its inner link only after reading
   * its secret off the executor, and a real link delivers nothing before it is open either.
   */
  void feed(String... chunks) {
    await().atMost(Duration.ofSeconds(5)).until(() -> open);
    for (String c : chunks) {
      executor.execute(
          () -> listener.onData(ByteBuffer.wrap(c.getBytes(StandardCharsets.ISO_8859_1))));
    }
  }

  void drop() {
    executor.execute(
        () -> {
          open = false;
          listener.onDown(new LinkLostException("reset by peer"));
        });
  }

  @Override
  public Kind kind() {
    return Kind.STREAM;
  }

  @Override
  public boolean carriesUnsolicited() {
    return true;
  }

  @Override
  public String describe() {
    return "fake";
  }

  @Override
  public ScheduledExecutorService executor() {
    return executor;
  }

  @Override
  public CompletionStage<Void> open(LinkListener l) {
    listener = l;
    open = true;
    closed = false;
    l.onUp();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public CompletionStage<Void> send(ByteBuffer data) {
    byte[] b = new byte[data.remaining()];
    data.get(b);
    sends.add(new String(b, StandardCharsets.ISO_8859_1));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> close() {
    if (open) {
      open = false;
      closed = true;
      LinkListener l = listener;
      executor.execute(() -> l.onDown(new LinkLostException("closed")));
    }
    closed = true;
    return CompletableFuture.completedFuture(null);
  }
}
