package io.pdu4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server's bounds over raw sockets: idle and header timeouts, head size, counted outcomes. */
class ConnectionBoundsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private ControlServer server;

  private void start(Duration idle, Duration header) {
    server =
        ControlServer.builder()
            .devices(List.of())
            .monitoring(new InetSocketAddress("127.0.0.1", 0))
            .route("/metrics", () -> new TextResponse(200, "text/plain", "m 1\n"))
            .idleTimeout(idle)
            .headerTimeout(header)
            .meterRegistry(registry)
            .start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private double count(String outcome) {
    return registry.get("pdu.http.connections").tag("outcome", outcome).counter().count();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(server.monitoringAddress().orElseThrow());
    s.setSoTimeout(10_000);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  private static String readAll(Socket s) throws IOException {
    return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void answersGetAndHeadAndRefusesWhatItDoesNotServe() throws IOException {
    start(Duration.ofSeconds(5), Duration.ofSeconds(5));
    try (Socket s = connect()) {
      send(s, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(readAll(s)).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\nm 1\n");
    }
    try (Socket s = connect()) {
      send(s, "HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(readAll(s))
          .startsWith("HTTP/1.1 200 ")
          .contains("Content-Length: 4")
          .endsWith("\r\n\r\n");
    }
    try (Socket s = connect()) {
      send(
          s,
          "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
      assertThat(readAll(s)).startsWith("HTTP/1.1 405 ").contains("Allow: GET, HEAD");
    }
    try (Socket s = connect()) {
      send(s, "GET /metrics HTTP/1.1\r\nHost: x\r\nX: " + "a".repeat(9000) + "\r\n\r\n");
      assertThat(readAll(s)).startsWith("HTTP/1.1 431 ");
    }
    try (Socket s = connect()) {
      send(s, "hello\r\n\r\n");
      assertThat(readAll(s)).startsWith("HTTP/1.1 400 ");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> count("served") == 3);
    await().atMost(Duration.ofSeconds(5)).until(() -> count("bad_request") == 2);
  }

  @Test
  void aSilentConnectionIsClosedAfterTheIdleTimeoutAndCounted() throws IOException {
    start(Duration.ofMillis(500), Duration.ofSeconds(30));
    try (Socket silent = connect()) {
      assertThat(silent.getInputStream().read()).as("closed by the server").isEqualTo(-1);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> count("timed_out") == 1);
  }

  @Test
  void aHeadDrippingInIsCutAtTheHeaderTimeoutThoughNeverIdle() throws Exception {
    start(Duration.ofSeconds(2), Duration.ofSeconds(1));
    try (Socket drip = connect()) {
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
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> count("timed_out") == 1);
  }
}
