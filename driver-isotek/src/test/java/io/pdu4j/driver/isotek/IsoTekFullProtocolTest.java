package io.pdu4j.driver.isotek;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.OutletType;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.Recurrence;
import io.pdu4j.api.ScheduleAction;
import io.pdu4j.api.ScheduleRule;
import io.pdu4j.api.Scheduler;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Outlet settings, locked outlets, cycling, the clock and restart over loopback TCP. */
class IsoTekFullProtocolTest {
  static {
    org.awaitility.Awaitility.setDefaultPollDelay(Duration.ZERO);
    org.awaitility.Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
  }

  private static final LocalDateTime SIM_CLOCK = LocalDateTime.of(2026, 11, 21, 10, 0, 0);

  private final IsoTekOverTcp tcp = new IsoTekOverTcp();
  private final List<DeviceEvent> events = new CopyOnWriteArrayList<>();
  private IsoTekSimulator sim;
  private PowerDevice device;

  @AfterEach
  void tearDown() {
    tcp.close();
  }

  private IsoTekSimulator simulator(int outlets, Consumer<IsoTekSimulator.Builder> tweak) {
    IsoTekSimulator.Builder b =
        IsoTekSimulator.builder()
            .outlets(outlets)
            .jitter(false)
            .clock(SIM_CLOCK)
            .pushInterval(Duration.ofMillis(200));
    tweak.accept(b);
    sim = tcp.start(b);
    return sim;
  }

  private PowerDevice open(String options) throws Exception {
    device = tcp.open(sim, options);
    device.subscribe(events::add);
    return device;
  }

  private List<String> sent() {
    return sim.commandsReceived();
  }

  // ------------------------------------------------------------------ outlet settings

