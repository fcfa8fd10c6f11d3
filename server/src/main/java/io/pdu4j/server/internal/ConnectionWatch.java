package io.pdu4j.server.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;

/**
 * The header timeout, which Jetty's idle timeout is not: a connection whose first request head is
 * not complete within {@code headerTimeout} of its opening is closed, however slowly it keeps
 * dripping bytes in (the idle timeout restarts at each byte). Also tells what became of each
 * connection: served (at its first request), or, closed before any, timed out (by this watch or by
 * the idle timeout) or a bad request (not HTTP, a head too large, closed by the client).
 */
final class ConnectionWatch implements Connection.Listener {
  /** What became of a connection, as counted ({@code pdu.http.connections}). */
  enum Outcome {
    SERVED,
    TIMED_OUT,
    BAD_REQUEST;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private record Watched(long openedAt, ScheduledFuture<?> deadline, boolean[] cut) {}

  private final ScheduledExecutorService timer;
  private final Duration headerTimeout;
  private final Duration idleTimeout;
  private final Consumer<Outcome> counter;
  private final Map<Connection, Watched> waiting = new ConcurrentHashMap<>();

  ConnectionWatch(
      ScheduledExecutorService timer,
      Duration headerTimeout,
      Duration idleTimeout,
      Consumer<Outcome> counter) {
    this.timer = timer;
    this.headerTimeout = headerTimeout;
    this.idleTimeout = idleTimeout;
    this.counter = counter;
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection.getEndPoint() instanceof SslConnection.SslEndPoint) {
      return; // HTTP inside TLS: the TLS connection around it is watched, from the handshake on
    }
    boolean[] cut = new boolean[1];
    ScheduledFuture<?> deadline =
        timer.schedule(
            () -> {
              if (waiting.containsKey(connection)) {
                cut[0] = true;
                connection.getEndPoint().close();
              }
            },
            headerTimeout.toNanos(),
            TimeUnit.NANOSECONDS);
    waiting.put(connection, new Watched(System.nanoTime(), deadline, cut));
  }

  /** A request head arrived on {@code connection}: served; it is no longer watched. */
  void requested(Connection connection) {
    Watched w = waiting.remove(outermost(connection));
    if (w != null) {
      w.deadline().cancel(false);
      counter.accept(Outcome.SERVED);
    }
  }

  /** The connection on the network: the TLS connection around an HTTP one, if any. */
  private static Connection outermost(Connection connection) {
    return connection.getEndPoint() instanceof SslConnection.SslEndPoint tls
        ? tls.getSslConnection()
        : connection;
  }

  @Override
  public void onClosed(Connection connection) {
    Watched w = waiting.remove(connection);
    if (w == null) {
      return; // served, and counted then
    }
    w.deadline().cancel(false);
    long age = System.nanoTime() - w.openedAt();
    // Jetty does not say why it closed; a connection that lived the whole idle timeout was idle
    boolean idle = age >= idleTimeout.toNanos() * 9 / 10;
    counter.accept(w.cut()[0] || idle ? Outcome.TIMED_OUT : Outcome.BAD_REQUEST);
  }
}
