package io.pdu4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.runtime.config.ApiConfig;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests Jetty refuses before the API sees them, and the API's own refusals, over raw sockets:
 * each answers its status with the API's JSON error body, not an HTML page.
 */
class MalformedRequestsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private ControlServer server;

  @BeforeEach
  void start() {
    server =
        ControlServer.builder()
            .devices(List.of())
            .api(ApiConfig.open("127.0.0.1", 0))
            .monitoring(new InetSocketAddress("127.0.0.1", 0))
            .route("/metrics", () -> new TextResponse(200, "text/plain", "m 1\n"))
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Sends {@code text} on a new connection, returns everything the server answered. */
  private String exchange(InetSocketAddress to, String text) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(to);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private String api(String text) throws IOException {
    return exchange(server.apiAddress().orElseThrow(), text);
  }

  /** The status of the answer, after checking it is the API's JSON error of {@code kind}. */
  private static int jsonError(String answer, String kind) throws IOException {
    assertThat(answer).as(answer).startsWith("HTTP/1.1 ");
    int status = Integer.parseInt(answer.substring(9, 12));
    int split = answer.indexOf("\r\n\r\n");
    String head = answer.substring(0, split).toLowerCase(java.util.Locale.ROOT);
    assertThat(head).as(answer).contains("content-type: application/json");
    JsonNode body = JSON.readTree(answer.substring(split + 4));
    assertThat(body.path("error").asText()).as(answer).isEqualTo(kind);
    assertThat(body.path("message").asText()).as(answer).isNotBlank();
    assertThat(body.has("device")).as("the API's shape: " + answer).isTrue();
    return status;
  }

  @Test
  void aRequestLineThatIsNotHttpIsA400InJson() throws IOException {
    String answer = api("hello\r\n\r\n");
    assertThat(jsonError(answer, "invalid_argument")).isEqualTo(400);
    assertThat(answer).doesNotContain("<html");
    String binary = api("\u0001\u0002\u0003 / HTTP/1.1\r\n\r\n");
    assertThat(jsonError(binary, "invalid_argument")).isEqualTo(400);
    // three words, but the last is no HTTP version
    String words = api("hello there, server\r\n\r\n");
    assertThat(jsonError(words, "invalid_argument")).isEqualTo(505);
  }

  @Test
  void headersTooLargeAreA431InJson() throws IOException {
    String answer =
        api(
            "GET /api/v1/devices HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(9000)
                + "\r\nConnection: close\r\n\r\n");
    assertThat(jsonError(answer, "invalid_argument")).isEqualTo(431);
    assertThat(answer).contains("headers are too large").doesNotContain("aaaaaaaa");
  }

  @Test
  void aUriTooLongIsA414InJson() throws IOException {
    String answer =
        api(
            "GET /api/v1/"
                + "x".repeat(9000)
                + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(jsonError(answer, "invalid_argument")).isEqualTo(414);
  }

  @Test
  void aBadUriIsA400InJson() throws IOException {
    String answer = api("GET /api/v1/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(jsonError(answer, "invalid_argument")).isEqualTo(400);
  }

  @Test
  void theWrongMethodAndAnUnknownPathUnderApiAreJsonToo() throws IOException {
    String wrong =
        api("GET /api/v1/devices/x/all/on HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(jsonError(wrong, "method_not_allowed")).isEqualTo(405);
    assertThat(wrong).contains("Allow: POST");
    String unknown = api("GET /api/v2/what HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(jsonError(unknown, "not_found")).isEqualTo(404);
    String trace = api("TRACE /api/v1/devices HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(jsonError(trace, "method_not_allowed")).isEqualTo(405);
  }

  /** Reads one answer from {@code in}: its head, and as many bytes of body as it says. */
  private static String answer(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.indexOf("\r\n\r\n") < 0) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("the connection closed after: " + head);
      }
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).strip());
      }
    }
    return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }

  /**
   * A refusal that needs no body is answered once the body is in, however late it comes, and the
   * connection stays open for the next request: answered before, the server closed the connection
   * after it without saying so, and a client's next request on it (a PUT, which Java's HttpClient
   * does not send again) got no answer.
   */
  @Test
  void aRefusalWhoseBodyComesLateLeavesTheConnectionOpen() throws Exception {
    refusedThenAnswered(
        server.apiAddress().orElseThrow(), "/api/v1/devices/nope/clock", "/api/v1/devices");
    refusedThenAnswered(server.monitoringAddress().orElseThrow(), "/metrics", "/metrics");
  }

  /**
   * On one connection: a PUT of {@code refused} whose body comes after its head was handled, which
   * must be refused (4xx) without closing, then a GET of {@code next}, which must be answered.
   */
  private static void refusedThenAnswered(InetSocketAddress to, String refused, String next)
      throws Exception {
    try (Socket s = new Socket()) {
      s.connect(to);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      String body = "{\"time\": \"now\"}";
      out.write(
          ("PUT "
                  + refused
                  + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + body.length()
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      Thread.sleep(200); // the head is handled, the body not there yet
      out.write(body.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String refusal = answer(s.getInputStream());
      assertThat(refusal).as(refusal).startsWith("HTTP/1.1 4").doesNotContain("Connection: close");

      out.write(
          ("GET " + next + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String answered = answer(s.getInputStream());
      assertThat(answered).as(answered).startsWith("HTTP/1.1 200 ");
    }
  }

  /**
   * A request that waits for 100 Continue is refused at once, its body not asked for, and the
   * connection closed, as the answer says.
   */
  @Test
  void aRequestWaitingForContinueIsRefusedAtOnceAndTheConnectionCloses() throws IOException {
    String expecting =
        api(
            "PUT /api/v1/devices/nope/clock HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                + "Content-Type: application/json\r\nContent-Length: 16\r\n\r\n");
    assertThat(jsonError(expecting, "not_found")).isEqualTo(404);
    assertThat(expecting).contains("Connection: close").doesNotContain("100 Continue");
  }

  @Test
  void theMetricsListenerKeepsItsPlainAnswers() throws IOException {
    String answer =
        exchange(
            server.monitoringAddress().orElseThrow(),
            "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(9000)
                + "\r\nConnection: close\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 431 ");
  }
}
