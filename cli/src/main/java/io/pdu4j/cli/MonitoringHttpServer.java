package io.pdu4j.cli;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The small HTTP/1.1 server behind {@code pdu4j serve}'s {@code /metrics} and {@code /health}:
 * {@code GET} and {@code HEAD} of a few fixed paths, one request per connection, every resource
 * bounded so that slow or hostile clients cannot keep a scrape from being answered.
 *
 * <ul>
 *   <li>At most {@code maxConnections} connections at once, one thread each; one more is answered
 *       {@code 503} at once and closed.
 *   <li>A connection that sends nothing for {@code idleTimeout} is closed, and so is one whose
 *       request head (request line and headers, at most 8 KiB) is not complete within {@code
 *       headerTimeout}, however slowly it drips in.
 *   <li>A response that the client does not read within {@code responseTimeout} is abandoned.
 * </ul>
 *
 * <p>Why not the JDK's {@code com.sun.net.httpserver}: its limits ({@code
 * sun.net.httpserver.maxReqTime}, {@code idleInterval}, {@code jdk.httpserver.maxConnections}, …)
 * are JVM-wide system properties read once, shared with any other server an embedding application
 * runs, and it reads request heads on its worker threads, so a few clients that stall mid-header
 * hold every worker until the request time limit. See docs/metrics.md.
 */
final class MonitoringHttpServer implements AutoCloseable {
  /** The longest request head read. */
  static final int MAX_HEAD_BYTES = 8 * 1024;

  /** What the server does with one request: its answer. */
  record Response(int status, String contentType, String body) {}

  /** What happened to a connection, as counted. */
  enum Outcome {
    SERVED,
    REFUSED,
    TIMED_OUT,
    BAD_REQUEST;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final ServerSocket socket;
  private final Map<String, Supplier<Response>> routes;
  private final int maxConnections;
  private final Duration idleTimeout;
  private final Duration headerTimeout;
  private final Duration responseTimeout;
  private final Consumer<Outcome> counter;
  private final ExecutorService workers;
  private final ScheduledExecutorService watchdog;
  private final Thread acceptor;
  private final AtomicInteger active = new AtomicInteger();
  private volatile boolean closed;