  @Test
  void settingsChangedWhileDisconnectedAreReadAgainOnReconnect() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("");
    assertThat(d.outlet(3).name()).isEqualTo("Outlet 3");
    // another client renames and locks outlet 3 while this one is connected
    try (java.net.Socket other = new java.net.Socket("127.0.0.1", sim.port())) {
      other.getOutputStream().write("C3=LAMP|3|0|\n".getBytes(StandardCharsets.US_ASCII));
      java.io.InputStream in = other.getInputStream();
      StringBuilder seen = new StringBuilder();
      while (seen.indexOf("OK") < 0) {
        int c = in.read();
        if (c < 0) {
          break;
        }
        seen.append((char) c);
      }
    }
    assertThat(d.outlet(3).name()).as("not read again while connected").isEqualTo("Outlet 3");
    sim.closeMidNextReply();
    assertThat(failure(d.refresh())).isInstanceOf(io.pdu4j.api.LinkLostException.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> d.outlet(3).name().equals("LAMP"));
    assertThat(failure(d.outlet(3).switchOff()))
        .isInstanceOf(io.pdu4j.api.UnsupportedCapabilityException.class);
  }

  @Test
  void namesFromTheUnitAreTheOutletsNamesEverywhere() throws Exception {
    simulator(8, b -> b.outletConfig(1, "Router", 2, 10).outletConfig(2, "NAS     ", 1, 0));
    PowerDevice d = open("");
    assertThat(d.has(DeviceCapability.OUTLET_CONFIG)).isTrue();
    assertThat(d.outlet(1).name()).isEqualTo("Router");
    assertThat(d.outlet(2).name()).isEqualTo("NAS");
    assertThat(d.outlet(3).name()).isEqualTo("Outlet 3");
    assertThat(d.lastStatus().orElseThrow().outlet(1).orElseThrow().name()).isEqualTo("Router");
    assertThat(d.outlet(1).status().name()).isEqualTo("Router");
    assertThat(d.outlet(1).capabilities()).contains(OutletCapability.CONFIGURABLE);
    DeviceStatus s = get(d.refresh());
    assertThat(s.outlet(2).orElseThrow().name()).isEqualTo("NAS");
    OutletStatus off = get(d.outlet(1).switchOff());
    assertThat(off.name()).isEqualTo("Router");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                events.stream()
                    .anyMatch(
                        e ->
                            e instanceof DeviceEvent.OutletChanged c
                                && c.current().name().equals("Router")));
  }

  @Test
  void readsOneOutletsSettings() throws Exception {
    simulator(8, b -> b.outletConfig(4, "Amp", 2, 15));
    PowerDevice d = open("");
    assertThat(get(d.outlet(4).config()))
        .isEqualTo(new OutletConfig("Amp", OutletType.ROUTER, Duration.ofSeconds(15)));
  }

  @Test
  void writesSettingsPaddedAndVerifiesThemByReadingBack() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("");
    get(d.outlet(3).configure(new OutletConfig("DAC", OutletType.ROUTER, Duration.ofSeconds(30))));
    assertThat(sent()).contains("C3=DAC     |2|30|");
    assertThat(sent().get(sent().size() - 1)).isEqualTo("C?");
    assertThat(d.outlet(3).name()).isEqualTo("DAC");
    assertThat(get(d.outlet(3).config()).resetDelay()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void refusesBadSettingsBeforeSending() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("");
    long before = sim.commandCount();
    for (OutletConfig bad :
        List.of(
            new OutletConfig("NineChars", OutletType.NORMAL, Duration.ZERO),
            new OutletConfig("a|b", OutletType.NORMAL, Duration.ZERO),
            new OutletConfig("tab\there", OutletType.NORMAL, Duration.ZERO),
            new OutletConfig("Kühl", OutletType.NORMAL, Duration.ZERO),
            new OutletConfig("ok", OutletType.NORMAL, Duration.ofMillis(1500)),
            new OutletConfig("ok", OutletType.NORMAL, Duration.ofSeconds(10_000)))) {
      assertThat(failure(d.outlet(1).configure(bad)))
          .as(bad.toString())
          .isInstanceOf(InvalidArgumentException.class);
    }
    assertThat(sim.commandCount()).isEqualTo(before);
  }

  @Test
  void opensWithNumberedNamesWhenTheUnitRefusesConfigRead() throws Exception {
    simulator(8, b -> b.refuse("C?"));
    PowerDevice d = open("");
    assertThat(d.outlet(1).name()).isEqualTo("Outlet 1");
    assertThat(d.connectionState()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(sent()).contains("C?");
  }

  // ------------------------------------------------------------------ locked outlets

  @Test
  void refusesToSwitchOrCycleALockedOutletWithoutSending() throws Exception {
    simulator(8, b -> b.outletConfig(2, "Fridge", 3, 0));
    PowerDevice d = open("");
    assertThat(d.outlet(2).capabilities()).doesNotContain(OutletCapability.SWITCHABLE);
    long before = sim.commandCount();
    Throwable t = failure(d.outlet(2).switchOff());
    assertThat(t).isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("Fridge");
    assertThat(t.getMessage()).contains("outlet 2").contains("locked");
    assertThat(failure(d.outlet(2).cycle(Duration.ofMillis(10))))
        .isInstanceOf(UnsupportedCapabilityException.class);
    assertThat(sim.commandCount()).isEqualTo(before);
    assertThat(sim.outletState(2)).isTrue();
  }

  @Test
  void switchAllStillSendsAndShowsLockedOutletsAsReported() throws Exception {
    simulator(8, b -> b.outletConfig(2, "Fridge", 3, 0));
    PowerDevice d = open("");
    DeviceStatus s = get(d.switchAll(OutletState.OFF));
    assertThat(sent()).contains("G");
    assertThat(s.outlet(2).orElseThrow().state()).isEqualTo(OutletState.ON);
    assertThat(s.outlet(1).orElseThrow().state()).isEqualTo(OutletState.OFF);
  }

  // ------------------------------------------------------------------ cycle

  @Test
  void cyclesAnOutletOffWaitOnWithNothingInBetween() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("");
    assertThat(d.has(DeviceCapability.CYCLE)).isTrue();
    int from = sent().size();
    long start = System.nanoTime();
    CompletionStage<OutletStatus> cycle = d.outlet(3).cycle(Duration.ofMillis(600));
    CompletionStage<DeviceStatus> other = d.refresh();
    OutletStatus on = get(cycle);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    get(other);
    assertThat(on.state()).isEqualTo(OutletState.ON);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(600));
    List<String> during = sent().subList(from, sent().size());
    assertThat(during).startsWith("S3=0", "?", "S3=1", "?");
    assertThat(sim.outletState(3)).isTrue();
  }

  @Test
  void aRouterOutletCyclesWithItsOwnResetDelay() throws Exception {
    simulator(8, b -> b.outletConfig(1, "Router", 2, 1));
    PowerDevice d = open("");
    long start = System.nanoTime();
    OutletStatus on = get(d.outlet(1).cycle(null));
    assertThat(on.state()).isEqualTo(OutletState.ON);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  // ------------------------------------------------------------------ clock

  @Test
  void readsTheClockAndSetsItToNow() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("");
    DeviceClock clock = d.clock().orElseThrow();
    DeviceClock.Reading r = get(clock.read());
    assertThat(r.deviceTime()).isBetween(SIM_CLOCK, SIM_CLOCK.plusMinutes(1));
    assertThat(clock.lastReading()).isPresent();
    ZoneId zone = ZoneId.of("Europe/Berlin");
    get(clock.setToNow(zone));
    DeviceClock.Reading after = get(clock.read());
    assertThat(after.offset(zone).abs()).isLessThan(Duration.ofSeconds(3));
  }

  // ------------------------------------------------------------------ restart

  @Test
  void restartCompletesAtOkAndTheDeviceComesBack() throws Exception {
    simulator(8, b -> b.restartTime(Duration.ofMillis(800)));
    PowerDevice d = open("");
    assertThat(d.has(DeviceCapability.RESTART)).isTrue();
    get(d.restart());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> d.connectionState() == ConnectionState.OFFLINE);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> d.connectionState() == ConnectionState.CONNECTED);
    assertThat(get(d.refresh()).outlets()).hasSize(8);
  }

  // ------------------------------------------------------------------ scheduler

  @Test
  void writesTheScheduleRecordByRecordAndReadsItBack() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("");
    assertThat(d.has(DeviceCapability.SCHEDULER)).isTrue();
    Scheduler scheduler = d.scheduler().orElseThrow();
    List<ScheduleRule> rules =
        List.of(
            new ScheduleRule.TimePlan(
                "Night", LocalTime.of(23, 30), Recurrence.daily(), 2, ScheduleAction.OFF),
            new ScheduleRule.PowerPlan(
                "Idle", ScheduleRule.Comparison.BELOW, 5, 3, ScheduleAction.RESTART));
    assertThat(get(scheduler.replaceAll(rules))).isEqualTo(rules);
    assertThat(sent())
        .containsSubsequence(
            "P=2",
            "PW=1|1|Night   |23:30|0|0|1|2|0|0|2|",
            "PW=2|2|Idle    |00:00|0|5|2|3|0|0|3|",
            "P?");
    assertThat(get(scheduler.rules())).isEqualTo(rules);
    ScheduleRule more =
        new ScheduleRule.TimePlan(
            "Morning", LocalTime.of(7, 0), Recurrence.monthly(15), 1, ScheduleAction.ON);
    assertThat(get(scheduler.add(more))).hasSize(3).endsWith(more);
    get(scheduler.clear());
    assertThat(sent()).contains("P=0");
    assertThat(get(scheduler.rules())).isEmpty();
  }

  @Test
  void refusesScheduleFieldsOutOfRangeNamingTheFieldBeforeSending() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("");
    Scheduler scheduler = d.scheduler().orElseThrow();
    long before = sim.commandCount();
    assertThat(
            failure(
                scheduler.replaceAll(
                    List.of(
                        new ScheduleRule.TimePlan(
                            "x", LocalTime.NOON, Recurrence.daily(), 9, ScheduleAction.ON)))))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("outlet");
    assertThat(
            failure(
                scheduler.add(
                    new ScheduleRule.TimePlan(
                        "Too long a name",
                        LocalTime.NOON,
                        Recurrence.daily(),
                        1,
                        ScheduleAction.ON))))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("name");
    assertThat(
            failure(
                scheduler.add(
                    new ScheduleRule.PowerPlan(
                        "p", ScheduleRule.Comparison.ABOVE, 1.5, 1, ScheduleAction.ON))))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("power");
    assertThat(
            failure(
                scheduler.add(
                    new ScheduleRule.TimePlan(
                        "Weekend",
                        LocalTime.NOON,
                        Recurrence.weekly(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY),
                        1,
                        ScheduleAction.ON))))
        .isInstanceOf(UnsupportedCapabilityException.class)
        .hasMessageContaining("one day number per schedule rule")
        .hasMessageContaining("every sat, sun")
        .hasMessageContaining("host-side schedule");
    assertThat(sim.commandCount()).isEqualTo(before);
  }

  @Test
  void aMonthlyRuleIsTheDayFieldAndReadsBackMonthly() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("");
    Scheduler scheduler = d.scheduler().orElseThrow();
    ScheduleRule monthly =
        new ScheduleRule.TimePlan(
            "Rent", LocalTime.of(9, 15), Recurrence.monthly(31), 4, ScheduleAction.OFF);
    assertThat(get(scheduler.replaceAll(List.of(monthly)))).containsExactly(monthly);
    assertThat(sent()).contains("PW=1|1|Rent    |09:15|31|0|1|4|0|0|2|");
    assertThat(get(scheduler.rules())).containsExactly(monthly);
  }

  @Test
  void theSimulatorRunsPowerAndTimePlans() throws Exception {
    simulator(8, b -> b.loadWatts(5, 250).loadWatts(6, 8).initialState(6, false));
    PowerDevice d = open("");
    sim.setDeviceClock(LocalDateTime.of(2026, 11, 21, 6, 59, 58));
    get(
        d.scheduler()
            .orElseThrow()
            .replaceAll(
                List.of(
                    new ScheduleRule.PowerPlan(
                        "Hog", ScheduleRule.Comparison.ABOVE, 200, 5, ScheduleAction.OFF),
                    new ScheduleRule.TimePlan(
                        "Wake", LocalTime.of(7, 0), Recurrence.daily(), 6, ScheduleAction.ON))));
    await().atMost(Duration.ofSeconds(5)).until(() -> !sim.outletState(5));
    await().atMost(Duration.ofSeconds(8)).until(() -> sim.outletState(6));
    await().atMost(Duration.ofSeconds(5)).until(() -> d.outlet(6).state() == OutletState.ON);
  }

  // ------------------------------------------------------------------ polling

  @Test
  void pollsWhenPushesStopAndReadsUnknownWhenStale() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("?poll=300ms&stale=1s");
    sim.pausePushes();
    int from = sent().size();
    await().atMost(Duration.ofSeconds(5)).until(() -> sent().size() - from >= 3);
    assertThat(sent().subList(from, sent().size())).contains("?");
    assertThat(d.outlet(1).state()).isEqualTo(OutletState.ON);
    sim.setSilent(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> d.outlet(1).state() == OutletState.UNKNOWN);
    assertThat(d.lastStatus().orElseThrow().receivedAt())
        .isBefore(java.time.Instant.now().minusMillis(900));
  }

  @Test
  void pollsOnItsOwnWhenThePushesStop() throws Exception {
    simulator(8, b -> b.pushInterval(Duration.ofMillis(500)));
    PowerDevice d = open("");
    int from = sent().size();
    sim.pausePushes();
    await()
        .atMost(Duration.ofSeconds(8))
        .until(() -> sent().subList(from, sent().size()).stream().filter("?"::equals).count() >= 2);
    assertThat(d.outlet(1).state()).isEqualTo(OutletState.ON);
    assertThat(d.lastStatus().orElseThrow().age(java.time.Instant.now()))
        .isLessThan(Duration.ofSeconds(4));
  }
}
