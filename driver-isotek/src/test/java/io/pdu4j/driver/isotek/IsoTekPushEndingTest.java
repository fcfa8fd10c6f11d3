package io.pdu4j.driver.isotek;

import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletType;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.Recurrence;
import io.pdu4j.api.ScheduleAction;
import io.pdu4j.api.ScheduleRule;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A status push that lands right before (or inside) the answer to every kind of command, from a
 * unit whose pushes end with {@code OK} and the prompt and from one whose pushes do not: the push's
 * own {@code OK} never ends another command, and a command's {@code OK} is never lost.
 *
 * <p>Each case runs with the unit's periodic pushes stopped (so the driver has not learnt yet how
 * the unit ends its pushes when the injected push arrives) and running every 100 ms (learnt from
 * the stream, and racing with the commands as a real unit's do).
 */
class IsoTekPushEndingTest {
  static {
    org.awaitility.Awaitility.setDefaultPollDelay(Duration.ZERO);
    org.awaitility.Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
  }

  private final IsoTekOverTcp tcp = new IsoTekOverTcp();
  private IsoTekSimulator sim;
  private PowerDevice device;

  @AfterEach
  void tearDown() {
    tcp.close();
  }

  static Stream<Arguments> units() {
    return Stream.of(
        Arguments.of(false, false),
        Arguments.of(false, true),
        Arguments.of(true, false),
        Arguments.of(true, true));
  }

  private PowerDevice open(boolean pushWithOk, boolean periodicPushes) throws Exception {
    sim =
        IsoTekSimulator.builder()
            .outlets(16)
            .jitter(false)
            .pushWithOk(pushWithOk)
            .pushInterval(Duration.ofMillis(100))
            .outletConfig(3, "NAS", 2, 10)
            .outletConfig(16, "Last", 1, 0)
            .build();
    if (!periodicPushes) {
      sim.pausePushes();
    }
    tcp.track(sim).start();
    device = tcp.open(sim, "");
    if (periodicPushes) {
      // a few pushes, so the driver has seen how they end
      DeviceStatus first = device.lastStatus().orElseThrow();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> device.lastStatus().orElseThrow().receivedAt().isAfter(first.receivedAt()));
    }
    return device;
  }

  @ParameterizedTest(name = "push with OK: {0}, periodic pushes: {1}")
  @MethodSource("units")
  void outletSettingsAreReadWhole(boolean pushWithOk, boolean periodic) throws Exception {
    PowerDevice d = open(pushWithOk, periodic);
    for (int i = 0; i < 3; i++) {
      sim.pushBeforeNextReplies(1);
      OutletConfig last = get(d.outlet(16).config());
      assertThat(last.name()).isEqualTo("Last");
      sim.pushDuringNextReplies(1);
      OutletConfig nas = get(d.outlet(3).config());
      assertThat(nas).isEqualTo(new OutletConfig("NAS", OutletType.ROUTER, Duration.ofSeconds(10)));
    }
  }

  @ParameterizedTest(name = "push with OK: {0}, periodic pushes: {1}")
  @MethodSource("units")
  void theScheduleIsReadWhole(boolean pushWithOk, boolean periodic) throws Exception {
    PowerDevice d = open(pushWithOk, periodic);
    List<ScheduleRule> rules =
        List.of(
            new ScheduleRule.TimePlan(
                "Night", LocalTime.of(23, 30), Recurrence.daily(), 2, ScheduleAction.OFF),
            new ScheduleRule.TimePlan(
                "Morning", LocalTime.of(7, 0), Recurrence.daily(), 2, ScheduleAction.ON));
    sim.pushBeforeNextReplies(4); // P=2, both PW=, and the P? read back
    assertThat(get(d.scheduler().orElseThrow().replaceAll(rules))).isEqualTo(rules);
    for (int i = 0; i < 3; i++) {
      sim.pushBeforeNextReplies(1);
      assertThat(get(d.scheduler().orElseThrow().rules())).isEqualTo(rules);
      sim.pushDuringNextReplies(1);
      assertThat(get(d.scheduler().orElseThrow().rules())).isEqualTo(rules);
    }
    // an empty schedule: the push's OK must not stand in for P?'s own either
    get(d.scheduler().orElseThrow().clear());
    sim.pushBeforeNextReplies(1);
    assertThat(get(d.scheduler().orElseThrow().rules())).isEmpty();
    assertThat(sim.scheduleRecords()).isEmpty();
  }

  @ParameterizedTest(name = "push with OK: {0}, periodic pushes: {1}")
  @MethodSource("units")
  void switchingIsConfirmedByTheUnitNotByAPush(boolean pushWithOk, boolean periodic)
      throws Exception {
    PowerDevice d = open(pushWithOk, periodic);
    for (int i = 0; i < 3; i++) {
      sim.pushBeforeNextReplies(1);
      assertThat(get(d.outlet(5).switchOff()).state()).isEqualTo(OutletState.OFF);
      assertThat(sim.outletState(5)).isFalse();
      sim.pushBeforeNextReplies(2); // before Sx=1's OK, and before the follow-up ?'s answer
      assertThat(get(d.outlet(5).switchOn()).state()).isEqualTo(OutletState.ON);
      assertThat(sim.outletState(5)).isTrue();
    }
    sim.pushBeforeNextReplies(2);
    DeviceStatus off = get(d.switchAll(OutletState.OFF));
    assertThat(off.outlets()).allMatch(o -> o.state() == OutletState.OFF);
    sim.pushBeforeNextReplies(2);
    DeviceStatus on = get(d.switchAll(OutletState.ON));
    assertThat(on.outlets()).allMatch(o -> o.state() == OutletState.ON);
    // every command answered once: nothing left over to end the next one early
    sim.pushBeforeNextReplies(1);
    assertThat(get(d.outlet(16).config()).name()).isEqualTo("Last");
  }

  @ParameterizedTest(name = "push with OK: {0}, periodic pushes: {1}")
  @MethodSource("units")
  void theClockIsSetAtTheUnitsOwnOk(boolean pushWithOk, boolean periodic) throws Exception {
    PowerDevice d = open(pushWithOk, periodic);
    LocalDateTime time = LocalDateTime.of(2027, 3, 4, 5, 6, 7);
    sim.pushBeforeNextReplies(1);
    get(d.clock().orElseThrow().set(time));
    assertThat(sim.deviceClock()).isAfterOrEqualTo(time).isBefore(time.plusMinutes(1));
    assertThat(sim.commandsReceived()).contains("T=2027/03|04|05|06|07|");
    // the next command gets its own answer, not one left over
    sim.pushBeforeNextReplies(1);
    assertThat(get(d.outlet(16).config()).name()).isEqualTo("Last");
  }

  @ParameterizedTest(name = "push with OK: {0}, periodic pushes: {1}")
  @MethodSource("units")
  void aQueryGetsAStatusThatFollowedIt(boolean pushWithOk, boolean periodic) throws Exception {
    PowerDevice d = open(pushWithOk, periodic);
    for (int i = 0; i < 3; i++) {
      sim.setOutletState(7, i % 2 == 0);
      sim.pushBeforeNextReplies(1);
      DeviceStatus s = get(d.refresh());
      assertThat(s.outlet(7).orElseThrow().state())
          .isEqualTo(i % 2 == 0 ? OutletState.ON : OutletState.OFF);
      assertThat(s.outlets()).hasSize(16);
    }
    sim.pushBeforeNextReplies(1);
    assertThat(get(d.outlet(16).config()).name()).isEqualTo("Last");
  }

  @ParameterizedTest(name = "push with OK: {0}, periodic pushes: {1}")
  @MethodSource("units")
  void aRestartIsAcceptedAtItsOkEvenWhenTheUnitHangsUpRightBehindIt(
      boolean pushWithOk, boolean periodic) throws Exception {
    PowerDevice d = open(pushWithOk, periodic);
    // the unit answers X with its OK and drops the line at once: an OK held back to see whose it
    // is (a push came just before it) has no next line to wait for, so it is the command's
    sim.pushBeforeNextReplies(1);
    get(d.restart());
    assertThat(sim.commandsReceived()).contains("X");
  }
}
