package io.pdu4j.driver.isotek;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.driver.isotek.internal.IsoTekSession;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.sim.isotek.LineEnding;
import io.pdu4j.spi.Devices;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.PowerDriver;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The driver over real TCP (the {@code tcp} transport on loopback) against the IsoTek simulator,
 * wired by hand as the runtime would: driver, transport provider, one device executor.
 */
class IsoTekOverTcpTest {
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

  // ------------------------------------------------------------------ helpers

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

  private IsoTekSession session;

  private CompletionStage<PowerDevice> startOpen(String uri) {
    DriverContext context = tcp.context(uri);
    // opened as PowerDriver.open does, keeping the session to read its line counters
    session = (IsoTekSession) new IsoTekDriver().session(context);
    return Devices.open(session, context).thenApply(tcp::track);
  }

  private PowerDevice open(String options) throws Exception {
    device = get(startOpen("isotek:tcp://127.0.0.1:" + sim.port() + options));
    device.subscribe(events::add);
    return device;
  }

  private <E extends DeviceEvent> List<E> eventsOf(Class<E> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static List<OutletState> states(DeviceStatus s) {
    return s.outlets().stream().map(OutletStatus::state).toList();
  }

  // ------------------------------------------------------------------ discovery and shape

  @Test
  void isFoundThroughTheServiceLoader() {
    assertThat(ServiceLoader.load(PowerDriver.class).stream().map(p -> p.get().code()))
        .contains("isotek");
  }

  @Test
  void readsTheStatusOfAnEightOutletUnit() throws Exception {
    simulator(8, b -> b.initialState(3, false).loadWatts(1, 100).loadWatts(2, 50));
    PowerDevice d = open("");
    assertThat(d.info().model()).isEqualTo("SMART Power 8");
    assertThat(d.outlets()).hasSize(8);
    DeviceStatus s = get(d.refresh());
    assertThat(s.outlets()).hasSize(8);
    assertThat(s.outlet(1).orElseThrow().power()).hasValue(100);
    assertThat(s.outlet(2).orElseThrow().power()).hasValue(50);
    assertThat(s.outlet(1).orElseThrow().voltage()).hasValue(230);
    assertThat(s.outlet(3).orElseThrow().state()).isEqualTo(OutletState.OFF);
    assertThat(s.outlet(3).orElseThrow().power()).hasValue(0);
    assertThat(s.outlet(4).orElseThrow().state()).isEqualTo(OutletState.ON);
    double outletSum = s.outlets().stream().mapToDouble(o -> o.power().orElseThrow()).sum();
    assertThat(s.input().orElseThrow().power()).hasValue(outletSum);
    assertThat(s.input().orElseThrow().voltage()).hasValue(230);
    assertThat(s.deviceClock().orElseThrow()).isCloseTo(SIM_CLOCK, within(Duration.ofMinutes(1)));
    assertThat(d.outlet(3).state()).isEqualTo(OutletState.OFF);
  }

  @Test
  void theInfoCarriesTheSerialNumberAndMacTheUnitAnswersToAddressQuery() throws Exception {
    simulator(8, b -> b.serialNumber("ISO0042").mac("00:1E:C0:AB:CD:EF"));
    PowerDevice d = open("");
    assertThat(d.info().serial()).contains("ISO0042");
    assertThat(d.info().mac()).contains("00:1E:C0:AB:CD:EF");
    assertThat(d.info().firmware()).as("no IsoTek command tells the firmware").isEmpty();
    assertThat(sim.commandsReceived()).contains("A?");
  }

  @Test
  void aUnitThatRefusesTheAddressQueryStillOpens() throws Exception {
    simulator(8, b -> b.refuse("A?"));
    PowerDevice d = open("");
    assertThat(d.outlets()).hasSize(8);
    assertThat(d.info().serial()).isEmpty();
    assertThat(d.info().mac()).isEmpty();
  }

  private static org.assertj.core.data.TemporalUnitOffset within(Duration d) {
    return org.assertj.core.api.Assertions.within(d.toSeconds(), ChronoUnit.SECONDS);
  }

  @Test
  void readsTheStatusOfASixteenOutletUnit() throws Exception {
    simulator(16, b -> b.initialState(16, false));
    PowerDevice d = open("");
    assertThat(d.info().model()).isEqualTo("SMART Power 16");
    DeviceStatus s = get(d.refresh());
    assertThat(s.outlets()).extracting(OutletStatus::number).hasSize(16).startsWith(1).endsWith(16);
    assertThat(s.outlet(16).orElseThrow().state()).isEqualTo(OutletState.OFF);
    assertThat(s.outlet(15).orElseThrow().state()).isEqualTo(OutletState.ON);
  }

  @ParameterizedTest(name = "{0}, prompt line end {1}")
  @CsvSource({"LF,true", "LF,false", "CRLF,true", "CRLF,false", "CR,true", "CR,false"})
  void worksWithEveryLineEnding(LineEnding ending, boolean promptLineEnd) throws Exception {
    simulator(8, b -> b.lineEnding(ending).promptLineEnd(promptLineEnd));
    PowerDevice d = open("");
    assertThat(get(d.outlet(2).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(get(d.outlet(2).switchOn()).state()).isEqualTo(OutletState.ON);
    assertThat(get(d.refresh()).outlets()).hasSize(8);
    assertThat(session.counters().snapshot().malformed()).isZero();
  }

  // ------------------------------------------------------------------ switching

  @Test
  void switchesOneOutletOffAndOnConfirmedByTheUnit() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("");
    OutletStatus off = get(d.outlet(5).switchOff());
    assertThat(off.number()).isEqualTo(5);
    assertThat(off.state()).isEqualTo(OutletState.OFF);
    assertThat(off.power()).hasValue(0);
    assertThat(sim.outletState(5)).isFalse();
    assertThat(d.outlet(5).state()).isEqualTo(OutletState.OFF);

    OutletStatus on = get(d.outlet(5).switchOn());
    assertThat(on.state()).isEqualTo(OutletState.ON);
    assertThat(sim.outletState(5)).isTrue();
    List<String> commands = sim.commandsReceived();
    int s0 = commands.indexOf("S5=0");
    assertThat(commands.subList(s0, s0 + 4)).containsExactly("S5=0", "?", "S5=1", "?");
  }

  @Test
  void switchesAllOutletsOffAndOn() throws Exception {
    simulator(16, b -> b.initialState(1, false));
    PowerDevice d = open("");
    DeviceStatus on = get(d.switchAll(OutletState.ON));
    assertThat(states(on)).hasSize(16).containsOnly(OutletState.ON);
    DeviceStatus off = get(d.switchAll(OutletState.OFF));
    assertThat(states(off)).hasSize(16).containsOnly(OutletState.OFF);
    for (int n = 1; n <= 16; n++) {
      assertThat(sim.outletState(n)).isFalse();
    }
    assertThat(sim.commandsReceived()).containsSubsequence("H", "?", "G", "?");
  }

  @Test
  void aLockedOutletIsReportedAsTheUnitLeftIt() throws Exception {
    // the driver cannot know it is locked when the unit refuses C?: the read-back catches it
    simulator(8, b -> b.outletConfig(4, "LOCKED", 3, 0).refuse("C?"));
    PowerDevice d = open("");
    Throwable t = failure(d.outlet(4).switchOff());
    assertThat(t)
        .isInstanceOf(io.pdu4j.api.StateNotConfirmedException.class)
        .hasMessageContaining("S4=0")
        .hasMessageContaining("outlet 4 ON");
    assertThat(d.outlet(4).state()).isEqualTo(OutletState.ON);
    assertThat(states(get(d.switchAll(OutletState.OFF))).get(3)).isEqualTo(OutletState.ON);
  }

  // ------------------------------------------------------------------ pushes and commands

  @Test
  void pushesWhileACommandWaitsDoNotCompleteIt() throws Exception {
    simulator(8, b -> b.pushInterval(Duration.ofMillis(50)));
    PowerDevice d = open("?timeout=5s");
    long statusesBefore = session.counters().snapshot().statuses();
    sim.setReplyLatency(Duration.ofMillis(1500));
    CompletableFuture<OutletStatus> sw = d.outlet(1).switchOff().toCompletableFuture();
    await()
        .during(Duration.ofMillis(1000))
        .atMost(Duration.ofMillis(1400))
        .until(() -> !sw.isDone());
    assertThat(session.counters().snapshot().statuses()).isGreaterThan(statusesBefore + 5);
    assertThat(d.outlet(1).state()).isEqualTo(OutletState.ON); // the pushes still show it on
    sim.setReplyLatency(Duration.ZERO);
    assertThat(get(sw).state()).isEqualTo(OutletState.OFF);
  }

  @Test
  void aPushInsideTheRepliesIsToleratedAndDoesNotCompleteAnything() throws Exception {
    simulator(16, b -> b.pushInterval(Duration.ofSeconds(30)));
    PowerDevice d = open("");
    sim.pushDuringNextReplies(4);
    DeviceStatus s = get(d.refresh());
    assertThat(s.outlets()).hasSize(16);
    assertThat(get(d.outlet(7).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(get(d.refresh()).outlet(7).orElseThrow().state()).isEqualTo(OutletState.OFF);
    assertThat(sim.outletState(7)).isFalse();
  }

  @Test
  void anErrorLineRejectsTheCommandInFlightWithItsRawText() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("");
    sim.setReplyLatency(Duration.ofMillis(500));
    // the open sent ? and C?: wait for this refresh's own ? to reach the unit
    int sentBefore = sim.commandsReceived().size();
    CompletionStage<DeviceStatus> refresh = d.refresh();
    await().until(() -> sim.commandsReceived().size() > sentBefore);
    sim.injectGarbage("ERR");
    Throwable t = failure(refresh);
    assertThat(t).isInstanceOf(DeviceRejectedException.class);
    assertThat(((PowerDeviceException) t).received()).contains("ERR");
    assertThat(t).hasMessageContaining("127.0.0.1").hasMessageContaining("?");
    // the late real reply is ignored and the session goes on
    sim.setReplyLatency(Duration.ZERO);
    assertThat(get(d.refresh()).outlets()).hasSize(8);
  }

  @Test
  void aSilentUnitTimesOutAndTheSessionRecovers() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("?timeout=500ms");
    sim.setSilent(true);
    Throwable t = failure(d.outlet(1).switchOff());
    assertThat(t).isInstanceOf(DeviceTimeoutException.class).hasMessageContaining("S1=0");
    sim.clearFaults();
    assertThat(get(d.refresh()).outlets()).hasSize(8);
  }

  @Test
  void theUnitClosingMidReplyFailsTheCommandAndTheSessionReconnects() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("");
    sim.closeMidNextReply();
    Throwable t = failure(d.refresh());
    assertThat(t).isInstanceOf(LinkLostException.class);
    await()
        .until(
            () ->
                eventsOf(DeviceEvent.Connection.class).stream()
                    .anyMatch(e -> e.current() == ConnectionState.OFFLINE));
    await().until(() -> d.connectionState() == ConnectionState.CONNECTED);
    assertThat(get(d.outlet(2).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(eventsOf(DeviceEvent.Connection.class))
        .extracting(DeviceEvent.Connection::current)
        .containsExactly(
            ConnectionState.OFFLINE, ConnectionState.CONNECTING, ConnectionState.CONNECTED);
  }

  @Test
  void closeFailsPendingCommandsAndDisconnects() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("");
    await().until(() -> sim.connectedClients() == 1);
    sim.setSilent(true);
    CompletionStage<DeviceStatus> inFlight = d.refresh();
    CompletionStage<OutletStatus> queued = d.outlet(1).switchOff();
    d.close();
    assertThat(failure(inFlight)).isInstanceOf(DeviceClosedException.class);
    assertThat(failure(queued)).isInstanceOf(DeviceClosedException.class);
    assertThat(d.connectionState()).isEqualTo(ConnectionState.CLOSED);
    assertThat(eventsOf(DeviceEvent.Connection.class))
        .extracting(DeviceEvent.Connection::current)
        .containsExactly(ConnectionState.CLOSED);
    await().until(() -> sim.connectedClients() == 0);
    d.close();
    assertThat(eventsOf(DeviceEvent.Connection.class)).hasSize(1);
  }

  // ------------------------------------------------------------------ events and polling

  @Test
  void firesEventsForPushesAndOutletChanges() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("");
    await().until(() -> eventsOf(DeviceEvent.StatusReported.class).size() >= 2);
    assertThat(eventsOf(DeviceEvent.OutletChanged.class)).isEmpty();
    sim.setOutletState(6, false); // someone at the front panel
    await().until(() -> !eventsOf(DeviceEvent.OutletChanged.class).isEmpty());
    DeviceEvent.OutletChanged change = eventsOf(DeviceEvent.OutletChanged.class).get(0);
    assertThat(change.previous()).isEqualTo(OutletState.ON);
    assertThat(change.current().number()).isEqualTo(6);
    assertThat(change.current().state()).isEqualTo(OutletState.OFF);
    assertThat(d.outlet(6).state()).isEqualTo(OutletState.OFF);
  }

  @Test
  void pollsWhenAskedToAndPushesStop() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("?poll=100ms");
    sim.pausePushes();
    long before = sim.commandCount();
    await().until(() -> sim.commandCount() >= before + 3);
    assertThat(sim.commandsReceived()).endsWith("?");
    sim.setOutletState(2, false);
    await().until(() -> d.outlet(2).state() == OutletState.OFF);
  }

