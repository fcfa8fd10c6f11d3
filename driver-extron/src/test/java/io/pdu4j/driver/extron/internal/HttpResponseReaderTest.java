package io.pdu4j.driver.extron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpResponseReaderTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String body(Optional<HttpResponseReader.Response> r) {
    return new String(r.orElseThrow().body(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void contentLengthBodyAndWhatFollowsIsLeft() {
    byte[] b = bytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nOK\r\nHTTP/1.1");
    Optional<HttpResponseReader.Response> r = HttpResponseReader.read(b, false, 4096);
    assertThat(body(r)).isEqualTo("OK\r\n");
    assertThat(r.get().consumed()).isEqualTo(b.length - "HTTP/1.1".length());
    assertThat(
            HttpResponseReader.read(
                bytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nOK"), false, 4096))
        .isEmpty();
  }

  @Test
  void chunkedBodyIsJoined() {
    byte[] b =
        bytes(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;x\r\nOK\r\n2\r\n\r\n\r\n0\r\n\r\n");
    assertThat(body(HttpResponseReader.read(b, false, 4096))).isEqualTo("OK\r\n");
  }

  @Test
  void aBodyWithoutALengthEndsWithTheConnection() {
    byte[] b = bytes("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nE13\r\n");
    assertThat(HttpResponseReader.read(b, false, 4096)).isEmpty();
    assertThat(body(HttpResponseReader.read(b, true, 4096))).isEqualTo("E13\r\n");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2147483647\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOKxx",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "SSH-2.0 hello\r\n\r\n",
      })
  void brokenResponsesAreProtocolErrors(String response) {
    assertThatThrownBy(() -> HttpResponseReader.read(bytes(response), false, 4096))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("malformed HTTP response from the IPCP");
  }

  @Test
  void aLongHeaderValueIsCutInTheMessage() {
    String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: " + "9".repeat(400) + "\r\n\r\n";
    assertThatThrownBy(() -> HttpResponseReader.read(bytes(response), false, 4096))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("unsupported Transfer-Encoding")
        .message()
        .hasSizeLessThan(200);
  }

  @Test
  void nothingIsKeptBeyondTheBound() {
    assertThatThrownBy(() -> HttpResponseReader.read(new byte[5000], false, 4096))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("4096");
  }
}
