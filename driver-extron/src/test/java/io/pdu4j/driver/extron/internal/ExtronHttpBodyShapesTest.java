package io.pdu4j.driver.extron.internal;

import static io.pdu4j.testkit.Stages.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.driver.extron.ExtronHttpTunnelProvider;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The web form over a real loopback socket, against a web server that frames its bodies as HTTP
 * servers may: chunked, or ended by closing the connection (no {@code Content-Length}), each
 * written in pieces so that the link reads them split.
 */
class ExtronHttpBodyShapesTest {
  private static final TcpTransportProvider TCP = new TcpTransportProvider();

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final RecordingListener outer = new RecordingListener();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private ServerSocket server;
  private Thread serving;
  private Link link;

  @AfterEach
  void stop() throws Exception {
    if (link != null) {
      link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
      serving.join(5000);
    }
    executor.shutdownNow();
  }

  private record Context(
      ScheduledExecutorService executor, DeviceOptions options, LinkRequirements requirements)
      implements TransportContext {
    @Override
    public Clock clock() {
      return Clock.systemUTC();
    }

    @Override
    public Optional<TransportProvider> transport(String scheme) {
      return scheme.equals("tcp") ? Optional.of(TCP) : Optional.empty();
    }

    @Override
    public <T> Optional<T> resource(Class<T> type) {
      return Optional.empty();
    }
  }

  /**
   * A web server answering each request with the next of {@code answers}, each written in its
   * pieces ({@code ¦} separates them, a short pause apart); {@code closeAfter}: it closes the
   * connection after each answer.
   */
  private void serve(boolean closeAfter, String... answers) throws IOException {
    server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    serving =
        new Thread(
            () -> {
              int next = 0;
              while (next < answers.length) {
                try (Socket s = server.accept()) {
                  s.setTcpNoDelay(true);
                  InputStream in = s.getInputStream();
                  OutputStream out = s.getOutputStream();
                  while (next < answers.length) {
                    String head = head(in);
                    if (head == null) {
                      break;
                    }
                    requests.add(head.substring(0, head.indexOf('\r')));
                    for (String piece : answers[next++].split("¦")) {
                      out.write(piece.getBytes(StandardCharsets.ISO_8859_1));
                      out.flush();
                      pause();
                    }
                    if (closeAfter) {
                      break;
                    }
                  }
                } catch (IOException e) {
                  return; // the server closed
                }
              }
            },
            "http-body-shapes");
    serving.setDaemon(true);
    serving.start();
  }

  private static void pause() {
    try {
      // lets the pieces arrive as separate reads; nothing waits on it for a result
      TimeUnit.MILLISECONDS.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String head(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      b.append((char) c);
      if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
        return b.toString();
      }
    }
    return null;
  }

  private Link open() throws Exception {
    TransportProvider provider = new ExtronHttpTunnelProvider();
    link =
        provider.create(
            DeviceAddress.parse("isotek:extron+http://127.0.0.1:" + server.getLocalPort() + "/3"),
            new Context(
                executor,
                DeviceOptions.defaults().withCommandTimeout(Duration.ofSeconds(5)),
                LinkRequirements.stream(501).withReplyTerminator('>')));
    link.open(outer).toCompletableFuture().get(5, TimeUnit.SECONDS);
    return link;
  }

  private static CompletionStage<Void> send(Link link, String data) {
    return link.send(ByteBuffer.wrap(data.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void aChunkedBodyReadInPiecesIsTheAnswerAndTheConnectionStays() throws Exception {
    serve(
        false,
        "HTTP/1.1 200 OK\r\nTransfer-En¦coding: chunked\r\n\r\n4\r¦\nOK\r\n\r\n3;x=1\r\n>\r¦\n\r\n0\r\n¦\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nE13\r\n\r\n0\r\nX-T: 1\r\n\r\n");
    Link l = open();
    send(l, "S2=1\n").toCompletableFuture().get(5, TimeUnit.SECONDS);
    outer.expect("OK\r\n>");
    assertThat(failure(send(l, "S2=1\n")))
        .isInstanceOf(DeviceRejectedException.class)
        .hasMessageContaining("E13 (invalid value)");
    assertThat(requests).hasSize(2).allMatch(r -> r.startsWith("GET /?cmd=W03%2A"));
    assertThat(outer.downs).isEmpty();
    assertThat(l.isOpen()).isTrue();
  }

  @Test
  void aBodyEndedByTheCloseIsTheAnswerThenTheLinkGoesDown() throws Exception {
    serve(true, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nOK¦\r\n>¦\r\n");
    Link l = open();
    send(l, "S2=1\n").toCompletableFuture().get(5, TimeUnit.SECONDS);
    outer.expect("OK\r\n>");
    await().until(() -> outer.downs.size() == 1);
    assertThat(outer.downs.get(0)).isInstanceOf(LinkLostException.class);
    assertThat(l.isOpen()).isFalse();
  }
}
