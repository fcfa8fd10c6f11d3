package io.pdu4j.sim.isotek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The unsolicited status pushes. */
class SimulatorPushTest {

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private IsoTekSimulator start(IsoTekSimulator.Builder builder) {
    IsoTekSimulator sim = builder.build();
    toClose.add(sim);
    return sim.start();
  }

  private TestClient connect(IsoTekSimulator sim) {
    TestClient client = TestClient.connect(sim.port());
    toClose.add(client);
    return client;
  }

  private static List<TestClient.TimedLine> clockLines(TestClient client) {
    return client.lines().stream().filter(l -> l.text().startsWith("RTC=")).toList();
  }

  @Test
  void pushesArriveUnaskedAtTheConfiguredIntervalWithoutOkOrPrompt() {
    IsoTekSimulator sim = start(IsoTekSimulator.builder().pushInterval(Duration.ofMillis(200)));
    TestClient client = connect(sim);

    await().atMost(Duration.ofSeconds(10)).until(() -> clockLines(client).size() >= 6);

    List<TestClient.TimedLine> clocks = clockLines(client);
    long averageMillis = (clocks.get(5).nanos() - clocks.get(1).nanos()) / 4 / 1_000_000;
    assertThat(averageMillis).isBetween(120L, 400L);

    List<String> lines = client.lines().stream().map(TestClient.TimedLine::text).toList();
    assertThat(lines).doesNotContain("OK", ">");
    // whole blocks only: CH0..CH16 then RTC, repeated
    for (int i = 0; i < 18 * 5; i++) {
      int k = i % 18;
      if (k == 17) {
        assertThat(lines.get(i)).matches("RTC=\\d{4}/\\d\\d(\\|\\d\\d){4}\\|");
      } else {
        assertThat(lines.get(i)).matches("CH" + k + "=[01]\\|\\d+\\|\\d+\\|");
      }
    }
    assertThat(sim.commandCount()).isZero();
  }

  @Test
  void pushesReflectSwitchingWithoutBeingAsked() {
    IsoTekSimulator sim =
        start(IsoTekSimulator.builder().outlets(8).pushInterval(Duration.ofMillis(50)));
    TestClient client = connect(sim);

    sim.setOutletState(7, false);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> client.lines().stream().anyMatch(l -> l.text().startsWith("CH7=0|")));
  }

  @Test
  void everyClientGetsItsOwnPushes() {
    IsoTekSimulator sim = start(IsoTekSimulator.builder().pushInterval(Duration.ofMillis(100)));
    TestClient first = connect(sim);
    TestClient second = connect(sim);

    await().atMost(Duration.ofSeconds(5)).until(() -> sim.connectedClients() == 2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> clockLines(first).size() >= 2 && clockLines(second).size() >= 2);

    first.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.connectedClients() == 1);
    int before = clockLines(second).size();
    await().atMost(Duration.ofSeconds(10)).until(() -> clockLines(second).size() >= before + 2);
  }

  @Test
  void pausedPushesStopAndResume() {
    IsoTekSimulator sim = start(IsoTekSimulator.builder().pushInterval(Duration.ofMillis(50)));
    TestClient client = connect(sim);
    await().atMost(Duration.ofSeconds(10)).until(() -> clockLines(client).size() >= 1);

    sim.pausePushes();
    int atPause = client.lines().size();
    // unpaused, 500 ms would bring about ten blocks; paused, at most one already in flight
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> client.lines().size() <= atPause + 18);
    int paused = client.lines().size();

    sim.resumePushes();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.lines().size() >= paused + 18);
  }

  @Test
  void aReplyIsNeverSplitByARegularPush() {
    IsoTekSimulator sim = start(IsoTekSimulator.builder().pushInterval(Duration.ofMillis(10)));
    TestClient client = connect(sim);

    for (int i = 0; i < 50; i++) {
      client.sendLine("?");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> client.lines().stream().filter(l -> l.text().equals(">")).count() == 50);

    List<String> lines = client.lines().stream().map(TestClient.TimedLine::text).toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).equals("OK")) {
        // the 18 lines before OK are one whole status block, the prompt follows
        for (int k = 0; k <= 16; k++) {
          assertThat(lines.get(i - 18 + k)).startsWith("CH" + k + "=");
        }
        assertThat(lines.get(i - 1)).startsWith("RTC=");
        assertThat(lines.get(i + 1)).isEqualTo(">");
      }
    }
  }
}
