package io.pdu4j.driver.extron.internal;

import static io.pdu4j.testkit.Stages.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.spi.DeviceAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
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
  private final ScriptedLink inner = new ScriptedLink(executor);
  private final RecordingListener outer = new RecordingListener();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private ExtronTunnelLink tunnel(String options) throws Exception {
    return tunnel(options, OptionalInt.of('>'));
  }

  private ExtronTunnelLink tunnel(String options, OptionalInt delimiter) throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), "pa55\n");
    TunnelSettings s =
        TunnelSettings.from(
            DeviceAddress.parse("isotek:extron://10.0.0.9/3?password=file:" + pw + options),
            delimiter);
    return new ExtronTunnelLink(inner, s, DeviceOptions.defaults());
  }

  private ExtronTunnelLink loggedIn(String options) throws Exception {
    return loggedIn(tunnel(options));
  }

  private ExtronTunnelLink loggedIn(ExtronTunnelLink link) throws Exception {
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

  @Test
  void inlineDataIsSentBeforeTheCrEncoded() throws Exception {
    ExtronTunnelLink link = loggedIn("&data=inline");
    CompletionStage<Void> sent = link.send(ascii("S2=1\n"));
    await().until(() -> inner.sent().contains("\u001b03*10*2*62DRSS2=1%0A\r"));
    inner.feed("OK\r\n>\r\n");
    sent.toCompletableFuture().get(5, TimeUnit.SECONDS);
    await().until(() -> outer.data().equals("OK\r\n>"));
  }

  @Test
  void aConfiguredPrefixAndAnEchoAreRemovedEvenSplitAcrossReads() throws Exception {
    ExtronTunnelLink link = loggedIn("&prefix=DATA%3A");
    CompletionStage<Void> sent = link.send(ascii("S2=1\n"));
    await().until(() -> inner.sends.size() == 2);
    inner.feed("DA", "TA:S2", "=1\nOK\r\n>\r\n");
    sent.toCompletableFuture().get(5, TimeUnit.SECONDS);
    await().until(() -> outer.data().equals("OK\r\n>"));
    // an empty reply with its prefix: nothing delivered; an Enn has no prefix
    CompletionStage<Void> empty = link.send(ascii("?\n"));
    await().until(() -> inner.sends.size() == 3);
    inner.feed("DATA:\r\n");
    empty.toCompletableFuture().get(5, TimeUnit.SECONDS);
    CompletionStage<Void> refused = link.send(ascii("?\n"));
    await().until(() -> inner.sends.size() == 4);
    inner.feed("E13\r\n");
    assertThat(failure(refused)).hasMessageContaining("E13");
    assertThat(outer.data()).isEqualTo("OK\r\n>");
  }

  @Test
  void withoutDelimiterAMultiLineReplyEndsOnlyAfterQuiet() throws Exception {
    ExtronTunnelLink link = loggedIn(tunnel("", OptionalInt.empty()));
    CompletionStage<Void> sent = link.send(ascii("status\n"));
    await().until(() -> inner.sent().contains("\u001b03RS\rstatus\n"));
    // two lines in two reads, then the IPCP's CR LF: one reply, not cut at the first CR LF
    inner.feed("line 1\r\n", "line 2\r\n", "\r\n");
    sent.toCompletableFuture().get(5, TimeUnit.SECONDS);
    await().until(() -> outer.data().equals("line 1\r\nline 2\r\n"));
    CompletionStage<Void> empty = link.send(ascii("status\n"));
    await().until(() -> inner.sends.size() == 3);
    inner.feed("\r\n");
    empty.toCompletableFuture().get(5, TimeUnit.SECONDS);
    CompletionStage<Void> refused = link.send(ascii("status\n"));
    await().until(() -> inner.sends.size() == 4);
    inner.feed("E13\r\n");
    assertThat(failure(refused)).hasMessageContaining("E13 (invalid value)");
    assertThat(outer.data()).isEqualTo("line 1\r\nline 2\r\n");
  }

  @Test
  void busyIsRetriedAsConfiguredThenGivenUp() throws Exception {
    ExtronTunnelLink link = loggedIn("&busy-retries=1&busy-pause=10ms");
    CompletionStage<Void> sent = link.send(ascii("?\n"));
    await().until(() -> inner.sends.size() == 2);
    inner.feed("E22\r\n");
    await().until(() -> inner.sends.size() == 3); // the one retry
    inner.feed("OK\r\n>\r\n");
    sent.toCompletableFuture().get(5, TimeUnit.SECONDS);
    CompletionStage<Void> busy = link.send(ascii("?\n"));
    await().until(() -> inner.sends.size() == 4);
    inner.feed("E22\r\n");
    await().until(() -> inner.sends.size() == 5);
    inner.feed("E22\r\n");
    assertThat(failure(busy))
        .isInstanceOf(io.pdu4j.api.DeviceBusyException.class)
        .hasMessageContaining("E22 (busy)");
    assertThat(inner.sends).hasSize(5);
  }

  @Test
  void e26AtConnectFailsTheOpenAsBusy() throws Exception {
    ExtronTunnelLink link = tunnel("");
    CompletionStage<Void> open = link.open(outer);
    inner.feed("E26\r\n");
    assertThat(failure(open))
        .isInstanceOf(io.pdu4j.api.DeviceBusyException.class)
        .hasMessageContaining("E26 (maximum connections exceeded)");
    assertThat(outer.ups).isZero();
  }

  @Test
  void theSerialPortIsSetUpAfterLoginBeforeTheLinkIsUp() throws Exception {
    ExtronTunnelLink link = tunnel("&serial=115200,N,8,1");
    CompletionStage<Void> open = link.open(outer);
    inner.feed(BANNER + "\r\nPassword:");
    await().until(() -> inner.sent().contains("pa55\r"));
    inner.feed("\r\nLogin Administrator\r\n");
    await().until(() -> inner.sent().endsWith("\u001b03*115200,N,8,1CP\r"));
    assertThat(outer.ups).isZero();
    assertThat(link.isOpen()).isFalse();
    inner.feed("Cpn03 Ccp115200,N,8,1\r\n");
    open.toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(outer.ups).isEqualTo(1);
  }

  @Test
  void aSerialSetupAnsweredOtherwiseFailsTheOpen() throws Exception {
    for (String answer : new String[] {"Cpn03 Ccp9600,N,8,1", "E13"}) {
      inner.sends.clear();
      ExtronTunnelLink link = tunnel("&serial=115200,N,8,1");
      CompletionStage<Void> open = link.open(outer);
      inner.feed(BANNER + "\r\nPassword:");
      await().until(() -> inner.sent().contains("pa55\r"));
      inner.feed("\r\nLogin Administrator\r\n");
      await().until(() -> inner.sent().endsWith("CP\r"));
      inner.feed(answer + "\r\n");
      assertThat(failure(open))
          .isInstanceOf(DeviceRejectedException.class)
          .hasMessageContaining(answer.equals("E13") ? "E13 (invalid value)" : "not confirmed")
          .satisfies(e -> assertThat(e.toString()).doesNotContain("pa55"));
      assertThat(outer.ups).isZero();
      await().until(() -> inner.closed);
    }
  }

  @Test
  void aReplyOverTheBoundFailsItsRequestAtOnceAndItsTailIsNotTheNextReply() throws Exception {
    ExtronTunnelLink link = loggedIn("");
    CompletionStage<Void> sent = link.send(ascii("?\n"));
    await().until(() -> inner.sends.size() == 2);
    inner.feed("CH1=1|230|5|\r\n" + "x".repeat(5000), "x".repeat(5000));
    assertThat(failure(sent))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("over 8192 bytes")
        .hasMessageContaining("?\\n")
        .hasMessageContaining("CH1=1|230|5|")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    // the rest of that reply, up to its line end, is not the next request's reply
    CompletionStage<Void> next = link.send(ascii("?\n"));
    await().until(() -> inner.sends.size() == 3);
    inner.feed("x".repeat(3000), "xx\nOK\r\n>\r\n");
    next.toCompletableFuture().get(5, TimeUnit.SECONDS);
    await().until(() -> outer.data().equals("OK\r\n>"));
  }

  @Test
  void aCommandsAnswerOverTheBoundFailsTheCommandAtOnce() throws Exception {
    ExtronTunnelLink link = loggedIn("");
    CompletionStage<String> answer = link.command("1O");
    await().until(() -> inner.sent().endsWith("1O"));
    inner.feed("y".repeat(8193));
    assertThat(failure(answer))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("over 8192 bytes")
        .hasMessageContaining("1O")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    inner.feed("yy\r\n"); // its end, while nothing is asked
    CompletionStage<String> again = link.command("1O");
    await().until(() -> inner.sends.size() == 3);
    inner.feed("1\r\n");
    assertThat(again.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("1");
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }
}
