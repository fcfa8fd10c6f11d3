package io.pdu4j.spi;

import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * An in-memory link for the framework's tests: up on the device's thread as soon as it is opened
 * (unless an open is to be refused), carrying nothing; closing takes it down.
 */
public final class MemoryLink implements Link {
  private final ScheduledExecutorService executor;
  private final Kind kind;
  private volatile LinkListener listener;
  private volatile boolean open;

  /** When set, opens fail with it. */
  public volatile PowerDeviceException refuseOpen;

  /** How many times it was opened. */
  public volatile int opens;

  /** A closed link of that kind, calling back on {@code executor}. */
  public MemoryLink(ScheduledExecutorService executor, Kind kind) {
    this.executor = executor;
    this.kind = kind;
  }

  @Override
  public Kind kind() {
    return kind;
  }

  @Override
  public boolean carriesUnsolicited() {
    return true;
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
          opens++;
          if (refuseOpen != null) {
            f.completeExceptionally(refuseOpen);
            return;
          }
          listener = l;
          open = true;
          l.onUp();
          f.complete(null);
        });
    return f;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public CompletionStage<Void> send(ByteBuffer data) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> close() {
    executor.execute(() -> down(new LinkLostException("closed")));
    return CompletableFuture.completedFuture(null);
  }

  /** The link goes down with {@code cause}; call on the executor. */
  public void down(PowerDeviceException cause) {
    if (open) {
      open = false;
      listener.onDown(cause);
    }
  }
}
