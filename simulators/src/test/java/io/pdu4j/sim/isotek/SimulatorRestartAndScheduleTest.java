package io.pdu4j.sim.isotek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code X} (restart), {@code P?}/{@code P=nn}/{@code PW=} and the simulator running the plans. */
class SimulatorRestartAndScheduleTest {
  private static final LocalDateTime START = LocalDateTime.of(2026, 11, 21, 10, 0, 0);
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
    sim.start();
    sim.pausePushes();
    return sim;
  }

  private TestClient connect(IsoTekSimulator sim) {
    TestClient client = TestClient.connect(sim.port());
    toClose.add(client);
    return client;
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void restartAnswersOkDropsEveryClientRefusesThenAcceptsAgain() {
    IsoTekSimulator sim =
        start(IsoTekSimulator.builder().outlets(8).restartTime(Duration.ofMillis(1500)));
    TestClient asker = connect(sim);
    TestClient other = connect(sim);
    await().until(() -> sim.connectedClients() == 2);
    assertThat(asker.request("X")).isEqualTo("OK\n>\n");
    await().atMost(Duration.ofSeconds(3)).until(() -> asker.eof() && other.eof());
    assertThat(accepts(sim.port())).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> accepts(sim.port()));
    TestClient again = connect(sim);
    assertThat(again.request("?")).contains("CH8=").endsWith("OK\n>\n");
  }

  @Test
  void restartTimeMustNotBeNegative() {
    assertThatThrownBy(() -> IsoTekSimulator.builder().restartTime(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void storesAndListsScheduleRecords() {
    IsoTekSimulator sim = start(IsoTekSimulator.builder().outlets(8).clock(START));
    TestClient client = connect(sim);
    assertThat(client.request("P?")).isEqualTo("OK\n>\n");
    assertThat(client.request("P=2")).isEqualTo("OK\n>\n");
    assertThat(client.request("PW=1|1|Night|23:30|0|0|1|2|0|0|2|")).isEqualTo("OK\n>\n");
    assertThat(client.request("PW=2|2|Idle    |00:00|0|5|2|3|0|0|3|")).isEqualTo("OK\n>\n");
    assertThat(client.request("PW=3|2|Full|00:00|0|5|2|3|0|0|3|")).isEqualTo("ERR\n>\n");
    assertThat(client.request("P?"))
        .isEqualTo(
            "P1=1|1|Night   |23:30|0|0|1|2|0|0|2|\nP2=2|2|Idle    |00:00|0|5|2|3|0|0|3|\nOK\n>\n");
    assertThat(client.request("PW=1|1|x|24:00|0|0|1|2|0|0|2|")).isEqualTo("ERR\n>\n");
    assertThat(client.request("PW=1|1|x|10:00|0|0|1|9|0|0|2|")).isEqualTo("ERR\n>\n");
    assertThat(client.request("P=0")).isEqualTo("OK\n>\n");
    assertThat(sim.scheduleRecords()).isEmpty();
  }

  @Test
  void runsATimePlanOnTheDayOfMonthAndARestartPlan() {
    IsoTekSimulator sim =
        start(
            IsoTekSimulator.builder()
                .outlets(8)
                .clock(LocalDateTime.of(2026, 11, 21, 9, 59, 59))
                .outletConfig(2, "Router", 2, 1)
                .loadWatts(2, 10));
    TestClient client = connect(sim);
    client.request("P=3");
    // day 20 is not today: must not fire; day 21 is
    client.request("PW=1|1|Wrong|10:00|20|0|1|1|0|0|2|");
    client.request("PW=2|1|Right|10:00|21|0|1|3|0|0|2|");
    // power plan below 50 W on outlet 2 (10 W): restart (off, 1 s, on)
    client.request("PW=3|2|Low|00:00|0|50|2|2|0|0|3|");
    await().atMost(Duration.ofSeconds(3)).until(() -> !sim.outletState(2));
    await().atMost(Duration.ofSeconds(3)).until(() -> sim.outletState(2));
    await().atMost(Duration.ofSeconds(4)).until(() -> !sim.outletState(3));
    assertThat(sim.outletState(1)).isTrue();
  }

  @Test
  void runsATimePlanOnTheDayOfWeekWhenTheUnitReadsTheDayFieldSo() {
    IsoTekSimulator sim =
        start(
            IsoTekSimulator.builder()
                .outlets(8)
                .dayField(IsoTekSimulator.DayField.DAY_OF_WEEK)
                // a Saturday (6), the 21st
                .clock(LocalDateTime.of(2026, 11, 21, 9, 59, 59)));
    TestClient client = connect(sim);
    client.request("P=3");
    client.request("PW=1|1|Month|10:00|21|0|1|1|0|0|2|"); // the 21st is no weekday: never
    client.request("PW=2|1|Friday|10:00|5|0|1|2|0|0|2|");
    client.request("PW=3|1|Saturday|10:00|6|0|1|3|0|0|2|");
    await().atMost(Duration.ofSeconds(4)).until(() -> !sim.outletState(3));
    assertThat(sim.outletState(1)).isTrue();
    assertThat(sim.outletState(2)).isTrue();
  }
}
