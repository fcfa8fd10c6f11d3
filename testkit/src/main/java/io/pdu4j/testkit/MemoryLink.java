package io.pdu4j.testkit;

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
 * An in-memory link for transcript tests of a driver's session: the test reads what the driver
 * wrote ({@link #nextSent}) and delivers exactly the bytes a device would send ({@link #deliver}),
 * at exactly the moment it chooses. Every listener call, and every stage completion, happens on the
 * device executor, as with real links. Not a stand-in for a transport: over-TCP tests run against
 * the real one.
 *
 * <p>Opening an open link fails; {@link #refuseOpen} makes opens fail with a given exception;
 * {@link #drop} breaks the connection ({@link LinkLostException}); {@link #close} takes it down
 * with {@link DeviceClosedException}. Thread-safe.
 */
public final class MemoryLink implements Link {
  private final ScheduledExecutorService executor;
  private final Kind kind;
  private final boolean carriesUnsolicited;
  private final String describe;
  private final LinkedBlockingQueue<String> sent = new LinkedBlockingQueue<>();
  private final AtomicInteger opens = new AtomicInteger();
  private volatile PowerDeviceException refuseOpen;
  private volatile LinkListener listener;
  private volatile boolean open;

  /**
   * A closed stream link named {@code memory}.
   *
   * @param executor the device executor the listener is called on
   * @param carriesUnsolicited whether it carries what the device sends unasked (a tunnel does not)
   */
  public MemoryLink(ScheduledExecutorService executor, boolean carriesUnsolicited) {
    this(executor, Kind.STREAM, carriesUnsolicited, "memory");
  }

  /** A closed link of {@code kind}, described as {@code describe}. */
  public MemoryLink(
      ScheduledExecutorService executor, Kind kind, boolean carriesUnsolicited, String describe) {
    this.executor = executor;
    this.kind = kind;
    this.carriesUnsolicited = carriesUnsolicited;
    this.describe = describe;
  }

  @Override
  public Kind kind() {
    return kind;
  }

  @Override
  public boolean carriesUnsolicited() {
    return carriesUnsolicited;
  }

  @Override
  public String describe() {
    return describe;
  }

  @Override
  public ScheduledExecutorService executor() {
    return executor;
  }

  /** How many times it was asked to open, refused opens included. */
  public int opens() {
    return opens.get();
  }

  /** Makes the next opens fail with {@code failure}; null lets them succeed again. */
  public void refuseOpen(PowerDeviceException failure) {
    this.refuseOpen = failure;
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

  /** The device sends these bytes (ISO-8859-1), delivered on the executor while open. */
  public void deliver(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    executor.execute(
        () -> {
          if (open) {
            listener.onData(ByteBuffer.wrap(bytes));
          }
        });
  }

  /** The connection breaks, with {@code reason}. */
  public void drop(String reason) {
    executor.execute(() -> down(new LinkLostException(reason)));
  }

  private void down(PowerDeviceException cause) {
    if (open) {
      open = false;
      listener.onDown(cause);
    }
  }

  /** The next thing the driver wrote, waiting up to 5 s; fails the test if nothing comes. */
  public String nextSent() {
    String s = sentWithin(Duration.ofSeconds(5));
    if (s == null) {
      throw new AssertionError("the driver sent nothing within 5 s");
    }
    return s;
  }

  /** The next thing the driver wrote within {@code wait}, or null. */
  public String sentWithin(Duration wait) {
    try {
      return sent.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
