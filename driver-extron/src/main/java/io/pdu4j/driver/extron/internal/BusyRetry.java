package io.pdu4j.driver.extron.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an IPCP request again when the IPCP answers E22 (busy): up to a number of retries, a pause
 * apart, on the link's executor; then the last E22 fails the request. Both tunnel forms (Telnet and
 * web) use it.
 */
final class BusyRetry {
  private static final Logger LOG = LoggerFactory.getLogger(BusyRetry.class);

  private BusyRetry() {}

  /**
   * The result of {@code attempt}, retried after E22.
   *
   * @param attempt makes one attempt (called on {@code executor})
   * @param retries how many times to try again after the first E22
   * @param pause the wait before each retry
   * @param describe the link, for the log
   */
  static <T> CompletionStage<T> call(
      Supplier<CompletionStage<T>> attempt,
      int retries,
      Duration pause,
      ScheduledExecutorService executor,
      String describe) {
    CompletableFuture<T> result = new CompletableFuture<>();
    next(attempt, 0, retries, pause, executor, describe, result);
    return result;
  }

  /**
   * One request of a tunnel: {@code attempt} with the settings' E22 retries; {@code result}
   * completes when the IPCP has answered (or failed), and then a non-empty reply goes to {@code
   * deliver}, after the stage, as the inner driver expects its data after its send.
   */
  static void request(
      Supplier<CompletionStage<byte[]>> attempt,
      TunnelSettings settings,
      ScheduledExecutorService executor,
      String describe,
      CompletableFuture<Void> result,
      Consumer<byte[]> deliver) {
    call(attempt, settings.busyRetries(), settings.busyPause(), executor, describe)
        .whenComplete(
            (reply, t) -> {
              if (t != null) {
                result.completeExceptionally(t);
                return;
              }
              result.complete(null);
              if (reply.length > 0) {
                deliver.accept(reply);
              }
            });
  }

  private static <T> void next(
      Supplier<CompletionStage<T>> attempt,
      int tried,
      int retries,
      Duration pause,
      ScheduledExecutorService executor,
      String describe,
      CompletableFuture<T> result) {
    attempt
        .get()
        .whenComplete(
            (v, t) -> {
              Throwable cause =
                  t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
              if (cause == null) {
                result.complete(v);
              } else if (tried < retries && SisCodec.isBusy(cause)) {
                LOG.debug(
                    "{}: IPCP busy (E22), trying again in {} ms ({} of {})",
                    describe,
                    pause.toMillis(),
                    tried + 1,
                    retries);
                try {
                  executor.schedule(
                      () -> next(attempt, tried + 1, retries, pause, executor, describe, result),
                      pause.toNanos(),
                      TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                  result.completeExceptionally(cause);
                }
              } else {
                result.completeExceptionally(cause);
              }
            });
  }
}
