package io.pdu4j.it;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.DeviceTimeoutException;
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
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every IsoTek command through both forms of the {@code extron} tunnel, for every combination of
 * the IPCP's undocumented reply behaviours ({@code docs/extron.md}, "Echo" and "Reply framing"):
 * one device per (form, combination) runs the whole script in order, and each step is checked
 * against the IsoTek simulator's own state, not only against what the driver reports.
 *
 * <p>Each case has its own simulators and runtime on ephemeral ports, and spends most of its time
 * waiting (a command timeout, the unit's restart), so cases run concurrently (it-tests' pom gives
 * at most 4 at a time).
 */
@Execution(ExecutionMode.CONCURRENT)
class ExtronTunnelMatrixIT {
  private static final String PASSWORD = "m4trix-Secret";
  private static final String PREFIX = "Dat03";
  private static final int OUTLETS = 8;
  private static final int LOCKED = 8;
  private static final int[] LOADS = {35, 120, 18, 65, 250, 8, 42, 90};
  private static final int MAINS = 230;
  private static final Duration CLOCK_SLACK = Duration.ofSeconds(5);

  /** The two ways of reaching the IPCP: Telnet and its web form. */
  enum Form {
    TELNET("extron", Set.of()),
    HTTP("extron+http", Set.of());

    private final String scheme;
    private final Set<IpcpSwitch> notHandled;

    Form(String scheme, Set<IpcpSwitch> notHandled) {
      this.scheme = scheme;
      this.notHandled = notHandled;
    }

    boolean handles(Combination c) {
      return c.on().stream().noneMatch(notHandled::contains);
    }

    ExtronSimulator.Builder configure(ExtronSimulator.Builder b) {
      return this == HTTP ? b.httpPort(0) : b;
    }

    int port(ExtronSimulator ipcp) {
      return this == HTTP ? ipcp.httpPort() : ipcp.port();
    }
  }

  /**
   * One of the simulator's open-point switches: how it is set on the simulator, what the driver
   * must be told about it (if anything), and the simulator's default. A new switch (a reply prefix,
   * say) is one more constant here; the matrix then doubles by itself.
   */
  enum IpcpSwitch {
    CRLF_APPENDED(true) {
      @Override
      void apply(ExtronSimulator.Builder b, boolean on) {
        b.crlfAppended(on);
      }

      @Override
      String uriOption(boolean on) {
        return "&crlf=" + (on ? "appended" : "none");
      }
    },
    EMPTY_REPLY_ON_TIMEOUT(true) {
      @Override
      void apply(ExtronSimulator.Builder b, boolean on) {
        b.emptyReplyOnTimeout(on);
      }
    },
    ECHO_DATA(false) {
      @Override
      void apply(ExtronSimulator.Builder b, boolean on) {
        b.echoData(on);
      }
    },
    REPLY_PREFIX(false) {
      @Override
      void apply(ExtronSimulator.Builder b, boolean on) {
        b.replyPrefix(on ? PREFIX : "");
      }

      @Override
      String uriOption(boolean on) {
        // the driver is told the prefix, as a user who knows the firmware would
        return on ? "&prefix=" + PREFIX : "";
      }
    };

    private final boolean simulatorDefault;

    IpcpSwitch(boolean simulatorDefault) {
      this.simulatorDefault = simulatorDefault;
    }

    abstract void apply(ExtronSimulator.Builder b, boolean on);

    /** The address option telling the driver about the switch; none when it must cope alone. */
    String uriOption(boolean on) {
      return "";
    }
  }

  /** The switches that are on; every other one is off (whatever the simulator's default). */
  record Combination(Set<IpcpSwitch> on) {
    ExtronSimulator.Builder apply(ExtronSimulator.Builder b) {
      for (IpcpSwitch s : IpcpSwitch.values()) {
        s.apply(b, on.contains(s));
      }
      return b;
    }

    String uriOptions() {
      return Stream.of(IpcpSwitch.values())
          .map(s -> s.uriOption(on.contains(s)))
          .collect(Collectors.joining());
    }

    /** Every subset of the switches. */
    static List<Combination> all() {
      IpcpSwitch[] all = IpcpSwitch.values();
      List<Combination> combinations = new ArrayList<>();
      for (int mask = 0; mask < 1 << all.length; mask++) {
        Set<IpcpSwitch> on = EnumSet.noneOf(IpcpSwitch.class);
        for (int i = 0; i < all.length; i++) {
          if ((mask & 1 << i) != 0) {
            on.add(all[i]);
          }
        }
        combinations.add(new Combination(on));
      }
      return combinations;
    }

