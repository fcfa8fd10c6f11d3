package io.pdu4j.spi;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The window a {@link DeviceDiscoverer} listens for: opens a datagram link (from its {@link
 * DiscoveryContext}), sends the request, if any, at once and again half-way through the window
 * (datagrams get lost: asking twice finds more), hands every datagram received to a receiver, and
 * closes the link when the window has passed. The window is counted from when the first request has
 * been sent (from the open when there is none).
 *
 * <p>Everything runs on the link's executor, so a receiver needs no locks; the discoverer reads
 * what it gathered when the stage completes.
 */
public final class DatagramWindow {
  private DatagramWindow() {}

  /**
   * Opens {@code link}, listens for {@code window}, then closes it. The stage completes once the
   * link is closed after the window, or fails with the link's own exception when it cannot be
   * opened (a port in use: {@link io.pdu4j.api.DeviceUnreachableException}), with the exception of
   * the first request that cannot be sent, or with {@link LinkLostException} when the link goes
   * down during the window.
   *
   * @param link a closed {@link Link.Kind#DATAGRAM} link
   * @param window how long to listen
   * @param request what to send at the start and half-way, or empty to only listen
   * @param receiver takes each datagram received, on the link's executor
   */
  public static CompletionStage<Void> listen(
      Link link, Duration window, Optional<Datagram> request, Consumer<Datagram> receiver) {
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(receiver, "receiver");
    CompletableFuture<Void> done = new CompletableFuture<>();
    LinkListener listener =
        new LinkListener() {
          @Override
          public void onUp() {
            // the window starts when open() completes, just after this
          }

          @Override
          public void onDatagram(Datagram datagram) {
            if (!done.isDone()) {
              receiver.accept(datagram);
            }
          }

          @Override
          public void onDown(PowerDeviceException cause) {
            if (!done.isDone()) {
              done.completeExceptionally(
                  new LinkLostException(
                      link.describe() + " went down during the discovery window", cause));
            }
          }
        };
    link.open(listener)
        .whenComplete(
            (v, openFailure) -> {
              if (openFailure != null) {
                done.completeExceptionally(PowerDeviceException.unwrap(openFailure));
                return;
              }
              // the window starts once the request has left, so that a slow first write (a cold
              // I/O library) does not eat the time the answers have; a write that hangs for a
              // whole window no longer holds it back
              CompletableFuture<Void> asked =
                  request.isPresent()
                      ? send(link, request.get(), done)
                          .toCompletableFuture()
                          .completeOnTimeout(null, window.toNanos(), TimeUnit.NANOSECONDS)
                      : CompletableFuture.completedFuture(null);
              asked.whenCompleteAsync(
                  (x, sendFailure) -> {
                    try {
                      request.ifPresent(
                          r ->
                              link.executor()
                                  .schedule(
                                      () -> send(link, r, done),
                                      window.toNanos() / 2,
                                      TimeUnit.NANOSECONDS));
                      link.executor()
                          .schedule(
                              () -> done.complete(null), window.toNanos(), TimeUnit.NANOSECONDS);
                    } catch (RejectedExecutionException e) {
                      done.completeExceptionally(
                          new DeviceClosedException(
                              link.describe() + ": its executor is shut down", e));
                    }
                  },
                  link.executor());
            });
    CompletableFuture<Void> closed = new CompletableFuture<>();
    done.whenComplete(
        (v, failure) ->
            link.close()
                .whenComplete(
                    (c, closeFailure) -> {
                      if (failure != null) {
                        closed.completeExceptionally(failure);
                      } else {
                        closed.complete(null);
                      }
                    }));
    return closed;
  }

  /** Sends one request; a failure fails the window. Completes when it is sent or failed. */
  private static CompletionStage<Void> send(
      Link link, Datagram request, CompletableFuture<Void> done) {
    if (done.isDone()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> sent = new CompletableFuture<>();
    link.send(request)
        .whenComplete(
            (v, t) -> {
              if (t != null) {
                done.completeExceptionally(PowerDeviceException.unwrap(t));
              }
              sent.complete(null);
            });
    return sent;
  }
}
