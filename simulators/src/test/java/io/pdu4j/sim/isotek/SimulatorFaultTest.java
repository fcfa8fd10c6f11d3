package io.pdu4j.sim.isotek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fault injection, set at runtime while a client is connected. */
class SimulatorFaultTest {

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private IsoTekSimulator startQuiet() {
    IsoTekSimulator sim = IsoTekSimulator.builder().jitter(false).build();
    toClose.add(sim);
    sim.pausePushes();
    return sim.start();
  }

  private TestClient connect(IsoTekSimulator sim) {
    TestClient client = TestClient.connect(sim.port());
    toClose.add(client);
    return client;
  }

  private static List<String> lines(String text) {
    return List.of(text.split("\n", -1));
  }

  @Test
  void latencyDelaysEveryReply() {
    IsoTekSimulator sim = startQuiet();
    TestClient client = connect(sim);
    sim.setReplyLatency(Duration.ofMillis(400));

    long start = System.nanoTime();
    assertThat(client.request("S1=0")).isEqualTo("OK\n>\n");
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(400));

    sim.setReplyLatency(Duration.ZERO);
    start = System.nanoTime();
    assertThat(client.request("S1=1")).isEqualTo("OK\n>\n");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(400));
  }

  @Test
  void latencyDoesNotHoldBackPushes() {
    IsoTekSimulator sim =
        IsoTekSimulator.builder().pushInterval(Duration.ofMillis(50)).build().start();
    toClose.add(sim);
    TestClient client = connect(sim);
    sim.setReplyLatency(Duration.ofSeconds(2));

    client.sendLine("?");
    int before = client.lines().size();
    await().atMost(Duration.ofMillis(1500)).until(() -> client.lines().size() >= before + 3 * 18);
    assertThat(client.received()).doesNotContain("OK");
    client.awaitThrough("OK\n>\n");
  }

  @Test
  void silentExecutesCommandsButNeverAnswersWhilePushesContinue() {
    IsoTekSimulator sim = startQuiet();
    TestClient client = connect(sim);
    sim.setSilent(true);
    sim.resumePushes();

    client.sendLine("S1=0");
    client.sendLine("BOGUS");
    await().atMost(Duration.ofSeconds(5)).until(() -> !sim.outletState(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.commandCount() == 2);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !client.received().contains("OK") && !client.received().contains("ERR"));
    await().atMost(Duration.ofSeconds(5)).until(() -> client.received().contains("RTC="));

    sim.pausePushes();
    sim.setSilent(false);
    String reply = client.request("S2=0");
    assertThat(reply).endsWith("OK\n>\n").doesNotContain("ERR");
    assertThat(reply.split("OK", -1)).hasSize(2);
  }

  @Test
  void closeMidReplySendsPartOfTheReplyThenClosesTheSocket() {
    IsoTekSimulator sim = startQuiet();
    TestClient client = connect(sim);
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.connectedClients() == 1);
    sim.closeMidNextReply();

    client.sendLine("?");

    await().atMost(Duration.ofSeconds(5)).until(client::eof);
    String partial = client.received();
    assertThat(partial).isNotEmpty().startsWith("CH0=").doesNotContain("OK", ">");
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.connectedClients() == 0);
    assertThat(sim.commandsReceived()).containsExactly("?");

    // one-shot: the next client gets whole replies
    TestClient next = connect(sim);
    String full = next.request("?");
    assertThat(full).startsWith(partial).endsWith("OK\n>\n");
    assertThat(partial.length()).isLessThan(full.length());
  }

  @Test
  void closeMidReplyCanCutEvenAShortReply() {
    IsoTekSimulator sim = startQuiet();
    TestClient client = connect(sim);
    sim.closeMidNextReply();

    client.sendLine("S4=0");

    await().atMost(Duration.ofSeconds(5)).until(client::eof);
    assertThat(client.received()).isEqualTo("OK");
    assertThat(sim.outletState(4)).isFalse();
  }

  @Test
  void truncateSendsHalfTheNextReplyAndKeepsTheConnection() {
    IsoTekSimulator sim = startQuiet();
    TestClient client = connect(sim);
    sim.truncateNextReply();

    client.sendLine("S4=0");

    await().atMost(Duration.ofSeconds(5)).until(() -> sim.commandsReceived().contains("S4=0"));
    assertThat(sim.outletState(4)).isFalse();
    // one-shot, and the connection stays: the next reply is whole, after the torn half ("OK\n>\n")
    assertThat(client.request("S4=1")).isEqualTo("OKOK\n>\n");
    assertThat(client.eof()).isFalse();
    assertThat(sim.outletState(4)).isTrue();
  }

  @Test
  void pushDuringReplyPutsAWholeBlockBetweenTheStatusLines() {
    IsoTekSimulator sim = startQuiet();
    TestClient client = connect(sim);
    sim.pushDuringNextReplies(1);

    List<String> reply = lines(client.request("?"));

    // 18 reply lines with an 18-line push after the 9th, then OK, >, and the rest after the LF
    assertThat(reply).hasSize(18 + 18 + 3);
    assertThat(reply.get(8)).startsWith("CH8=");
    assertThat(reply.get(9)).startsWith("CH0=");
    assertThat(reply.get(26)).startsWith("RTC=");
    assertThat(reply.get(27)).startsWith("CH9=");
    assertThat(reply.get(35)).startsWith("RTC=");
    assertThat(reply.subList(36, 39)).containsExactly("OK", ">", "");

    // one-shot: the next reply is plain
    assertThat(lines(client.request("?"))).hasSize(21);
  }

  @Test
  void pushDuringReplyComesBeforeOkForASwitchAndCanBeArmedForSeveralReplies() {
    IsoTekSimulator sim = startQuiet();
    TestClient client = connect(sim);
    sim.pushDuringNextReplies(2);

    List<String> first = lines(client.request("S1=0"));
    List<String> second = lines(client.request("BOGUS"));
    String third = client.request("S1=1");

    assertThat(first).hasSize(21);
    assertThat(first.get(0)).startsWith("CH0=");
    assertThat(first.get(1)).isEqualTo("CH1=0|230|0|");
    assertThat(first.get(17)).startsWith("RTC=");
    assertThat(first.subList(18, 21)).containsExactly("OK", ">", "");
    assertThat(second.get(0)).startsWith("CH0=");
    assertThat(second.subList(18, 21)).containsExactly("ERR", ">", "");
    assertThat(third).isEqualTo("OK\n>\n");
  }

  @Test
  void addressReplyGetsThePushBeforeOk() {
    IsoTekSimulator sim = startQuiet();
    TestClient client = connect(sim);
    sim.pushDuringNextReplies(1);

    List<String> reply = lines(client.request("A?"));

    assertThat(reply.get(0)).startsWith("A=");
    assertThat(reply.get(1)).startsWith("CH0=");
    assertThat(reply.get(18)).startsWith("RTC=");
    assertThat(reply.subList(19, 22)).containsExactly("OK", ">", "");
  }

  @Test
  void pushBeforeReplyPutsAWholeBlockRightBeforeTheAnswer() {
    IsoTekSimulator sim = startQuiet();
    TestClient client = connect(sim);
    sim.pushBeforeNextReplies(1);

    List<String> first = lines(client.request("C?"));

    assertThat(first).hasSize(18 + 16 + 3);
    assertThat(first.get(0)).startsWith("CH0=");
    assertThat(first.get(17)).startsWith("RTC=");
    assertThat(first.get(18)).startsWith("C1=");
    assertThat(first.subList(34, 37)).containsExactly("OK", ">", "");
    // one-shot
    assertThat(client.request("S1=1")).isEqualTo("OK\n>\n");
  }

  @Test
  void aPushMayEndWithOkAndThePromptLikeTheAnswerToAQuery() {
    IsoTekSimulator sim = IsoTekSimulator.builder().jitter(false).pushWithOk(true).build();
    toClose.add(sim);
    sim.pausePushes();
    sim.start();
    assertThat(sim.describe()).contains("ending with OK and the prompt");
    TestClient client = connect(sim);
    sim.pushBeforeNextReplies(1);

    client.sendLine("S1=0");
    List<String> push = lines(client.awaitThrough(">\n"));
    List<String> reply = lines(client.awaitThrough(">\n"));

    assertThat(push).hasSize(18 + 3);
    assertThat(push.get(0)).startsWith("CH0=");
    assertThat(push.get(17)).startsWith("RTC=");
    assertThat(push.subList(18, 21)).containsExactly("OK", ">", "");
    assertThat(reply).containsExactly("OK", ">", "");

    // and so does every periodic push
    sim.resumePushes();
    List<String> periodic = lines(client.awaitThrough(">\n"));
    assertThat(periodic.get(0)).startsWith("CH0=");
    assertThat(periodic.subList(18, 21)).containsExactly("OK", ">", "");
  }

  @Test
  void garbageAndRawTextReachEveryClient() {
    IsoTekSimulator sim = startQuiet();
    TestClient first = connect(sim);
    TestClient second = connect(sim);
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.connectedClients() == 2);

    sim.injectGarbage("#$%garbage");
    sim.injectRaw("X".repeat(3000));
    sim.injectRaw("CH3=1|2");

    String expected = "#$%garbage\n" + "X".repeat(3000) + "CH3=1|2";
    await().atMost(Duration.ofSeconds(5)).until(() -> first.received().equals(expected));
    await().atMost(Duration.ofSeconds(5)).until(() -> second.received().equals(expected));
  }

  @Test
  void clearFaultsTurnsEverythingOff() {
    IsoTekSimulator sim = startQuiet();
    TestClient client = connect(sim);
    sim.setSilent(true);
    sim.setReplyLatency(Duration.ofSeconds(30));
    sim.closeMidNextReply();
    sim.pushDuringNextReplies(5);

    sim.clearFaults();
    sim.pausePushes();

    assertThat(client.request("S1=0")).isEqualTo("OK\n>\n");
  }
}
