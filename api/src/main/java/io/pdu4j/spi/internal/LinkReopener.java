package io.pdu4j.spi.internal;

import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.Durations;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.support.Backoff;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a driver's session keeps its link: opens it once, and after it went down opens it again with
 * capped exponential backoff ({@link Backoff}) until the session closes.
 *
 * <p>Threading: confined to the device's executor, like the session that owns it; the reopening
 * timer runs there too.
 */
public final class LinkReopener {
  private static final Logger LOG = LoggerFactory.getLogger(LinkReopener.class);

  private final String device;
  private final Link link;
  private final LinkListener listener;
  private final ScheduledExecutorService executor;
  private final Backoff backoff;
  private final BooleanSupplier closed;
  private ScheduledFuture<?> timer;

  /**
   * A reopener; does no I/O.
   *
   * @param device the device's redacted address, for messages
   * @param link the link to open
   * @param listener the session, which hears the link's events
   * @param executor the device's executor
   * @param backoff the delays between attempts (reset when the link comes up)
   * @param closed whether the session has closed (then nothing is opened any more)
   */
  public LinkReopener(
      String device,
      Link link,
      LinkListener listener,
      ScheduledExecutorService executor,
      Backoff backoff,
      BooleanSupplier closed) {
    this.device = Objects.requireNonNull(device, "device");
    this.link = Objects.requireNonNull(link, "link");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.closed = Objects.requireNonNull(closed, "closed");
  }

  /**
   * Opens the link for the first time; {@code failed} gets the reason if that fails (no retry: a
   * device that cannot be opened at all is the caller's to report).
   */
  public void openFirst(Consumer<PowerDeviceException> failed) {
    open(failed);
  }

  /**
   * The link went down (or a reopening failed): opens it again after the next backoff delay, and
   * again after each failure, telling {@code failed} each time, until the link is up or the session
   * closed.
   */
  public void reopenLater(Consumer<PowerDeviceException> failed) {
    if (closed.getAsBoolean()) {
      return;
    }
    Duration delay = backoff.next();
    LOG.debug("{}: reopening the link in {}", device, Durations.format(delay));
    timer =
        executor.schedule(
            () -> {
              if (!closed.getAsBoolean() && !link.isOpen()) {
                open(
                    failure -> {
                      if (closed.getAsBoolean()) {
                        return;
                      }
                      LOG.info("{}: reopening the link failed: {}", device, failure.getMessage());
                      failed.accept(failure);
                      reopenLater(failed);
                    });
              }
            },
            delay.toNanos(),
            TimeUnit.NANOSECONDS);
  }

  /** The link is up: the next loss starts from the shortest delay again. */
  public void up() {
    backoff.reset();
  }

  /** Stops a pending reopening (the session closes). */
  public void cancel() {
    ScheduledFuture<?> t = timer;
    timer = null;
    if (t != null) {
      t.cancel(false);
    }
  }

  private void open(Consumer<PowerDeviceException> failed) {
    CompletionStage<Void> opened;
    try {
      opened = link.open(listener);
    } catch (RuntimeException e) {
      opened = CompletableFuture.failedFuture(e);
    }
    opened.whenComplete(
        (v, t) -> {
          if (t != null) {
            failed.accept(asDeviceException(t));
          }
        });
  }

  /** What an open failed with, as the project's exception. */
  private PowerDeviceException asDeviceException(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof PowerDeviceException p
        ? p
        : new DeviceUnreachableException(
            "cannot open " + link.describe() + ": " + t, device, null, null, t);
  }
}