    @Override
    public String toString() {
      return Stream.of(IpcpSwitch.values())
          .filter(s -> on.contains(s) != s.simulatorDefault)
          .map(s -> s.name().toLowerCase(java.util.Locale.ROOT) + "=" + on.contains(s))
          .collect(Collectors.joining(", ", "{", "}"))
          .replace("{}", "{defaults}");
    }
  }

  static Stream<Arguments> matrix() {
    return Stream.of(Form.values())
        .flatMap(f -> Combination.all().stream().filter(f::handles).map(c -> Arguments.of(f, c)));
  }

  @TempDir Path dir;
  private IsoTekSimulator isotek;
  private ExtronSimulator ipcp;
  private PowerRuntime runtime;

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
    if (ipcp != null) {
      ipcp.close();
    }
    if (isotek != null) {
      isotek.close();
    }
  }

  private PowerDevice open(Form form, Combination combination) throws Exception {
    IsoTekSimulator.Builder unit =
        IsoTekSimulator.builder()
            .tcpPort(0)
            .outlets(OUTLETS)
            .pushInterval(Duration.ofMillis(300))
            .jitter(false)
            .mainsVolts(MAINS)
            .clock(LocalDateTime.of(2026, 3, 4, 5, 6, 7))
            .restartTime(Duration.ofMillis(300))
            .initialState(2, false)
            .outletConfig(LOCKED, "Fridge", 3, 0);
    for (int n = 1; n <= OUTLETS; n++) {
      unit.loadWatts(n, LOADS[n - 1]);
    }
    isotek = unit.build().start();
    ipcp =
        combination
            .apply(form.configure(ExtronSimulator.builder().adminPassword(PASSWORD)))
            .serialDevice(3, isotek.port())
            .build()
            .start();
    Path secret = Files.writeString(dir.resolve("ipcp.pw"), PASSWORD + "\n");
    runtime = PowerRuntime.builder().build();
    return runtime.open(
        "isotek:"
            + form.scheme
            + "://127.0.0.1:"
            + form.port(ipcp)
            + "/3?password=file:"
            + secret
            // the simulated IPCP waits up to 1 s for the unit's first byte, 200 ms between bytes:
            // its default 100 ms is missed now and then on a loaded machine, and the command then
            // times out (the answer ends at the unit's '>' all the same)
            + "&t1=100&t2=20&timeout=3s&ready-timeout=15s"
            + combination.uriOptions());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void everyCommandThroughTheTunnel(Form form, Combination combination) throws Exception {
    PowerDevice pdu = open(form, combination);
    assertThat(pdu.connectionState()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(pdu.info().driver()).isEqualTo("isotek");
    assertThat(pdu.info().address()).doesNotContain(PASSWORD);

    statusMatchesTheUnit(pdu);
    switchingIsConfirmedOnTheUnit(pdu);
    switchAllSendsGAndH(pdu);
    cycleSwitchesOffThenOn(pdu);
    theClockIsReadAndSet(pdu);
    outletSettingsAreReadAndWritten(pdu);
    aLockedOutletIsRefusedBeforeSending(pdu);
    theScheduleIsWrittenAndReadBack(pdu);
    aSilentUnitTimesOutAndThenWorksAgain(pdu);
    theUnitRestartsAndComesBack(pdu);
  }

  private void statusMatchesTheUnit(PowerDevice pdu) throws Exception {
    DeviceStatus status = get(pdu.refresh());
    assertThat(status.outlets()).hasSize(OUTLETS);
    int total = 0;
    for (OutletStatus o : status.outlets()) {
      boolean on = isotek.outletState(o.number());
      assertThat(o.state()).as("outlet %d", o.number()).isEqualTo(state(on));
      assertThat(o.voltage()).as("outlet %d volts", o.number()).hasValue(MAINS);
      int watts = on ? LOADS[o.number() - 1] : 0;
      assertThat(o.power()).as("outlet %d watts", o.number()).hasValue(watts);
      total += watts;
    }
    assertThat(status.outlet(2).orElseThrow().state()).isEqualTo(OutletState.OFF);
    assertThat(status.input().orElseThrow().voltage()).hasValue(MAINS);
    assertThat(status.input().orElseThrow().power()).hasValue(total);
    assertThat(status.deviceClock()).hasValueSatisfying(this::isTheUnitsClock);
    assertThat(pdu.outlet(LOCKED).name()).isEqualTo("Fridge");
  }

  private void switchingIsConfirmedOnTheUnit(PowerDevice pdu) throws Exception {
    assertThat(get(pdu.outlet(3).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(isotek.outletState(3)).isFalse();
    assertThat(pdu.outlet(3).state()).isEqualTo(OutletState.OFF);
    assertThat(get(pdu.outlet(2).switchOn()).state()).isEqualTo(OutletState.ON);
    assertThat(isotek.outletState(2)).isTrue();
    assertThat(get(pdu.outlet(3).switchOn()).state()).isEqualTo(OutletState.ON);
    assertThat(isotek.outletState(3)).isTrue();
    assertThat(isotek.commandsReceived()).contains("S3=0", "S2=1", "S3=1");
  }

  private void switchAllSendsGAndH(PowerDevice pdu) throws Exception {
    DeviceStatus off = get(pdu.switchAll(OutletState.OFF));
    for (int n = 1; n <= OUTLETS; n++) {
      // the unit leaves a locked outlet as it is; the rest must be off on the unit itself
      assertThat(isotek.outletState(n)).as("outlet %d", n).isEqualTo(n == LOCKED);
      assertThat(off.outlet(n).orElseThrow().state()).isEqualTo(state(n == LOCKED));
    }
    assertThat(isotek.commandsReceived()).contains("G");
    DeviceStatus on = get(pdu.switchAll(OutletState.ON));
    for (int n = 1; n <= OUTLETS; n++) {
      assertThat(isotek.outletState(n)).as("outlet %d", n).isTrue();
    }
    assertThat(on.outlets()).allMatch(o -> o.state() == OutletState.ON);
    assertThat(isotek.commandsReceived()).contains("H");
  }

  private void cycleSwitchesOffThenOn(PowerDevice pdu) throws Exception {
    int before = isotek.commandsReceived().size();
    OutletStatus cycled = get(pdu.outlet(4).cycle(Duration.ofMillis(200)));
    assertThat(cycled.state()).isEqualTo(OutletState.ON);
    assertThat(isotek.outletState(4)).isTrue();
    List<String> sent = isotek.commandsReceived();
    List<String> since = sent.subList(Math.min(before, sent.size()), sent.size());
    assertThat(since).containsSubsequence("S4=0", "S4=1");
  }

  private void theClockIsReadAndSet(PowerDevice pdu) throws Exception {
    DeviceClock clock = pdu.clock().orElseThrow();
    isTheUnitsClock(get(clock.read()).deviceTime());

    LocalDateTime set = LocalDateTime.of(2031, 12, 30, 22, 58, 1);
    get(clock.set(set));
    assertThat(isotek.commandsReceived()).contains("T=2031/12|30|22|58|01|");
    assertThat(isotek.deviceClock()).isBetween(set, set.plus(CLOCK_SLACK));
    isTheUnitsClock(get(clock.read()).deviceTime());

    ZoneId zone = ZoneId.systemDefault();
    LocalDateTime before = LocalDateTime.now(zone).truncatedTo(ChronoUnit.SECONDS);
    get(clock.setToNow(zone));
    assertThat(isotek.deviceClock()).isBetween(before, LocalDateTime.now(zone).plus(CLOCK_SLACK));
  }

  private void outletSettingsAreReadAndWritten(PowerDevice pdu) throws Exception {
    OutletConfig initial = get(pdu.outlet(5).config());
    assertThat(initial).isEqualTo(new OutletConfig("Outlet 5", OutletType.NORMAL, Duration.ZERO));
    OutletConfig wanted = new OutletConfig("Router5", OutletType.ROUTER, Duration.ofSeconds(7));
    get(pdu.outlet(5).configure(wanted));
    assertThat(isotek.commandsReceived()).contains("C5=Router5 |2|7|");
    // read afresh from the unit (C?), not from what the driver wrote
    assertThat(get(pdu.outlet(5).config())).isEqualTo(wanted);
    assertThat(pdu.outlet(5).name()).isEqualTo("Router5");
    assertThat(get(pdu.outlet(LOCKED).config()).type()).isEqualTo(OutletType.LOCKED);
  }

  private void aLockedOutletIsRefusedBeforeSending(PowerDevice pdu) {
    int before = isotek.commandsReceived().size();
    assertThat(failure(pdu.outlet(LOCKED).switchOff()))
        .isInstanceOf(UnsupportedCapabilityException.class)
        .hasMessageContaining(Integer.toString(LOCKED));
    assertThat(failure(pdu.outlet(LOCKED).cycle(Duration.ofMillis(100))))
        .isInstanceOf(UnsupportedCapabilityException.class);
    assertThat(isotek.outletState(LOCKED)).isTrue();
    // polls may have gone out meanwhile, but nothing that switches outlet 8
    List<String> after = isotek.commandsReceived();
    assertThat(after.subList(Math.min(before, after.size()), after.size()))
        .noneMatch(c -> c.startsWith("S" + LOCKED + "="));
  }

  private void theScheduleIsWrittenAndReadBack(PowerDevice pdu) throws Exception {
    Scheduler scheduler = pdu.scheduler().orElseThrow();
    get(scheduler.clear());
    assertThat(isotek.scheduleRecords()).isEmpty();
    assertThat(get(scheduler.rules())).isEmpty();

    // twelve hours from the unit's clock (set to now above), so the unit never fires it here
    LocalTime at = isotek.deviceClock().toLocalTime().plusHours(12).truncatedTo(ChronoUnit.MINUTES);
    ScheduleRule night =
        new ScheduleRule.TimePlan("Night", at, Recurrence.daily(), 2, ScheduleAction.OFF);
    assertThat(get(scheduler.add(night))).containsExactly(night);
    assertThat(isotek.scheduleRecords())
        .containsExactly(
            String.format(
                java.util.Locale.ROOT,
                "1|1|Night   |%02d:%02d|0|0|1|2|0|0|2|",
                at.getHour(),
                at.getMinute()));

    // a threshold no outlet reaches: the unit never fires it either
    ScheduleRule overload =
        new ScheduleRule.PowerPlan(
            "Overload", ScheduleRule.Comparison.ABOVE, 5000, 6, ScheduleAction.RESTART);
    ScheduleRule monthly =
        new ScheduleRule.TimePlan("Monthly", at, Recurrence.monthly(17), 1, ScheduleAction.ON);
    assertThat(get(scheduler.replaceAll(List.of(overload, monthly))))
        .containsExactly(overload, monthly);
    assertThat(isotek.scheduleRecords())
        .hasSize(2)
        .satisfiesExactly(
            r -> assertThat(r).isEqualTo("1|2|Overload|00:00|0|5000|1|6|0|0|3|"),
            r -> assertThat(r).startsWith("2|1|Monthly |").endsWith("|17|0|1|1|0|0|1|"));
    assertThat(get(scheduler.rules())).containsExactly(overload, monthly);

    get(scheduler.clear());
    assertThat(isotek.scheduleRecords()).isEmpty();
    assertThat(get(scheduler.rules())).isEmpty();
  }

  private void aSilentUnitTimesOutAndThenWorksAgain(PowerDevice pdu) throws Exception {
    // nothing comes back to the IPCP: its reply is empty, absent or an echo, per the switches
    isotek.pausePushes();
    isotek.setSilent(true);
    try {
      assertThat(failure(pdu.refresh())).isInstanceOf(DeviceTimeoutException.class);
    } finally {
      isotek.setSilent(false);
      isotek.resumePushes();
    }
    isotek.setOutletState(6, false);
    assertThat(get(pdu.refresh()).outlet(6).orElseThrow().state()).isEqualTo(OutletState.OFF);
    assertThat(get(pdu.outlet(6).switchOn()).state()).isEqualTo(OutletState.ON);
    assertThat(isotek.outletState(6)).isTrue();
  }

  private void theUnitRestartsAndComesBack(PowerDevice pdu) throws Exception {
    get(pdu.restart());
    assertThat(isotek.commandsReceived()).contains("X");
    // the unit drops its serial side for the restart time: commands meanwhile time out, after
    // that the IPCP reaches it again and the same device works, with nothing reopened by the user.
    // Waiting for the unit to take connections again first spares a refresh sent into the restart
    // (a whole command timeout) in most runs; one may still go out, and is retried below.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(this::unitAcceptsConnections);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> get(pdu.refresh()).outlets().size() == OUTLETS);
    assertThat(pdu.connectionState()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(get(pdu.outlet(1).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(isotek.outletState(1)).isFalse();
    DeviceStatus after = get(pdu.refresh());
    for (int n = 1; n <= OUTLETS; n++) {
      assertThat(after.outlet(n).orElseThrow().state()).isEqualTo(state(isotek.outletState(n)));
    }
  }

  private boolean unitAcceptsConnections() {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), isotek.port()), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void isTheUnitsClock(LocalDateTime reported) {
    LocalDateTime unit = isotek.deviceClock();
    assertThat(reported).isCloseTo(unit, within(CLOCK_SLACK.toSeconds(), ChronoUnit.SECONDS));
  }

  private static OutletState state(boolean on) {
    return on ? OutletState.ON : OutletState.OFF;
  }
}
