package io.pdu4j.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiConnectionTest {
  private ServerSocket server;
  private Thread acceptor;
  private final BlockingQueue<String> responses = new LinkedBlockingQueue<>();
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private volatile int connections;

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::serve, "api-connection-test");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    acceptor.join(5000);
  }

  /** Answers each request with the next canned response, on as many connections as are opened. */
  private void serve() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        connections++;
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = s.getOutputStream();
        while (true) {
          String requestLine = in.readLine();
          if (requestLine == null) {
            break;
          }
          StringBuilder head = new StringBuilder(requestLine);
          for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
            head.append('\n').append(h);
          }
          requests.add(head.toString());
          String response = responses.take();
          out.write(response.getBytes(StandardCharsets.UTF_8));
          out.flush();
          if (response.contains("Connection: close")) {
            break;
          }
        }
      } catch (IOException | InterruptedException e) {
        // the server closed, or the client went away: accept the next one
      }
    }
  }

  private static String ok(String body, String... headers) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + String.join("", List.of(headers))
        + "Content-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\n\r\n"
        + body;
  }

  @Test
  void sendsEveryRequestOnOneKeptAliveConnectionWithTheToken() throws Exception {
    responses.add(ok("{\"state\":\"OFF\"}"));
    responses.add(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 17\r\n\r\n{\"error\":\"down\"}\n");
    try (ApiConnection api = new ApiConnection(server.getLocalPort(), Duration.ofSeconds(5))) {
      ApiConnection.Response first = api.post("/api/v1/devices/d1/outlets/1/off", "secret");
      ApiConnection.Response second = api.post("/api/v1/devices/d1/outlets/1/on", "secret");

      assertThat(first).isEqualTo(new ApiConnection.Response(200, "{\"state\":\"OFF\"}"));
      assertThat(second).isEqualTo(new ApiConnection.Response(503, "{\"error\":\"down\"}\n"));
    }
    assertThat(connections).isEqualTo(1);
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0))
        .startsWith("POST /api/v1/devices/d1/outlets/1/off HTTP/1.1\n")
        .contains("\nAuthorization: Bearer secret")
        .contains("\nContent-Length: 0");
  }

  @Test
  void opensANewConnectionAfterTheServerSaidClose() throws Exception {
    responses.add(ok("one", "Connection: close\r\n"));
    responses.add(ok("two"));
    try (ApiConnection api = new ApiConnection(server.getLocalPort(), Duration.ofSeconds(5))) {
      assertThat(api.post("/a", "t").body()).isEqualTo("one");
      assertThat(api.post("/b", "t").body()).isEqualTo("two");
    }
    assertThat(connections).isEqualTo(2);
  }

  @Test
  void refusesAResponseItCannotDelimitAndRecoversOnTheNextRequest() throws Exception {
    responses.add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
    responses.add(ok("fine"));
    try (ApiConnection api = new ApiConnection(server.getLocalPort(), Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> api.post("/a", "t"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("chunked");
      assertThat(api.post("/b", "t").body()).isEqualTo("fine");
    }
    assertThat(connections).isEqualTo(2);
  }
}
