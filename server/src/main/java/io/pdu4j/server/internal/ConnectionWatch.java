package io.pdu4j.server.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;

/**
 * The header timeout, which Jetty's idle timeout is not: a connection whose first request head is
 * not complete within {@code headerTimeout} of its opening is closed, however slowly it keeps
 * dripping bytes in (the idle timeout restarts at each byte).
 */
final class ConnectionWatch implements Connection.Listener {
  private final ScheduledExecutorService timer;
  private final Duration headerTimeout;
  private final Map<Connection, ScheduledFuture<?>> waiting = new ConcurrentHashMap<>();

  ConnectionWatch(ScheduledExecutorService timer, Duration headerTimeout) {
    this.timer = timer;
    this.headerTimeout = headerTimeout;
  }

  @Override
  public void onOpened(Connection connection) {
    waiting.put(
        connection,
        timer.schedule(
            () -> {
              if (waiting.remove(connection) != null) {
                connection.getEndPoint().close();
              }
            },
            headerTimeout.toNanos(),
            TimeUnit.NANOSECONDS));
  }

  /** A request head arrived on {@code connection}: it is no longer watched. */
  void requested(Connection connection) {
    ScheduledFuture<?> f = waiting.remove(connection);
    if (f != null) {
      f.cancel(false);
    }
  }

  @Override
  public void onClosed(Connection connection) {
    requested(connection);
  }
}
