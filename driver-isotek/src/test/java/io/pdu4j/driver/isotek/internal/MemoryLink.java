package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory stream link for transcript tests of the session: the test reads what the driver
 * wrote and delivers exactly the bytes a unit would send, at exactly the moment it chooses. Calls
 * the listener on the device executor, as real links do. Not a stand-in for a transport: the
 * over-TCP tests run against the real one.
 */
final class MemoryLink implements Link {
  private final ScheduledExecutorService executor;
  private final boolean carriesUnsolicited;
  private final LinkedBlockingQueue<String> sent = new LinkedBlockingQueue<>();
  final AtomicInteger opens = new AtomicInteger();
  volatile PowerDeviceException refuseOpen;
  private volatile LinkListener listener;
  private volatile boolean open;

  MemoryLink(ScheduledExecutorService executor, boolean carriesUnsolicited) {
    this.executor = executor;
    this.carriesUnsolicited = carriesUnsolicited;
  }

  @Override
  public Kind kind() {
    return Kind.STREAM;
  }

  @Override
  public boolean carriesUnsolicited() {
    return carriesUnsolicited;
  }

  @Override
  public String describe() {
    return "memory";
  }

  @Override
  public ScheduledExecutorService executor() {
    return executor;
  }

  @Override
  public CompletionStage<Void> open(LinkListener l) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    executor.execute(
        () -> {
          opens.incrementAndGet();
          if (open) {
            f.completeExceptionally(new IllegalStateException("already open"));
          } else if (refuseOpen != null) {
            f.completeExceptionally(refuseOpen);
          } else {
            listener = l;
            open = true;
            l.onUp();
            f.complete(null);
          }
        });
    return f;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public CompletionStage<Void> send(ByteBuffer data) {
    String text = StandardCharsets.ISO_8859_1.decode(data).toString();
    CompletableFuture<Void> f = new CompletableFuture<>();
    executor.execute(
        () -> {
          if (!open) {
            f.completeExceptionally(new LinkLostException("not open"));
          } else {
            sent.add(text);
            f.complete(null);
          }
        });
    return f;
  }

  @Override
  public CompletionStage<Void> close() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    executor.execute(
        () -> {
          down(new DeviceClosedException("closed"));
          f.complete(null);
        });
    return f;
  }

  /** The unit sends these bytes. */
  void deliver(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    executor.execute(
        () -> {
          if (open) {
            listener.onData(ByteBuffer.wrap(bytes));
          }
        });
  }

  /** The connection breaks. */
  void drop(String reason) {
    executor.execute(() -> down(new LinkLostException(reason)));
  }

  private void down(PowerDeviceException cause) {
    if (open) {
      open = false;
      listener.onDown(cause);
    }
  }

  /** The next thing the driver wrote, waiting up to 5 s; fails the test if nothing comes. */
  String nextSent() {
    try {
      String s = sent.poll(5, TimeUnit.SECONDS);
      if (s == null) {
        throw new AssertionError("the driver sent nothing within 5 s");
      }
      return s;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** What the driver wrote within {@code wait}, or null. */
  String sentWithin(Duration wait) {
    try {
      return sent.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
