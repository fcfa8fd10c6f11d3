package io.pdu4j.driver.extron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.spi.DeviceAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The web form's framing, exhaustively: a tunnelled IsoTek reply cut at every byte position across
 * two successive HTTP responses (as an IPCP does when the device pauses longer than the
 * inter-character time), and every HTTP response itself cut at every byte position across two
 * reads, with and without the IPCP's appended CR LF and reply prefix, and two commands back to
 * back. What reaches the inner driver must be the device's bytes, in order, exactly once.
 *
 * <p>The inner link is scripted so that every cut lands exactly where it is meant to: over a real
 * socket the kernel may join two writes into one read.
 */
class ExtronHttpSplitReplyTest {
  private static final String REPLY =
      "CH1=1|230|35|\r\nCH6=1|230|8|\r\nRTC=2026/03|04|05|06|07|\r\nOK\r\n>";
  private static final String SECOND = "OK\r\n>";

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private static ConditionFactory quickly() {
    return await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1))
        .atMost(Duration.ofSeconds(5));
  }

  /** A link open over a fresh scripted connection. */
  private final class Fixture {
    final ScriptedLink inner = new ScriptedLink(executor);
    final RecordingListener outer = new RecordingListener();
    final ExtronHttpLink link;
    final boolean crlf;
    final String prefix;

    Fixture(boolean crlf, String prefix, Duration timeout) throws Exception {
      this.crlf = crlf;
      this.prefix = prefix;
      TunnelSettings s =
          TunnelSettings.from(
              DeviceAddress.parse(
                  "isotek:extron+http://10.0.0.9/3?crlf="
                      + (crlf ? "appended" : "none")
                      + (prefix.isEmpty() ? "" : "&prefix=" + prefix)),
              OptionalInt.of('>'),
              80);
      link = new ExtronHttpLink(inner, s, DeviceOptions.defaults().withCommandTimeout(timeout));
      link.open(outer).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** The HTTP response an IPCP sends for a part of the device's reply. */
    String response(String part) {
      String body = prefix + part + (crlf ? "\r\n" : "");
      return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
          + body.length()
          + "\r\n\r\n"
          + body;
    }

    /** Delivers {@code reads} in order, each as one read of the connection (the link is open). */
    void feed(String... reads) {
      for (String r : reads) {
        executor.execute(
            () -> inner.listener.onData(ByteBuffer.wrap(r.getBytes(StandardCharsets.ISO_8859_1))));
      }
    }

    CompletionStage<Void> send(String data) {
      return link.send(ByteBuffer.wrap(data.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** Waits for the {@code n}th GET (1-based) to have been written. */
    void awaitRequest(int n) {
      quickly().until(() -> inner.sends.size() >= n);
      assertThat(inner.sends.get(n - 1)).startsWith("GET /?cmd=W03%2A");
    }

    void done(CompletionStage<Void> sent) throws Exception {
      sent.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    void expectDelivered(String text) {
      quickly().untilAsserted(() -> assertThat(outer.data()).isEqualTo(text));
      assertThat(outer.downs).isEmpty();
      assertThat(link.isOpen()).isTrue();
    }
  }

  @ParameterizedTest(name = "crlf appended {0}, prefix ''{1}''")
  @CsvSource({"true,''", "false,''", "true,Dat03", "false,Dat03"})
  void aReplyCutAtEveryByteAcrossTwoResponsesIsDeliveredWhole(boolean crlf, String prefix)
      throws Exception {
    for (int cut = 0; cut <= REPLY.length(); cut++) {
      Fixture f = new Fixture(crlf, prefix, Duration.ofSeconds(5));
      CompletionStage<Void> first = f.send("?\n");
      f.awaitRequest(1);
      f.feed(f.response(REPLY.substring(0, cut)));
      f.done(first);
      CompletionStage<Void> second = f.send("?\n");
      f.awaitRequest(2);
      f.feed(f.response(REPLY.substring(cut)));
      f.done(second);
      String at = "cut at " + cut;
      quickly().untilAsserted(() -> assertThat(f.outer.data()).as(at).isEqualTo(REPLY));
      assertThat(f.outer.downs).as(at).isEmpty();
    }
  }

  @ParameterizedTest(name = "crlf appended {0}, prefix ''{1}''")
  @CsvSource({"true,''", "false,''", "true,Dat03", "false,Dat03"})
  void eachResponseCutAtEveryByteAcrossTwoReadsBackToBack(boolean crlf, String prefix)
      throws Exception {
    Fixture probe = new Fixture(crlf, prefix, Duration.ofSeconds(5));
    String firstResponse = probe.response(REPLY);
    String secondResponse = probe.response(SECOND);
    for (int cut = 1; cut < firstResponse.length() + secondResponse.length(); cut++) {
      Fixture f = new Fixture(crlf, prefix, Duration.ofSeconds(5));
      // both commands submitted at once: the second GET goes out only once the first is answered
      CompletionStage<Void> first = f.send("?\n");
      CompletionStage<Void> second = f.send("S2=1\n");
      f.awaitRequest(1);
      if (cut < firstResponse.length()) {
        f.feed(firstResponse.substring(0, cut), firstResponse.substring(cut));
        f.done(first);
        f.awaitRequest(2);
        f.feed(secondResponse);
      } else {
        int c = cut - firstResponse.length();
        f.feed(firstResponse);
        f.done(first);
        f.awaitRequest(2);
        f.feed(secondResponse.substring(0, c), secondResponse.substring(c));
      }
      f.done(second);
      String at = "cut at " + cut;
      assertThat(f.inner.sends).as(at).hasSize(2);
      assertThat(f.inner.sends.get(1)).as(at).contains("S2%3D1%0A");
      f.expectDelivered(REPLY + SECOND);
    }
  }
}