  @Test
  void setsTheUnitClock() throws Exception {
    simulator(8, b -> {});
    PowerDevice d = open("");
    LocalDateTime t = LocalDateTime.of(2027, 3, 4, 5, 6, 7);
    get(d.clock().orElseThrow().set(t));
    assertThat(sim.deviceClock()).isCloseTo(t, within(Duration.ofSeconds(5)));
    assertThat(get(d.clock().orElseThrow().read()).deviceTime())
        .isCloseTo(t, within(Duration.ofSeconds(5)));
  }

  // ------------------------------------------------------------------ opening

  @Test
  void openFailsWhenNothingListens() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Throwable t = failure(startOpen("isotek:tcp://127.0.0.1:" + port + "?connect-timeout=2s"));
    assertThat(t).isInstanceOf(DeviceUnreachableException.class);
  }

  @Test
  void openTimesOutWhenTheUnitNeverReportsAndLeavesNoConnection() throws Exception {
    simulator(8, b -> {});
    sim.setSilent(true);
    sim.pausePushes();
    Throwable t =
        failure(startOpen("isotek:tcp://127.0.0.1:" + sim.port() + "?ready-timeout=700ms"));
    assertThat(t).isInstanceOf(DeviceTimeoutException.class);
    await().until(() -> sim.connectedClients() == 0);
  }
}