  /**
   * Binds (but does not start serving).
   *
   * @param routes path to what answers it
   * @param counter told the outcome of every connection
   * @throws IOException when the address cannot be bound
   */
  MonitoringHttpServer(
      InetSocketAddress address,
      Map<String, Supplier<Response>> routes,
      int maxConnections,
      Duration idleTimeout,
      Duration headerTimeout,
      Duration responseTimeout,
      Consumer<Outcome> counter)
      throws IOException {
    this.routes = Map.copyOf(routes);
    this.maxConnections = maxConnections;
    this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
    this.headerTimeout = Objects.requireNonNull(headerTimeout, "headerTimeout");
    this.responseTimeout = Objects.requireNonNull(responseTimeout, "responseTimeout");
    this.counter = Objects.requireNonNull(counter, "counter");
    this.socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(address, 64);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
    AtomicInteger n = new AtomicInteger();
    this.workers =
        new ThreadPoolExecutor(
            0,
            maxConnections,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> daemon(r, "pdu4j-serve-http-" + n.incrementAndGet()));
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(1, r -> daemon(r, "pdu4j-serve-http-timer"));
    timer.setRemoveOnCancelPolicy(true);
    this.watchdog = timer;
    this.acceptor = daemon(this::acceptLoop, "pdu4j-serve-http-accept");
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Starts accepting connections. */
  void start() {
    acceptor.start();
  }

  /** Where the server listens (the real port when 0 was asked for). */
  InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = socket.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue; // a connection reset before it was accepted, or too many open files: go on
      }
      if (active.incrementAndGet() > maxConnections) {
        active.decrementAndGet();
        refuse(s);
        continue;
      }
      try {
        workers.execute(() -> serve(s));
      } catch (RejectedExecutionException e) {
        active.decrementAndGet();
        refuse(s);
      }
    }
  }

  /** Answers 503 and closes; a fresh socket's send buffer takes the few bytes without waiting. */
  private void refuse(Socket s) {
    counter.accept(Outcome.REFUSED);
    try (s) {
      write(s.getOutputStream(), new Response(503, "text/plain", "too many connections\n"), false);
      s.shutdownOutput();
    } catch (IOException e) {
      // the client is gone already
    }
  }

  private void serve(Socket s) {
    ScheduledFuture<?> deadline = watch(s, headerTimeout);
    Outcome outcome = Outcome.SERVED;
    try (s) {
      s.setSoTimeout((int) Math.max(1, idleTimeout.toMillis()));
      String head;
      try {
        head = readHead(s.getInputStream());
      } catch (SocketTimeoutException e) {
        outcome = Outcome.TIMED_OUT; // idle: nothing came for idleTimeout
        return;
      } catch (SocketException | EOFException e) {
        // closed by the deadline, or by the client
        outcome = deadline.isDone() ? Outcome.TIMED_OUT : Outcome.BAD_REQUEST;
        return;
      }
      deadline.cancel(false);
      if (head == null) {
        outcome = Outcome.BAD_REQUEST;
        write(s.getOutputStream(), new Response(431, "text/plain", "request too large\n"), false);
        return;
      }
      deadline = watch(s, responseTimeout);
      String[] request = head.substring(0, head.indexOf('\n')).strip().split(" ");
      if (request.length != 3 || !request[2].startsWith("HTTP/1.")) {
        outcome = Outcome.BAD_REQUEST;
        write(s.getOutputStream(), new Response(400, "text/plain", "bad request\n"), false);
        return;
      }
      String method = request[0];
      boolean head1 = method.equals("HEAD");
      String target = request[1];
      int query = target.indexOf('?');
      String path = query >= 0 ? target.substring(0, query) : target;
      Supplier<Response> route = routes.get(path);
      Response response;
      if (route == null) {
        response = new Response(404, "text/plain", "not found; try /metrics or /health\n");
      } else if (!method.equals("GET") && !head1) {
        response = new Response(405, "text/plain", "method not allowed\n");
      } else {
        try {
          response = route.get();
        } catch (RuntimeException e) {
          response = new Response(500, "text/plain", "internal error: " + e + "\n");
        }
      }
      write(s.getOutputStream(), response, head1);
      lingerClose(s);
    } catch (IOException | RuntimeException e) {
      if (deadline.isDone()) {
        outcome = Outcome.TIMED_OUT;
      }
    } finally {
      deadline.cancel(false);
      active.decrementAndGet();
      counter.accept(outcome);
    }
  }

  /**
   * Half-closes, then reads what the client still sends (a request body) until it closes, briefly
   * and boundedly: closing with unread input would reset the connection and could lose the answer.
   */
  private static void lingerClose(Socket s) throws IOException {
    s.shutdownOutput();
    s.setSoTimeout(1000);
    InputStream in = s.getInputStream();
    byte[] sink = new byte[4096];
    int total = 0;
    try {
      for (int n; total < 64 * 1024 && (n = in.read(sink)) >= 0; ) {
        total += n;
      }
    } catch (SocketTimeoutException e) {
      // the client keeps it open: close anyway
    }
  }

  private ScheduledFuture<?> watch(Socket s, Duration after) {
    return watchdog.schedule(
        () -> {
          try {
            s.close();
          } catch (IOException e) {
            // closing is all we wanted
          }
        },
        after.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  /**
   * The request head up to its blank line, or null when it is longer than {@link #MAX_HEAD_BYTES}.
   *
   * @throws EOFException when the client closed first
   */
  private static String readHead(InputStream in) throws IOException {
    byte[] buf = new byte[MAX_HEAD_BYTES];
    int n = 0;
    while (n < buf.length) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("closed before the end of the request head");
      }
      buf[n++] = (byte) b;
      if (b == '\n' && (endsWith(buf, n, "\n\n") || endsWith(buf, n, "\r\n\r\n"))) {
        return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  private static boolean endsWith(byte[] buf, int n, String end) {
    if (n < end.length()) {
      return false;
    }
    for (int i = 0; i < end.length(); i++) {
      if (buf[n - end.length() + i] != end.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static void write(OutputStream out, Response r, boolean headOnly) throws IOException {
    byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + r.status()
            + " "
            + reason(r.status())
            + "\r\nContent-Type: "
            + r.contentType()
            + "\r\nContent-Length: "
            + body.length
            + (r.status() == 405 ? "\r\nAllow: GET, HEAD" : "")
            + "\r\nConnection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    if (!headOnly) {
      out.write(body);
    }
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  /** Stops accepting, closes every connection's thread and the timer. Idempotent. */
  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      // closing is all we wanted
    }
    workers.shutdownNow();
    watchdog.shutdownNow();
  }
}
