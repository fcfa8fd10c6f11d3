package io.pdu4j.spi.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Running a session's work on its device's one thread from whatever thread asks for it. */
public final class DeviceThread {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceThread.class);

  private DeviceThread() {}

  /**
   * Runs {@code shutdown} on the device's executor and waits at most {@code bound} for it to
   * complete the future it is given (when its link has closed, say). Called on the device's own
   * thread, it runs there and does not wait (waiting would deadlock); when the executor has shut
   * down, it runs on the calling thread, since nothing else can run concurrently any more. A
   * shutdown that throws or does not finish in time is logged, not thrown: closing must not fail.
   *
   * @param device the device's redacted address, for the log
   * @param executor the device's executor
   * @param deviceThread the executor's thread as last seen by the session, or null
   */
  public static void shutDown(
      String device,
      Executor executor,
      Thread deviceThread,
      Consumer<CompletableFuture<Void>> shutdown,
      Duration bound) {
    Objects.requireNonNull(shutdown, "shutdown");
    CompletableFuture<Void> done = new CompletableFuture<>();
    Runnable task =
        () -> {
          try {
            shutdown.accept(done);
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
          }
        };
    if (Thread.currentThread() == deviceThread) {
      task.run();
      return;
    }
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // the executor is gone: nothing else can run concurrently any more
    }
    try {
      done.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("{}: close did not finish cleanly: {}", device, e.toString());
    }
  }
}
