package io.pdu4j.driver.extron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pdu4j.api.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Fuzzes the web form's HTTP response reader ({@link HttpResponseReader}) as {@code ExtronHttpLink}
 * uses it: bytes arrive in arbitrary chunks, the reader runs on all bytes kept so far after each,
 * and once more when the connection closes.
 *
 * <p>Properties: only {@link ProtocolException}; a response never takes more bytes than given nor a
 * body over the bound; responses written with {@code Content-Length}, chunked or ended by the close
 * come back with the same status and body, in order, however the bytes were cut.
 */
class HttpResponseReaderFuzzTest {
  private static final int MAX = 4096;

  @FuzzTest
  void responses(FuzzedDataProvider data) {
    int[] cutSeeds = data.consumeInts(data.consumeInt(0, 12));
    List<String> sent = new ArrayList<>();
    byte[] input = data.consumeBoolean() ? data.consumeBytes(3 * MAX) : written(data, sent);

    List<String> read = new ArrayList<>();
    byte[] kept = new byte[0];
    boolean failed = false;
    int from = 0;
    int[] cuts =
        Arrays.stream(cutSeeds).map(s -> Math.floorMod(s, input.length + 1)).sorted().toArray();
    int[] ends = Arrays.copyOf(cuts, cuts.length + 1);
    ends[cuts.length] = input.length;
    for (int i = 0; i <= ends.length && !failed; i++) {
      boolean closed = i == ends.length;
      if (!closed) {
        kept = concat(kept, Arrays.copyOfRange(input, from, ends[i]));
        from = ends[i];
      }
      try {
        Optional<HttpResponseReader.Response> r;
        while ((r = HttpResponseReader.read(kept, closed, MAX)).isPresent()) {
          HttpResponseReader.Response response = r.get();
          assertThat(response.consumed()).isBetween(1, kept.length);
          assertThat(response.body().length).isLessThanOrEqualTo(MAX);
          assertThat(response.status()).isBetween(100, 999);
          read.add(
              response.status() + " " + new String(response.body(), StandardCharsets.ISO_8859_1));
          kept = Arrays.copyOfRange(kept, response.consumed(), kept.length);
          if (kept.length == 0) {
            break;
          }
        }
        // waiting for more: never while holding more than the bound (and a chunk size line)
        assertThat(kept.length).isLessThanOrEqualTo(MAX + 32);
      } catch (ProtocolException e) {
        assertThat(e.getMessage()).startsWith("malformed HTTP response").hasSizeLessThan(300);
        failed = true;
      }
    }
    if (!sent.isEmpty()) {
      assertThat(failed).as("well-formed responses are not refused").isFalse();
      assertThat(read).isEqualTo(sent);
    }
  }

  /** Well-formed responses; the last may be ended by the close. */
  private static byte[] written(FuzzedDataProvider data, List<String> sent) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int n = data.consumeInt(1, 5);
    for (int i = 0; i < n; i++) {
      int status = data.pickValue(new int[] {200, 200, 401, 403, 404, 500});
      byte[] body = data.consumeBytes(data.consumeInt(0, 600));
      int framing = data.consumeInt(0, i == n - 1 ? 2 : 1);
      StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " Whatever\r\n");
      head.append("Content-Type: text/plain\r\n");
      if (framing == 0) {
        head.append(data.consumeBoolean() ? "Content-Length: " : "content-length:")
            .append(body.length);
        head.append("\r\n");
      } else if (framing == 1) {
        head.append("Transfer-Encoding: chunked\r\n");
      }
      head.append("\r\n");
      out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (framing == 1) {
        int at = 0;
        while (at < body.length) {
          int size = Math.min(body.length - at, data.consumeInt(1, 200));
          String sizeLine = Integer.toHexString(size) + (data.consumeBoolean() ? ";x=y" : "");
          out.writeBytes((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
          out.write(body, at, size);
          out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
          at += size;
        }
        out.writeBytes(
            (data.consumeBoolean() ? "0\r\n\r\n" : "0\r\nX-Trailer: 1\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
      } else {
        out.writeBytes(body);
      }
      sent.add(status + " " + new String(body, StandardCharsets.ISO_8859_1));
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
