package io.pdu4j.runtime.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closes a runtime's devices on shutdown, all at once and within a bound. */
final class DeviceClosers {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceClosers.class);

  /** How long close waits for the devices to close, all at once. */
  private static final Duration DEVICES_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** At most this many threads close devices at once on shutdown. */
  private static final int CLOSERS = 8;

  private DeviceClosers() {}

  /**
   * Closes the devices all at once, so that each refuses new commands at the same moment and the
   * whole takes about as long as the slowest, bounded by {@link #DEVICES_CLOSE_TIMEOUT}; one by one
   * when {@code onIoThread}, since the closing devices may need that thread.
   */
  static void closeAll(List<OpenDevices.Entry> toClose, boolean onIoThread) {
    if (toClose.size() <= 1 || onIoThread) {
      toClose.forEach(OpenDevices.Entry::close);
      return;
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService closers =
        Executors.newFixedThreadPool(
            Math.min(CLOSERS, toClose.size()),
            r -> {
              Thread t = new Thread(r, "pdu4j-close-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      toClose.forEach(e -> closers.execute(e::close));
    } finally {
      closers.shutdown();
    }
    boolean done = false;
    try {
      done = closers.awaitTermination(DEVICES_CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!done) {
      LOG.warn("not every device closed within {}; going on", DEVICES_CLOSE_TIMEOUT);
      closers.shutdownNow();
    }
  }
}
