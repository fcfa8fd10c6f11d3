package io.pdu4j.spi.transport;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open, up and down bookkeeping that every {@link Link} keeps the same way, for transport
 * authors: the stage of an open in progress, the listener, {@code onDown} exactly once per {@code
 * onUp}, and listener calls whose exceptions never escape into the transport.
 *
 * <p>Threading: everything but {@link #execute} and {@link #failed} must be called on the link's
 * executor, where this object's state lives. What identifies a connection (a channel, a port, a
 * socket membership) stays with the link: it decides which events are current, this class decides
 * what the listener hears.
 */
public final class LinkLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(LinkLifecycle.class);

  private final String description;
  private final Executor executor;
  private final BooleanSupplier onExecutorNow;

  // Confined to the executor.
  private CompletableFuture<Void> opening;
  private LinkListener listener;
  private boolean up;

  /**
   * Creates the bookkeeping of a closed link.
   *
   * @param description the link's {@link Link#describe()}, used in messages
   * @param executor the link's executor
   * @param onExecutorNow whether the calling thread is the executor's (tasks then run at once);
   *     {@code () -> false} when that cannot be known, and every task is queued
   */
  public LinkLifecycle(String description, Executor executor, BooleanSupplier onExecutorNow) {
    this.description = Objects.requireNonNull(description, "description");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.onExecutorNow = Objects.requireNonNull(onExecutorNow, "onExecutorNow");
  }

  /**
   * Implements {@link Link#open}: on the executor, refuses a second open while opening or up, else
   * records the listener and runs {@code begin}, which must end in {@link #opened()} or {@link
   * #failOpen}.
   */
  public CompletionStage<Void> open(LinkListener newListener, Runnable begin) {
    Objects.requireNonNull(newListener, "listener");
    Objects.requireNonNull(begin, "begin");
    CompletableFuture<Void> stage = new CompletableFuture<>();
    execute(
        () -> {
          if (opening != null || up) {
            stage.completeExceptionally(
                new IllegalStateException(
                    description + " is already " + (opening != null ? "opening" : "open")));
            return;
          }
          opening = stage;
          listener = newListener;
          begin.run();
        },
        () ->
            stage.completeExceptionally(
                new IllegalStateException(description + ": the device executor is shut down")));
    return stage.minimalCompletionStage();
  }

  /** Whether an open is in progress. */
  public boolean isOpening() {
    return opening != null;
  }

  /** Whether the link is up (between {@link #opened()} and {@link #down}). */
  public boolean isUp() {
    return up;
  }

  /** The open in progress succeeded: the listener hears {@code onUp}, then the stage completes. */
  public void opened() {
    CompletableFuture<Void> stage = opening;
    if (stage == null) {
      throw new IllegalStateException(description + " is not opening");
    }
    opening = null;
    up = true;
    try {
      listener.onUp();
    } catch (RuntimeException e) {
      LOG.warn("{}: listener failed in onUp", description, e);
    }
    stage.complete(null);
  }

  /** The open in progress failed with {@code error}; no-op when none is in progress. */
  public void failOpen(PowerDeviceException error) {
    CompletableFuture<Void> stage = opening;
    if (stage == null) {
      return;
    }
    opening = null;
    listener = null;
    LOG.debug("{} could not be opened: {}", description, error.getMessage());
    stage.completeExceptionally(error);
  }

  /** Bytes arrived on the current connection: handed to the listener while up. */
  public void data(ByteBuffer data) {
    LinkListener l = listener;
    if (!up || l == null) {
      return;
    }
    try {
      l.onData(data);
    } catch (RuntimeException e) {
      LOG.warn("{}: listener failed in onData", description, e);
    }
  }

  /** A datagram arrived on the current endpoint: handed to the listener while up. */
  public void datagram(Datagram datagram) {
    LinkListener l = listener;
    if (!up || l == null) {
      return;
    }
    try {
      l.onDatagram(datagram);
    } catch (RuntimeException e) {
      LOG.warn("{}: listener failed in onDatagram", description, e);
    }
  }

  /**
   * The current connection went down: the listener hears {@code onDown(reason)} once and is
   * forgotten. Returns false (and does nothing) when the link was not up.
   */
  public boolean down(PowerDeviceException reason) {
    if (!up) {
      return false;
    }
    up = false;
    LinkListener l = listener;
    listener = null;
    LOG.debug("{} down: {}", description, reason.getMessage());
    try {
      l.onDown(reason);
    } catch (RuntimeException e) {
      LOG.warn("{}: listener failed in onDown", description, e);
    }
    return true;
  }

  /**
   * The caller closed the link: an open in progress fails with {@link DeviceClosedException}, and a
   * link that was up goes down with one.
   */
  public void closed() {
    if (opening != null) {
      failOpen(new DeviceClosedException(description + " was closed while opening"));
    }
    down(new DeviceClosedException(description + " was closed"));
  }

  /**
   * Runs a task on the executor: at once when already on it, else queued; {@code ifRejected} runs
   * on the calling thread when the executor refuses the task (it has shut down). Any thread.
   */
  public void execute(Runnable task, Runnable ifRejected) {
    if (onExecutorNow.getAsBoolean()) {
      task.run();
      return;
    }
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      ifRejected.run();
    }
  }

  /** A stage that fails with {@code error} on the executor (here, if it has shut down). */
  public <T> CompletionStage<T> failed(PowerDeviceException error) {
    CompletableFuture<T> stage = new CompletableFuture<>();
    Runnable fail = () -> stage.completeExceptionally(error);
    execute(fail, fail);
    return stage.minimalCompletionStage();
  }

  /** Completes {@code stage} on the executor (here, if it has shut down). */
  public void completeOnExecutor(CompletableFuture<Void> stage) {
    Runnable done = () -> stage.complete(null);
    execute(done, done);
  }

  @Override
  public String toString() {
    return "LinkLifecycle["
        + description
        + (up ? ", up" : opening != null ? ", opening" : "")
        + "]";
  }
}
