package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bounded HTTP server of {@code pdu4j serve}, over real loopback sockets, short timeouts. */
class MonitoringHttpServerTest {
  private final ConcurrentMap<MonitoringHttpServer.Outcome, AtomicInteger> counts =
      new ConcurrentHashMap<>();
  private final List<Socket> clients = new ArrayList<>();
  private MonitoringHttpServer server;

  private MonitoringHttpServer start(int max, Duration idle, Duration header) throws IOException {
    server =
        new MonitoringHttpServer(
            new InetSocketAddress("127.0.0.1", 0),
            Map.of(
                "/metrics",
                () -> new MonitoringHttpServer.Response(200, "text/plain", "pdu_up 1\n")),
            max,
            idle,
            header,
            Duration.ofSeconds(5),
            o -> counts.computeIfAbsent(o, k -> new AtomicInteger()).incrementAndGet());
    server.start();
    return server;
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : clients) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private int count(MonitoringHttpServer.Outcome o) {
    AtomicInteger n = counts.get(o);
    return n == null ? 0 : n.get();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", server.address().getPort());
    s.setSoTimeout(10_000);
    clients.add(s);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  /** Everything the server sends until it closes. */
  private static String readAll(Socket s) throws IOException {
    return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  private String request(String head) throws IOException {
    try (Socket s = connect()) {
      send(s, head);
      return readAll(s);
    }
  }

  @Test
  void answersGetAndHeadAndRefusesWhatItDoesNotServe() throws IOException {
    start(4, Duration.ofSeconds(5), Duration.ofSeconds(5));
    assertThat(request("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"))
        .startsWith("HTTP/1.1 200 OK\r\n")
        .contains("Content-Length: 9\r\n")
        .contains("Connection: close\r\n")
        .endsWith("\r\n\r\npdu_up 1\n");
    assertThat(request("HEAD /metrics?x=1 HTTP/1.0\n\n"))
        .startsWith("HTTP/1.1 200 OK\r\n")
        .endsWith("\r\n\r\n");
    assertThat(request("GET /nope HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 404 ");
    assertThat(request("POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"))
        .startsWith("HTTP/1.1 405 ")
        .contains("Allow: GET, HEAD\r\n");
    assertThat(request("hello\r\n\r\n")).startsWith("HTTP/1.1 400 ");
    assertThat(request("GET /metrics HTTP/1.1\r\nX: " + "a".repeat(9000) + "\r\n\r\n"))
        .startsWith("HTTP/1.1 431 ");
    assertThat(count(MonitoringHttpServer.Outcome.SERVED)).isEqualTo(4);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> count(MonitoringHttpServer.Outcome.BAD_REQUEST), n -> n == 2);
  }

  @Test
  void aSilentConnectionIsClosedAfterTheIdleTimeout() throws IOException {
    start(4, Duration.ofMillis(300), Duration.ofSeconds(30));
    Socket silent = connect();
    assertThat(silent.getInputStream().read()).as("closed by the server").isEqualTo(-1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> count(MonitoringHttpServer.Outcome.TIMED_OUT), n -> n == 1);
  }

  @Test
  void aHeadDrippingInIsCutAtTheHeaderTimeoutThoughNeverIdle() throws Exception {
    start(4, Duration.ofSeconds(2), Duration.ofSeconds(1));
    Socket drip = connect();
    InputStream in = drip.getInputStream();
    drip.setSoTimeout(100);
    int sent = 0;
    boolean closed = false;
    // one byte every 100 ms keeps it from ever being idle for 2 s
    for (int i = 0; i < 100 && !closed; i++) {
      try {
        send(drip, "G");
        sent++;
      } catch (IOException e) {
        closed = true;
        break;
      }
      try {
        closed = in.read() == -1;
      } catch (SocketTimeoutException e) {
        // still open; this read timeout is the pace of the drip
      } catch (IOException e) {
        closed = true;
      }
    }
    assertThat(closed).as("closed by the header timeout").isTrue();
    assertThat(sent).as("bytes sent before it was closed").isBetween(3, 60);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> count(MonitoringHttpServer.Outcome.TIMED_OUT), n -> n == 1);
  }

  @Test
  void connectionsOverTheLimitAreRefusedAtOnceAndCounted() throws IOException {
    start(3, Duration.ofSeconds(30), Duration.ofSeconds(30));
    for (int i = 0; i < 3; i++) {
      send(connect(), "GET /metr");
    }
    Socket extra = connect();
    assertThat(readAll(extra)).startsWith("HTTP/1.1 503 ").endsWith("too many connections\n");
    assertThat(count(MonitoringHttpServer.Outcome.REFUSED)).isEqualTo(1);
  }
}
