package io.pdu4j.sim.isotek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the simulator writes after each line and after the prompt. */
class SimulatorLineEndingTest {

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private IsoTekSimulator start(IsoTekSimulator.Builder builder) {
    IsoTekSimulator sim = builder.jitter(false).build();
    toClose.add(sim);
    return sim.start();
  }

  private TestClient connect(IsoTekSimulator sim) {
    TestClient client = TestClient.connect(sim.port());
    toClose.add(client);
    return client;
  }

  @ParameterizedTest
  @EnumSource(LineEnding.class)
  void everyLineOfRepliesAndPushesEndsWithTheConfiguredEnding(LineEnding ending) {
    IsoTekSimulator sim = start(IsoTekSimulator.builder().outlets(8).lineEnding(ending));
    sim.pausePushes();
    TestClient client = connect(sim);
    String e = ending.chars();

    client.sendLine("S1=0");
    assertThat(client.awaitThrough(">" + e)).isEqualTo("OK" + e + ">" + e);

    client.sendLine("BAD");
    assertThat(client.awaitThrough(">" + e)).isEqualTo("ERR" + e + ">" + e);

    client.sendLine("?");
    String status = client.awaitThrough(">" + e);
    assertThat(status).startsWith("CH0=1|230|");
    assertThat(status.split(java.util.regex.Pattern.quote(e), -1)).hasSize(13);
    assertThat(status).contains(e + "CH1=0|230|0|" + e).endsWith(e + "OK" + e + ">" + e);
    assertThat(status.replace(e, "")).doesNotContain("\r", "\n");

    sim.resumePushes();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.received().contains("RTC="));
    String push = client.awaitThrough("RTC=");
    assertThat(push).startsWith("CH0=").contains("|" + e + "CH8=");
    assertThat(push.replace(e, "")).doesNotContain("\r", "\n");
  }

  @Test
  void thePromptCanComeWithoutALineEnding() {
    IsoTekSimulator sim = start(IsoTekSimulator.builder().promptLineEnd(false));
    sim.pausePushes();
    TestClient client = connect(sim);

    client.sendLine("S1=0");
    client.sendLine("S1=1");
    client.sendLine("A?");

    await().atMost(Duration.ofSeconds(10)).until(() -> client.received().endsWith("|\nOK\n>"));
    assertThat(client.received())
        .startsWith("OK\n>OK\n>A=")
        .endsWith("|" + sim.port() + "|0.0.0.0|0|\nOK\n>");
  }

  @Test
  void thePromptWithoutLineEndingCombinesWithCrLf() {
    IsoTekSimulator sim =
        start(IsoTekSimulator.builder().lineEnding(LineEnding.CRLF).promptLineEnd(false));
    sim.pausePushes();
    TestClient client = connect(sim);

    client.sendLine("G");
    client.sendLine("G");

    await().atMost(Duration.ofSeconds(10)).until(() -> client.received().length() >= 10);
    assertThat(client.received()).isEqualTo("OK\r\n>OK\r\n>");
  }
}
