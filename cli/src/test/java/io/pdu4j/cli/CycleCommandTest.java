package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.sim.isotek.IsoTekSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code cycle}'s bounds and steps, in process (interruption: it-tests CycleInterruptIT). */
class CycleCommandTest {
  private IsoTekSimulator sim;
  private String uri;

  @BeforeEach
  void start() {
    sim = IsoTekSimulator.builder().outlets(8).outletConfig(6, "Router", 2, 1).build().start();
    uri = "isotek:tcp://127.0.0.1:" + sim.port();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void anOffTimeAboveOneHourOrOfZeroIsAUsageErrorAndNothingIsSent() {
    CliTest.Result tooLong = CliTest.run("cycle", uri, "3", "--off-time", "61m");
    assertThat(tooLong.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(tooLong.err()).contains("--off-time must be at most 1h, got 61m");
    CliTest.Result zero = CliTest.run("cycle", uri, "3", "--off-time", "0s");
    assertThat(zero.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(sim.commandsReceived()).noneMatch(c -> c.startsWith("S3="));
    assertThat(sim.outletState(3)).isTrue();
  }

  @Test
  void withoutOffTimeTheOutletWaitsItsResetDelayAndEndsOn() {
    CliTest.Result r = CliTest.run("cycle", uri, "6");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("(?m)^outlet  6.*ON$");
    assertThat(sim.commandsReceived()).containsSubsequence("C?", "S6=0", "S6=1");
    assertThat(sim.outletState(6)).isTrue();
  }

  @Test
  void aPollBelowOneHundredMillisecondsAndAPathThatMeansNothingAreUsageErrors() {
    CliTest.Result poll = CliTest.run("status", uri + "?poll=50ms");
    assertThat(poll.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(poll.err()).contains("poll must be at least 100ms, got 50ms");
    CliTest.Result path = CliTest.run("off", uri + "/foo", "3");
    assertThat(path.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(path.err()).contains("the path '/foo'").contains("means nothing to isotek:tcp");
    CliTest.Result relays = CliTest.run("on", "extron:tcp://127.0.0.1:1/2", "2");
    assertThat(relays.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(relays.err()).contains("means nothing to extron:tcp");
    assertThat(sim.outletState(3)).isTrue();
  }
}
