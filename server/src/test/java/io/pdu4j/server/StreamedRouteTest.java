package io.pdu4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A streamed route, as {@code /metrics} is: its body sent as it is read, compressed with gzip only
 * when the request accepts it, never read for {@code HEAD}, closed once sent.
 */
class StreamedRouteTest {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ControlServer server;

  /** Some 2 MB of text in the shape of an exposition, different on every line. */
  private static final byte[] TEXT = text();

  private static byte[] text() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; b.length() < 2_000_000; i++) {
      b.append("pdu_outlet_power_watts{device=\"d")
          .append(i / 16)
          .append("\",outlet=\"")
          .append(i % 16 + 1)
          .append("\"} ")
          .append(i % 977)
          .append(".0\n");
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A body that counts its reads and tells when it was closed. */
  private static final class Body extends ByteArrayInputStream {
    final AtomicInteger reads = new AtomicInteger();
    final AtomicBoolean closed = new AtomicBoolean();

    Body(byte[] bytes) {
      super(bytes);
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      reads.incrementAndGet();
      return super.read(b, off, len);
    }

    @Override
    public void close() throws IOException {
      closed.set(true);
    }
  }

  private final AtomicInteger served = new AtomicInteger();
  private volatile Body last;

  private int start() {
    server =
        ControlServer.builder()
            .monitoring(new InetSocketAddress("127.0.0.1", 0))
            .streamedRoute(
                "/metrics",
                accept -> {
                  served.incrementAndGet();
                  last = new Body(TEXT);
                  return new StreamedResponse(200, "text/plain; charset=utf-8", last);
                })
            .start();
    return server.monitoringAddress().orElseThrow().getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<byte[]> get(String method, String... acceptEncoding) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + server.monitoringAddress().orElseThrow().getPort()
                        + "/metrics"))
            .version(HttpClient.Version.HTTP_1_1)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10));
    for (String a : acceptEncoding) {
      b.header("Accept-Encoding", a);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void withoutGzipTheBodyIsSentAsItIsChunked() throws Exception {
    start();
    for (String[] refusing :
        new String[][] {{}, {"identity"}, {"gzip;q=0"}, {"br, deflate"}, {"gzip; q=0.0, br"}}) {
      HttpResponse<byte[]> r = get("GET", refusing);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).as(String.join(",", refusing)).isEqualTo(TEXT);
      assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
      assertThat(r.headers().firstValue("Content-Length")).isEmpty();
      assertThat(r.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
      assertThat(r.headers().firstValue("Vary")).hasValue("Accept-Encoding");
      assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
      assertThat(last.reads.get()).as("read in chunks").isGreaterThan(10);
      assertThat(last.closed).isTrue();
    }
  }

  @Test
  void withGzipAcceptedTheBodyIsCompressed() throws Exception {
    start();
    for (String[] accepting :
        new String[][] {{"gzip"}, {"br, gzip;q=0.5"}, {"identity", "GZIP"}, {"*"}, {"x-gzip"}}) {
      HttpResponse<byte[]> r = get("GET", accepting);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Encoding"))
          .as(String.join(",", accepting))
          .hasValue("gzip");
      assertThat(r.headers().firstValue("Vary")).hasValue("Accept-Encoding");
      assertThat(r.body().length).isLessThan(TEXT.length / 5);
      // GZIPInputStream checks the trailer's CRC and size
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
        assertThat(in.readAllBytes()).isEqualTo(TEXT);
      }
      assertThat(last.closed).isTrue();
    }
  }

  @Test
  void headReadsNothingAndOtherMethodsAreRefused() throws Exception {
    start();
    HttpResponse<byte[]> head = get("HEAD", "gzip");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(last.reads.get()).isZero();
    assertThat(last.closed).isTrue();
    int before = served.get();
    HttpResponse<byte[]> post = get("POST");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(served.get()).as("the route is not asked for a POST").isEqualTo(before);
  }

  @Test
  void theFirstBytesGoOutBeforeTheBodyIsReadToItsEnd() throws Exception {
    CountDownLatch clientHasBytes = new CountDownLatch(1);
    byte[] rest = "the rest\n".getBytes(StandardCharsets.US_ASCII);
    server =
        ControlServer.builder()
            .monitoring(new InetSocketAddress("127.0.0.1", 0))
            .streamedRoute(
                "/metrics",
                accept ->
                    new StreamedResponse(
                        200,
                        "text/plain",
                        new InputStream() {
                          private int sent;

                          @Override
                          public int read() {
                            throw new UnsupportedOperationException();
                          }

                          @Override
                          public int read(byte[] b, int off, int len) {
                            if (sent == 0) {
                              sent = Math.min(len, TEXT.length);
                              System.arraycopy(TEXT, 0, b, off, sent);
                              return sent;
                            }
                            if (sent > 0) {
                              // the rest only once the client has the first bytes: a server
                              // that read the whole body before sending would never get there
                              try {
                                if (!clientHasBytes.await(10, TimeUnit.SECONDS)) {
                                  return -1;
                                }
                              } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return -1;
                              }
                              sent = -1;
                              System.arraycopy(rest, 0, b, off, rest.length);
                              return rest.length;
                            }
                            return -1;
                          }
                        }))
            .start();
    int port = server.monitoringAddress().orElseThrow().getPort();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(
              "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      byte[] first = new byte[1024];
      int n = in.read(first);
      assertThat(new String(first, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
      clientHasBytes.countDown();
      String all =
          new String(first, 0, n, StandardCharsets.ISO_8859_1)
              + new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(all).endsWith("the rest\n"); // closed, not chunked: Connection: close
    }
    assertThat(clientHasBytes.getCount()).isZero();
  }
}
