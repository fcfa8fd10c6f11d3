package io.pdu4j.driver.extron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DeviceOptions;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tunnel over a scripted inner link: login, framing of replies, errors, link loss. */
class ExtronTunnelLinkTest {
  private static final String BANNER =
      "(c) Copyright 2013, Extron Electronics, IPCP 505, V1.03, 60-1071-02\r\n"
          + "Sat, 21 Nov 2026 06:14:12\r\n";

  @TempDir Path dir;
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final FakeInner inner = new FakeInner();
  private final Recorder outer = new Recorder();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private ExtronTunnelLink tunnel(String options) throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), "pa55\n");
    TunnelSettings s =
        TunnelSettings.from(
            DeviceAddress.parse("isotek:extron://10.0.0.9/3?password=file:" + pw + options),
            OptionalInt.of('>'));
    return new ExtronTunnelLink(inner, s, DeviceOptions.defaults());
  }

  private ExtronTunnelLink loggedIn(String options) throws Exception {
    ExtronTunnelLink link = tunnel(options);
    CompletionStage<Void> open = link.open(outer);
    inner.feed(BANNER + "\r\nPass", "word:");
    await().until(() -> inner.sent().contains("pa55\r"));
    inner.feed("\r\nLogin Administrator\r\n");
    open.toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(link.banner().orElseThrow().firmware()).isEqualTo("1.03");
    return link;
  }

  @Test
  void aReplySplitAcrossReadsIsDeliveredWithoutTheAppendedCrLf() throws Exception {
    ExtronTunnelLink link = loggedIn("");
    CompletionStage<Void> sent = link.send(ascii("?\n"));
    await().until(() -> inner.sent().contains("\u001b03*10*2*62DRS\r?\n"));
    inner.feed("CH1=1|230|5|\r\nO", "K\r\n>", "\r", "\n");
    sent.toCompletableFuture().get(5, TimeUnit.SECONDS);
    await().until(() -> outer.data().equals("CH1=1|230|5|\r\nOK\r\n>"));
    assertThat(link.describe()).doesNotContain("pa55");
  }

  @Test
  void anEchoOfTheDataIsNotPartOfTheReply() throws Exception {
    ExtronTunnelLink link = loggedIn("");
    CompletionStage<Void> sent = link.send(ascii("S2=1\n"));
    await().until(() -> inner.sends.size() == 2);
    inner.feed("S2", "=1\nOK\r\n>\r\n");
    sent.toCompletableFuture().get(5, TimeUnit.SECONDS);
    await().until(() -> outer.data().equals("OK\r\n>"));
  }

  @Test
  void anEmptyReplyDeliversNothingAndBytesOutsideARequestAreDropped() throws Exception {
    ExtronTunnelLink link = loggedIn("");
    inner.feed("stray\r\n"); // nothing asked for yet: dropped
    CompletionStage<Void> sent = link.send(ascii("?\n"));
    await().until(() -> inner.sends.size() == 2);
    inner.feed("\r\n"); // the IPCP's "nothing before t1"
    sent.toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(outer.data()).isEmpty();
  }

  @Test
  void anErrorReplyFailsTheSendWithCodeAndMeaning() throws Exception {
    ExtronTunnelLink link = loggedIn("");
    CompletionStage<Void> sent = link.send(ascii("?\n"));
    await().until(() -> inner.sends.size() == 2);
    inner.feed("E25\r\n");
    assertThat(failure(sent))
        .isInstanceOf(DeviceRejectedException.class)
        .hasMessageContaining("E25 (device not present)");
  }

  @Test
  void withoutAppendedCrLfTheDelimiterEndsTheReply() throws Exception {
    ExtronTunnelLink link = loggedIn("&crlf=none");
    CompletionStage<Void> sent = link.send(ascii("S1=0\n"));
    await().until(() -> inner.sends.size() == 2);
    inner.feed("OK\r\n>");
    sent.toCompletableFuture().get(5, TimeUnit.SECONDS);
    await().until(() -> outer.data().equals("OK\r\n>"));
  }

  @Test
  void aSecondPromptIsLoginDeniedWithoutThePassword() throws Exception {
    ExtronTunnelLink link = tunnel("");
    CompletionStage<Void> open = link.open(outer);
    inner.feed(BANNER + "\r\nPassword:");
    await().until(() -> inner.sent().contains("pa55\r"));
    inner.feed("\r\nPassword:");
    assertThat(failure(open))
        .isInstanceOf(DeviceRejectedException.class)
        .hasMessageContaining("login denied")
        .satisfies(e -> assertThat(e.toString()).doesNotContain("pa55"));
    assertThat(outer.ups).isZero();
    await().until(() -> inner.closed);
  }

  @Test
  void theTelnetLinkGoingDownIsOneLinkLostAndReopenLogsInAgain() throws Exception {
    ExtronTunnelLink link = loggedIn("");
    inner.drop();
    await().until(() -> outer.downs.size() == 1);
    assertThat(outer.downs.get(0)).isInstanceOf(LinkLostException.class);
    assertThat(link.isOpen()).isFalse();
    inner.sends.clear();
    CompletionStage<Void> again = link.open(outer);
    inner.feed(BANNER + "\r\nPassword:");
    await().until(() -> inner.sent().contains("pa55\r"));
    inner.feed("\r\nLogin User\r\n");
    again.toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(outer.ups).isEqualTo(2);
    assertThat(outer.downs).hasSize(1);
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static Throwable failure(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected the stage to fail");
  }

  private static final class Recorder implements LinkListener {
    volatile int ups;
    final List<PowerDeviceException> downs = new CopyOnWriteArrayList<>();
    private final StringBuffer data = new StringBuffer();

    @Override
    public void onUp() {
      ups++;
    }

    @Override
    public void onData(ByteBuffer b) {
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      data.append(new String(bytes, StandardCharsets.ISO_8859_1));
    }

    @Override
    public void onDown(PowerDeviceException cause) {
      downs.add(cause);
    }

    String data() {
      return data.toString();
    }
  }

  private final class FakeInner implements Link {
    final List<String> sends = new CopyOnWriteArrayList<>();
    volatile LinkListener listener;
    volatile boolean open;
    volatile boolean closed;

    String sent() {
      return String.join("", sends);
    }

    void feed(String... chunks) {
      for (String c : chunks) {
        executor.execute(() -> listener.onData(ascii(c)));
      }
    }

    void drop() {
      executor.execute(
          () -> {
            open = false;
            listener.onDown(new LinkLostException("reset by peer"));
          });
    }

    @Override
    public Kind kind() {
      return Kind.STREAM;
    }

    @Override
    public boolean carriesUnsolicited() {
      return true;
    }

    @Override
    public String describe() {
      return "fake";
    }

    @Override
    public ScheduledExecutorService executor() {
      return executor;
    }

    @Override
    public CompletionStage<Void> open(LinkListener l) {
      listener = l;
      open = true;
      closed = false;
      l.onUp();
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public CompletionStage<Void> send(ByteBuffer data) {
      byte[] b = new byte[data.remaining()];
      data.get(b);
      sends.add(new String(b, StandardCharsets.ISO_8859_1));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> close() {
      if (open) {
        open = false;
        closed = true;
        LinkListener l = listener;
        executor.execute(() -> l.onDown(new LinkLostException("closed")));
      }
      closed = true;
      return CompletableFuture.completedFuture(null);
    }
  }
}
