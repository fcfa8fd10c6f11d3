package io.pdu4j.bench;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the benchmarks' in-memory links share: up once opened (the listener told so on the
 * executor), carrying unsolicited frames, down when closed; a subclass says what a send does. The
 * benchmarks hand the device its bytes through {@link #listener} themselves, so that a measured
 * push or reading passes through the real driver and runtime and no network.
 */
abstract class BenchLink implements Link {
  private final Kind kind;
  private final String describe;
  private final ScheduledExecutorService executor;
  volatile LinkListener listener;
  volatile boolean open;

  BenchLink(Kind kind, String describe, ScheduledExecutorService executor) {
    this.kind = kind;
    this.describe = describe;
    this.executor = executor;
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
    return describe;
  }

  @Override
  public ScheduledExecutorService executor() {
    return executor;
  }

  /** Completes once the listener heard it is up, on the executor. */
  @Override
  public CompletionStage<Void> open(LinkListener l) {
    listener = l;
    open = true;
    CompletableFuture<Void> up = new CompletableFuture<>();
    executor.execute(
        () -> {
          l.onUp();
          up.complete(null);
        });
    return up;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Completes once the listener heard it is down (closed), on the executor. */
  @Override
  public CompletionStage<Void> close() {
    open = false;
    LinkListener l = listener;
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (l == null) {
      done.complete(null);
      return done;
    }
    executor.execute(
        () -> {
          l.onDown(new DeviceClosedException("closed"));
          done.complete(null);
        });
    return done;
  }
}
