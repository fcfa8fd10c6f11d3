package io.pdu4j.sim.isotek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Commands and replies over a real loopback socket, pushes paused so replies stand alone. */
class SimulatorProtocolTest {

  private static final LocalDateTime START = LocalDateTime.of(2024, 5, 17, 9, 3, 7);
  private static final String RTC_2024 = "RTC=2024/05\\|17\\|09\\|0[34]\\|\\d\\d\\|";

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
    sim.pausePushes();
    return sim.start();
  }

  private IsoTekSimulator.Builder quiet() {
    return IsoTekSimulator.builder().jitter(false).clock(START);
  }

  private TestClient connect(IsoTekSimulator sim) {
    TestClient client = TestClient.connect(sim.port());
    toClose.add(client);
    return client;
  }

  private static List<String> lines(String reply) {
    return List.of(reply.split("\n", -1));
  }

  @Test
  void statusReplyOf16OutletsHasUnitOutletsClockOkAndPrompt() {
    IsoTekSimulator sim =
        start(quiet().outlets(16).initialState(2, false).loadWatts(1, 100).loadWatts(3, 7));
    TestClient client = connect(sim);

    List<String> reply = lines(client.request("?"));

    // 16 outlets: CH0..CH16, RTC, OK, >, and the empty rest after the prompt's LF
    assertThat(reply).hasSize(21);
    int[] defaults = {35, 120, 18, 65, 250, 8, 42, 90, 15, 150, 27, 55, 12, 75, 30, 5};
    defaults[0] = 100;
    defaults[1] = 0;
    defaults[2] = 7;
    int total = 0;
    for (int w : defaults) {
      total += w;
    }
    assertThat(reply.get(0)).isEqualTo("CH0=1|230|" + total + "|");
    assertThat(reply.get(1)).isEqualTo("CH1=1|230|100|");
    assertThat(reply.get(2)).isEqualTo("CH2=0|230|0|");
    assertThat(reply.get(3)).isEqualTo("CH3=1|230|7|");
    assertThat(reply.get(16)).isEqualTo("CH16=1|230|5|");
    for (int n = 1; n <= 16; n++) {
      assertThat(reply.get(n)).matches("CH" + n + "=[01]\\|230\\|\\d+\\|");
    }
    assertThat(reply.get(17)).matches(RTC_2024);
    assertThat(reply.subList(18, 21)).containsExactly("OK", ">", "");
  }

  @Test
  void statusReplyOf8OutletsHasEightOutletLines() {
    IsoTekSimulator sim = start(quiet().outlets(8).loadWatts(8, 40));
    TestClient client = connect(sim);

    List<String> reply = lines(client.request("?"));

    assertThat(sim.outletCount()).isEqualTo(8);
    assertThat(reply).hasSize(13);
    assertThat(reply.get(0))
        .isEqualTo("CH0=1|230|" + (35 + 120 + 18 + 65 + 250 + 8 + 42 + 40) + "|");
    assertThat(reply.get(8)).isEqualTo("CH8=1|230|40|");
    assertThat(reply.get(9)).matches(RTC_2024);
    assertThat(reply.subList(10, 13)).containsExactly("OK", ">", "");
  }

  @Test
  void jitteredReadingsStayPlausibleAndTheUnitPowerIsTheSum() {
    IsoTekSimulator sim = start(IsoTekSimulator.builder().loadWatts(5, 1000));
    TestClient client = connect(sim);

    for (int round = 0; round < 5; round++) {
      List<String> reply = lines(client.request("?"));
      int sum = 0;
      for (int n = 1; n <= 16; n++) {
        String[] f = reply.get(n).substring(reply.get(n).indexOf('=') + 1).split("\\|");
        assertThat(Integer.parseInt(f[1])).isBetween(227, 233);
        sum += Integer.parseInt(f[2]);
        if (n == 5) {
          assertThat(Integer.parseInt(f[2])).isBetween(970, 1030);
        }
      }
      String[] unit = reply.get(0).substring(4).split("\\|");
      assertThat(Integer.parseInt(unit[1])).isBetween(228, 232);
      assertThat(Integer.parseInt(unit[2])).isEqualTo(sum);
    }
  }

  @Test
  void switchingAnOutletAnswersOkAndShowsInTheNextStatus() {
    IsoTekSimulator sim = start(quiet().loadWatts(3, 60));
    TestClient client = connect(sim);

    assertThat(client.request("S3=0")).isEqualTo("OK\n>\n");
    assertThat(sim.outletState(3)).isFalse();
    assertThat(lines(client.request("?")).get(3)).isEqualTo("CH3=0|230|0|");

    assertThat(client.request("S3=1")).isEqualTo("OK\n>\n");
    assertThat(sim.outletState(3)).isTrue();
    assertThat(lines(client.request("?")).get(3)).isEqualTo("CH3=1|230|60|");
  }

  @Test
  void allOffAndAllOnShowInTheNextStatus() {
    IsoTekSimulator sim = start(quiet().outlets(8));
    TestClient client = connect(sim);

    assertThat(client.request("G")).isEqualTo("OK\n>\n");
    List<String> off = lines(client.request("?"));
    assertThat(off.get(0)).isEqualTo("CH0=1|230|0|");
    for (int n = 1; n <= 8; n++) {
      assertThat(off.get(n)).isEqualTo("CH" + n + "=0|230|0|");
      assertThat(sim.outletState(n)).isFalse();
    }

    assertThat(client.request("H")).isEqualTo("OK\n>\n");
    List<String> on = lines(client.request("?"));
    for (int n = 1; n <= 8; n++) {
      assertThat(on.get(n)).startsWith("CH" + n + "=1|230|");
      assertThat(sim.outletState(n)).isTrue();
    }
  }

  @Test
  void outOfBandChangesShowInTheStatus() {
    IsoTekSimulator sim = start(quiet());
    TestClient client = connect(sim);

    sim.setOutletState(4, false);
    sim.setLoadWatts(5, 1234);

    List<String> reply = lines(client.request("?"));
    assertThat(reply.get(4)).isEqualTo("CH4=0|230|0|");
    assertThat(reply.get(5)).isEqualTo("CH5=1|230|1234|");
  }

  @Test
  void unknownOutOfRangeAndMalformedCommandsGetTheErrorReply() {
    IsoTekSimulator sim = start(quiet().outlets(8));
    TestClient client = connect(sim);

    for (String bad :
        List.of(
            "Y",
            "PW=1|1|x|",
            "S9=1",
            "S0=1",
            "S1=2",
            "s1=1",
            "S1=1 ",
            "T=2024/13|01|00|00|00|",
            "T=2024/05|17",
            "C9=Name|1|0|",
            "C1=Name|4|0|",
            "C1=NineChars|1|0|")) {
      assertThat(client.request(bad)).as(bad).isEqualTo("ERR\n>\n");
    }
    assertThat(sim.outletState(1)).isTrue();
    assertThat(sim.commandsReceived()).startsWith("Y", "PW=1|1|x|", "S9=1");
    assertThat(sim.commandCount()).isEqualTo(12);
  }

  @Test
  void theErrorReplyIsConfigurable() {
    IsoTekSimulator sim = start(quiet().errorReply("E01"));
    TestClient client = connect(sim);

    assertThat(client.request("BOGUS")).isEqualTo("E01\n>\n");
  }

  @Test
  void silentOnErrorAnswersNothingToARejectedCommand() {
    IsoTekSimulator sim = start(quiet().silentOnError(true));
    TestClient client = connect(sim);

    client.sendLine("BOGUS");
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.commandCount() == 1);
    // the next reply is the one to S1=0: nothing came for BOGUS before it
    assertThat(client.request("S1=0")).isEqualTo("OK\n>\n");
  }

  @Test
  void anOverLongLineIsDiscardedAnsweredWithTheErrorAndTheConnectionKeepsWorking() {
    IsoTekSimulator sim = start(quiet());
    TestClient client = connect(sim);

    client.send("S1=0" + "A".repeat(5000) + "\n");
    assertThat(client.awaitThrough(">\n")).isEqualTo("ERR\n>\n");
    assertThat(sim.outletState(1)).isTrue();
    assertThat(sim.commandsReceived())
        .containsExactly("<discarded over-long line of 5004 characters>");

    assertThat(client.request("S1=0")).isEqualTo("OK\n>\n");
    assertThat(sim.outletState(1)).isFalse();
  }

  @Test
  void aLineOfExactly1024CharactersIsStillACommand() {
    IsoTekSimulator sim = start(quiet());
    TestClient client = connect(sim);

    assertThat(client.request("Z".repeat(1024))).isEqualTo("ERR\n>\n");
    assertThat(sim.commandsReceived()).containsExactly("Z".repeat(1024));
  }

  @Test
  void commandsMayEndWithCrLfCrOrLfAndEmptyLinesAreIgnored() {
    IsoTekSimulator sim = start(quiet());
    TestClient client = connect(sim);

    client.send("S1=0\r\nS2=0\rS3=0\n\n\r\n");

    assertThat(client.awaitThrough(">\n")).isEqualTo("OK\n>\n");
    assertThat(client.awaitThrough(">\n")).isEqualTo("OK\n>\n");
    assertThat(client.awaitThrough(">\n")).isEqualTo("OK\n>\n");
    assertThat(sim.commandsReceived()).containsExactly("S1=0", "S2=0", "S3=0");
    assertThat(List.of(sim.outletState(1), sim.outletState(2), sim.outletState(3)))
        .containsOnly(false);
    assertThat(client.request("?")).startsWith("CH0=");
  }

  @Test
  void commandsSplitAcrossWritesAndSeveralInOneWriteAreHandledInOrder() {
    IsoTekSimulator sim = start(quiet());
    TestClient client = connect(sim);

    client.send("S1");
    client.send("=0\r");
    client.send("\nS1=1\nS1=0\nA?\n");

    assertThat(client.awaitThrough(">\n")).isEqualTo("OK\n>\n");
    assertThat(client.awaitThrough(">\n")).isEqualTo("OK\n>\n");
    assertThat(client.awaitThrough(">\n")).isEqualTo("OK\n>\n");
    assertThat(client.awaitThrough(">\n")).startsWith("A=");
    assertThat(sim.outletState(1)).isFalse();
  }

  @Test
  void addressQueryAnswersSerialMacAndServer() {
    IsoTekSimulator sim = start(quiet().serialNumber("ISO123456").mac("00:1E:C0:12:34:56"));
    TestClient client = connect(sim);

    assertThat(client.request("A?"))
        .isEqualTo(
            "A=ISO123456|00:1E:C0:12:34:56|127.0.0.1|" + sim.port() + "|0.0.0.0|0|\nOK\n>\n");
  }

  @Test
  void setClockChangesTheRtcLineAndTheClockKeepsRunning() {
    IsoTekSimulator sim = start(quiet());
    TestClient client = connect(sim);

    assertThat(client.request("T=2030/01|02|03|04|05|")).isEqualTo("OK\n>\n");

    assertThat(sim.deviceClock())
        .isBetween(LocalDateTime.of(2030, 1, 2, 3, 4, 5), LocalDateTime.of(2030, 1, 2, 3, 4, 15));
    assertThat(lines(client.request("?")).get(17))
        .matches("RTC=2030/01\\|02\\|03\\|04\\|(0\\d|1[0-5])\\|");
    // the document's other spelling, year and month joined by '|', is accepted too
    assertThat(client.request("T=2031|12|31|23|59|58|")).isEqualTo("OK\n>\n");
    assertThat(sim.deviceClock()).isAfterOrEqualTo(LocalDateTime.of(2031, 12, 31, 23, 59, 58));
  }

  @Test
  void outletConfigIsReadAndWritten() {
    IsoTekSimulator sim = start(quiet().outlets(8).outletConfig(8, "Amp", 2, 30));
    TestClient client = connect(sim);

    List<String> config = lines(client.request("C?"));
    assertThat(config)
        .containsExactly(
            "C1=Outlet 1|1|0|",
            "C2=Outlet 2|1|0|",
            "C3=Outlet 3|1|0|",
            "C4=Outlet 4|1|0|",
            "C5=Outlet 5|1|0|",
            "C6=Outlet 6|1|0|",
            "C7=Outlet 7|1|0|",
            "C8=Amp     |2|30|",
            "OK",
            ">",
            "");

    assertThat(client.request("C1=DAC     |1|5|")).isEqualTo("OK\n>\n");
    assertThat(client.request("C2=Tuner|1|0")).isEqualTo("OK\n>\n");
    List<String> after = lines(client.request("C?"));
    assertThat(after.get(0)).isEqualTo("C1=DAC     |1|5|");
    assertThat(after.get(1)).isEqualTo("C2=Tuner   |1|0|");
  }

  @Test
  void aLockedOutletIgnoresSwitchingButStillAnswersOk() {
    IsoTekSimulator sim = start(quiet().outlets(8).initialState(5, false));
    TestClient client = connect(sim);

    assertThat(client.request("C2=Router  |3|0|")).isEqualTo("OK\n>\n");
    assertThat(client.request("C5=Fridge  |3|0|")).isEqualTo("OK\n>\n");

    assertThat(client.request("S2=0")).isEqualTo("OK\n>\n");
    assertThat(sim.outletState(2)).isTrue();
    assertThat(client.request("G")).isEqualTo("OK\n>\n");
    assertThat(sim.outletState(2)).isTrue();
    assertThat(sim.outletState(1)).isFalse();
    assertThat(client.request("H")).isEqualTo("OK\n>\n");
    assertThat(sim.outletState(5)).isFalse();
    assertThat(sim.outletState(1)).isTrue();
    assertThat(lines(client.request("?")).get(2)).startsWith("CH2=1|");

    // the front panel is not a remote command: it switches a locked outlet
    sim.setOutletState(2, false);
    assertThat(sim.outletState(2)).isFalse();

    // unlocking makes it switchable again
    assertThat(client.request("C2=Router  |2|0|")).isEqualTo("OK\n>\n");
    assertThat(client.request("S2=1")).isEqualTo("OK\n>\n");
    assertThat(sim.outletState(2)).isTrue();
  }

  @Test
  void aLockedOutletCanBeConfiguredInTheBuilder() {
    IsoTekSimulator sim = start(quiet().outletConfig(16, "NAS", 3, 0));
    TestClient client = connect(sim);

    assertThat(client.request("S16=0")).isEqualTo("OK\n>\n");
    assertThat(sim.outletState(16)).isTrue();
  }
}
