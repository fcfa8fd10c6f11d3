package io.pdu4j.driver.enistic;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.driver.enistic.internal.EnisticCodec;
import io.pdu4j.driver.enistic.internal.EnisticCounters;
import io.pdu4j.driver.enistic.internal.EnisticSession;
import io.pdu4j.sim.enistic.EnisticSimulator;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Devices;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.DriverCounters;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.testkit.TestTransportContext;
import io.pdu4j.transport.net.UdpTransportProvider;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The driver over real loopback UDP, through the real {@code udp} transport, against the Enistic
 * simulator, wired by hand as the runtime would.
 */
class EnisticOverUdpTest {
  static {
    org.awaitility.Awaitility.setDefaultPollDelay(Duration.ZERO);
    org.awaitility.Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
    org.awaitility.Awaitility.setDefaultTimeout(Duration.ofSeconds(10));
  }

  private static final String CONTROLLER = "004A3BB5B04";

  private final List<ScheduledExecutorService> executors = new ArrayList<>();
  private final UdpTransportProvider udp = new UdpTransportProvider();
  private final List<DeviceEvent> events = new CopyOnWriteArrayList<>();
  private final List<EnisticSimulator> sims = new ArrayList<>();
  private final List<PowerDevice> devices = new ArrayList<>();
  private final Map<PowerDevice, EnisticCounters> counters = new ConcurrentHashMap<>();
  private final int port = freePort();

  @AfterEach
  void tearDown() {
    devices.forEach(PowerDevice::close);
    sims.forEach(EnisticSimulator::close);
    udp.close();
    executors.forEach(ScheduledExecutorService::shutdownNow);
  }

  private static int freePort() {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private EnisticSimulator sim(Consumer<EnisticSimulator.Builder> tweak) {
    EnisticSimulator.Builder b =
        EnisticSimulator.builder()
            .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .rate(20)
            .sockets(3)
            .meters(1)
            .channels(3);
    tweak.accept(b);
    EnisticSimulator s = b.build().start();
    sims.add(s);
    return s;
  }

  /** What a device told its context's counters (the runtime's meters). */
  static final class Reported implements DriverCounters {
    final AtomicInteger malformed = new AtomicInteger();
    final AtomicInteger overlong = new AtomicInteger();
    final AtomicInteger overLimit = new AtomicInteger();
    final AtomicInteger refusedSource = new AtomicInteger();

    @Override
    public void malformedFrame() {
      malformed.incrementAndGet();
    }

    @Override
    public void overlongFrame() {
      overlong.incrementAndGet();
    }

    @Override
    public void readingOverOutletLimit() {
      overLimit.incrementAndGet();
    }

    @Override
    public void readingFromRefusedSource() {
      refusedSource.incrementAndGet();
    }
  }

  /** What the last device opened told its context's counters. */
  private volatile Reported reported;

  /** The reading, event and command counts of a device this test opened (its session's). */
  private EnisticCounters counters(PowerDevice d) {
    return counters.get(d);
  }

  private PowerDevice open(String controller, String options) throws Exception {
    DeviceAddress address =
        DeviceAddress.parse("enistic:udp://127.0.0.1:" + port + "/" + controller + options);
    DeviceOptions deviceOptions = DeviceOptions.defaults().withOverrides(address);
    PowerDriver driver = new EnisticDriver();
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "enistic-device"));
    executors.add(executor);
    Link link =
        udp.create(
            address,
            new TestTransportContext(executor, deviceOptions, driver.requirements(address)));
    Reported counters = new Reported();
    reported = counters;
    DriverContext context =
        new DriverContext(address, link, deviceOptions, Clock.systemUTC(), counters);
    EnisticSession session = (EnisticSession) driver.session(context);
    PowerDevice d = get(Devices.open(session, context));
    this.counters.put(d, session.counters());
    devices.add(d);
    d.subscribe(events::add);
    return d;
  }

  private static String sendTo(EnisticSimulator sim) {
    return "send=127.0.0.1:" + sim.controlPort();
  }

  /**
   * The device's outlet for the simulator's first Smart Socket, once heard: not outlet 1, since
   * outlets are numbered in the order their readings arrive and the first may be a meter channel's.
   */
  private static Outlet firstSocket(PowerDevice d, EnisticSimulator sim) {
    String serial = sim.socketSerials(CONTROLLER).get(0);
    await().until(() -> d.outlets().stream().anyMatch(o -> o.id().equals(serial)));
    return outletWithId(d, serial);
  }

  private static Outlet outletWithId(PowerDevice d, String id) {
    return d.outlets().stream()
        .filter(o -> o.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no outlet " + id + " in " + d.outlets()));
  }

  @Test
  void opensBeforeAnyReadingAndOutletsAppearInOrderOfFirstReading() throws Exception {
    PowerDevice d = open(CONTROLLER, "");
    assertThat(d.outlets()).isEmpty();
    EnisticSimulator sim = sim(b -> {});

    await().until(() -> d.outlets().size() == 6);
    List<String> sockets = sim.socketSerials(CONTROLLER);
    String meter = sim.meterSerials(CONTROLLER).get(0);
    await().until(() -> d.outlet(4).id().equals(meter + "/1"));
    assertThat(d.outlets())
        .extracting(Outlet::id)
        .containsExactly(
            sockets.get(0),
            sockets.get(1),
            sockets.get(2),
            meter + "/1",
            meter + "/2",
            meter + "/3");
    assertThat(d.outlet(1).capabilities())
        .containsExactlyInAnyOrder(OutletCapability.SWITCHABLE, OutletCapability.METERED);
    assertThat(d.outlet(5).capabilities()).containsExactly(OutletCapability.METERED);
    assertThat(d.outlet(1).state()).isEqualTo(OutletState.ON);
    assertThat(d.outlet(1).power()).isPresent();
    assertThat(d.outlet(5).state()).isEqualTo(OutletState.UNKNOWN);
    assertThat(d.outlet(5).power().getAsDouble()).isGreaterThan(100);
    await()
        .until(
            () -> events.stream().filter(e -> e instanceof DeviceEvent.OutletAdded).count() == 6);
    assertThat(d.lastStatus()).isPresent();
    assertThat(d.lastStatus().get().outlets()).hasSize(6);
    assertThat(get(d.refresh()).outlets()).hasSize(6);
  }

  @Test
  void switchesASocketAndCompletesOnTheConfirmingReading() throws Exception {
    EnisticSimulator sim = sim(b -> {});
    PowerDevice d = open(CONTROLLER, "?" + sendTo(sim));
    String serial = sim.socketSerials(CONTROLLER).get(1);
    // outlets appear in the order their readings arrive: wait for this socket's own
    await().until(() -> d.outlets().stream().anyMatch(o -> o.id().equals(serial)));
    Outlet socket = outletWithId(d, serial);

    OutletStatus off = get(socket.switchOff());
    assertThat(off.state()).isEqualTo(OutletState.OFF);
    assertThat(sim.socketOn(serial)).contains(false);
    assertThat(socket.state()).isEqualTo(OutletState.OFF);
    assertThat(events)
        .filteredOn(
            e -> e instanceof DeviceEvent.OutletChanged c && c.current().id().equals(serial))
        .isNotEmpty();

    assertThat(get(socket.switchOn()).state()).isEqualTo(OutletState.ON);
    assertThat(sim.socketOn(serial)).contains(true);
  }

  @Test
  void sendsToTheControllersLastSourceAddressWithoutSendOption() throws Exception {
    EnisticSimulator sim = sim(b -> {});
    PowerDevice d = open(CONTROLLER, "?command-port=" + sim.controlPort());
    Outlet socket = firstSocket(d, sim);
    String serial = socket.id();
    assertThat(get(socket.switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(sim.socketOn(serial)).contains(false);
  }

  @Test
  void confirmsDespiteThirtyPercentLossBothWaysDuplicatesReorderingAndNoise() throws Exception {
    EnisticSimulator sim =
        sim(
            b ->
                b.lossPercent(30)
                    .duplicatePercent(10)
                    .reorderPercent(10)
                    .malformedPercent(5)
                    .otherEventPercent(10)
                    .stateChangeDelay(Duration.ofMillis(100))
                    .seed(7));
    PowerDevice d = open(CONTROLLER, "?timeout=10s&" + sendTo(sim));
    await().until(() -> d.outlets().stream().filter(o -> o.id().length() == 16).count() == 3);
    for (int round = 0; round < 3; round++) {
      for (String serial : sim.socketSerials(CONTROLLER)) {
        Outlet o = outletWithId(d, serial);
        assertThat(get(o.switchOff()).state()).isEqualTo(OutletState.OFF);
        assertThat(sim.socketOn(serial)).contains(false);
        assertThat(get(o.switchOn()).state()).isEqualTo(OutletState.ON);
        assertThat(sim.socketOn(serial)).contains(true);
      }
    }
    assertThat(counters(d).malformed()).isPositive();
    assertThat(counters(d).otherEvents()).isPositive();
    assertThat(counters(d).commandsSent()).isGreaterThanOrEqualTo(18);
  }

  @Test
  void reportsAPolarityMismatchInsteadOfSuccess() throws Exception {
    EnisticSimulator sim = sim(b -> b.invertedPolarity(true));
    PowerDevice d = open(CONTROLLER, "?timeout=2s&" + sendTo(sim));
    Outlet socket = firstSocket(d, sim);
    String serial = socket.id();

    Throwable t = failure(socket.switchOff());

    assertThat(t).isInstanceOf(StateNotConfirmedException.class).hasMessageContaining("polarity");
    assertThat(sim.socketOn(serial)).contains(true);
    assertThat(socket.state()).isEqualTo(OutletState.ON);
  }

  @Test
  void switchesWithTheInvertedPolarityWhenConfigured() throws Exception {
    EnisticSimulator sim = sim(b -> b.invertedPolarity(true));
    PowerDevice d = open(CONTROLLER, "?polarity=inverted&" + sendTo(sim));
    Outlet socket = firstSocket(d, sim);
    String serial = socket.id();
    assertThat(get(socket.switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(sim.socketOn(serial)).contains(false);
  }

  @Test
  void timesOutWhenNoReadingOfTheSocketFollowsTheCommand() throws Exception {
    EnisticSimulator sim = sim(b -> {});
    PowerDevice d = open(CONTROLLER, "?timeout=1s&" + sendTo(sim));
    // a socket, not outlet 1: the first reading heard may be a meter channel's
    String socket = sim.socketSerials(CONTROLLER).get(0);
    await().until(() -> d.outlets().stream().anyMatch(o -> o.id().equals(socket)));
    sim.setLossPercent(100); // the controller goes silent and deaf
    Thread.sleep(100); // let readings already in flight arrive (not waiting for a result)
    Throwable t = failure(outletWithId(d, socket).switchOff());
    assertThat(t).isInstanceOf(DeviceTimeoutException.class).hasMessageContaining("readings of it");
    assertThat(counters(d).commandsSent()).isGreaterThan(1);
  }

  @Test
  void commandsThatNeverArriveWhileReadingsFlowAreNotReportedAsSuccess() throws Exception {
    EnisticSimulator sim = sim(b -> {});
    // commands go to a port nobody listens on
    PowerDevice d = open(CONTROLLER, "?timeout=1s&send=127.0.0.1:" + freePort());
    // a socket, not outlet 1: the first reading heard may be a meter channel's
    String socket = sim.socketSerials(CONTROLLER).get(0);
    await().until(() -> d.outlets().stream().anyMatch(o -> o.id().equals(socket)));
    Throwable t = failure(outletWithId(d, socket).switchOff());
    assertThat(t)
        .isInstanceOf(StateNotConfirmedException.class)
        .hasMessageContaining("do not reach it");
    assertThat(sim.commandsReceived()).isZero();
  }

  @Test
  void refusesToSwitchAMeterChannelWithoutSending() throws Exception {
    EnisticSimulator sim = sim(b -> {});
    PowerDevice d = open(CONTROLLER, "?" + sendTo(sim));
    String meter = sim.meterSerials(CONTROLLER).get(0);
    await().until(() -> d.outlets().stream().anyMatch(o -> o.id().equals(meter + "/2")));
    Throwable t = failure(outletWithId(d, meter + "/2").switchOn());
    assertThat(t).isInstanceOf(UnsupportedCapabilityException.class);
    assertThat(counters(d).commandsSent()).isZero();
    assertThat(sim.commandsReceived()).isZero();
  }

  @Test
  void switchAllConfirmsEverySocket() throws Exception {
    EnisticSimulator sim = sim(b -> b.lossPercent(10));
    PowerDevice d = open(CONTROLLER, "?" + sendTo(sim));
    String meter = sim.meterSerials(CONTROLLER).get(0);
    // switchAll switches the sockets known so far: wait until every one has reported
    await()
        .until(
            () ->
                d.outlets().size() == 6
                    && d.outlets().stream().anyMatch(o -> o.id().equals(meter + "/3")));
    get(d.switchAll(OutletState.OFF));
    for (String serial : sim.socketSerials(CONTROLLER)) {
      assertThat(sim.socketOn(serial)).contains(false);
      assertThat(outletWithId(d, serial).state()).isEqualTo(OutletState.OFF);
    }
  }

  @Test
  void twoControllersShareOnePortAndEachSeesOnlyItsOwn() throws Exception {
    EnisticSimulator sim =
        sim(b -> b.controller("004A3BB5B04", 2, 0, 1).controller("00AB12", 3, 1, 2));
    PowerDevice a = open("004a3bb5b04", "?" + sendTo(sim));
    PowerDevice b = open("00AB12", "?" + sendTo(sim));
    assertThat(udp.openSockets()).isEqualTo(1);

    await().until(() -> a.outlets().size() == 2 && b.outlets().size() == 5);
    assertThat(a.outlets())
        .extracting(Outlet::id)
        .containsExactlyElementsOf(sim.socketSerials("004A3BB5B04"));
    String bSocket = sim.socketSerials("00AB12").get(2);
    assertThat(get(outletWithId(b, bSocket).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(sim.socketOn(bSocket)).contains(false);
    String aSocket = sim.socketSerials("004A3BB5B04").get(0);
    assertThat(get(outletWithId(a, aSocket).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(a.info().serial()).contains("004a3bb5b04");

    a.close();
    devices.remove(a);
    sim.setSocketOn(bSocket, true);
    await().until(() -> outletWithId(b, bSocket).state() == OutletState.ON);
  }

  @Test
  void ignoresReadingsOfAForgedControllerSerial() throws Exception {
    EnisticSimulator sim = sim(b -> b.forgedController("BADBAD"));
    PowerDevice d = open(CONTROLLER, "?" + sendTo(sim));
    await().until(() -> counters(d).foreign() > 20 && d.outlets().size() == 6);
    for (int n = 1; n <= 3; n++) {
      assertThat(d.outlet(n).state()).isEqualTo(OutletState.ON);
    }
    assertThat(events)
        .filteredOn(
            e ->
                e instanceof DeviceEvent.OutletChanged c
                    && sim.socketSerials(CONTROLLER).contains(c.current().id())
                    && c.current().state() == OutletState.OFF)
        .isEmpty();
  }

  @Test
  void ignoresSourcesOutsideTheAllowList() throws Exception {
    sim(b -> {});
    PowerDevice d = open(CONTROLLER, "?allow=127.0.0.2");
    await().until(() -> counters(d).refusedSource() > 10);
    assertThat(d.outlets()).isEmpty();
    PowerDevice ok = open(CONTROLLER, "?allow=127.0.0.2,127.0.0.1");
    await().until(() -> ok.outlets().size() == 6);
  }

  @Test
  void aSocketNotHeardFromForTheStaleLimitReadsUnknown() throws Exception {
    EnisticSimulator sim = sim(b -> {});
    PowerDevice d = open(CONTROLLER, "?stale=400ms");
    // a socket, not outlet 1: the first reading heard may be a meter channel's (no state)
    String serial = sim.socketSerials(CONTROLLER).get(0);
    await()
        .until(
            () ->
                d.outlets().size() == 6
                    && d.outlets().stream()
                        .anyMatch(o -> o.id().equals(serial) && o.state() == OutletState.ON));
    Outlet socket = outletWithId(d, serial);
    sim.close();
    await().until(() -> socket.state() == OutletState.UNKNOWN);
    assertThat(socket.power()).isEmpty();
    await()
        .until(
            () ->
                d.lastStatus().orElseThrow().outlets().stream()
                    .allMatch(o -> o.state() == OutletState.UNKNOWN && o.power().isEmpty()));
    await()
        .until(
            () ->
                events.stream()
                    .anyMatch(
                        e ->
                            e instanceof DeviceEvent.OutletChanged c
                                && c.current().id().equals(serial)
                                && c.current().state() == OutletState.UNKNOWN));
  }

  @Test
  void takesEveryLineOfADatagramAndCountsWhatItSkips() throws Exception {
    PowerDevice d = open(CONTROLLER, "");
    String payload =
        "004A3BB5B04:Reading:0021ED0000041319:94031.992:1:1\r"
            + "004A3BB5B04:Joined:0021ED0000041320\r\n"
            + "garbage\n"
            + "004a3bb5b04:Reading:0021ed0000041320:0:1:0\r"
            + "0000000BAD:Reading:0021ED0000041321:5:1:1\r";
    byte[] bytes = payload.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      s.send(
          new java.net.DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
    }
    // the last line of the datagram is handled last
    await().until(() -> counters(d).foreign() == 1);
    assertThat(d.outlets())
        .extracting(Outlet::id)
        .containsExactly("0021ED0000041319", "0021ed0000041320");
    assertThat(d.outlet(1).power()).hasValue(94031.992);
    assertThat(d.outlet(1).state()).isEqualTo(OutletState.ON);
    assertThat(d.outlet(2).state()).isEqualTo(OutletState.OFF);
    assertThat(counters(d).readings()).isEqualTo(2);
    assertThat(counters(d).otherEvents()).isEqualTo(1);
    assertThat(counters(d).malformed()).isEqualTo(1);
    assertThat(counters(d).foreign()).isEqualTo(1);
    assertThat(reported.malformed.get()).as("reported for pdu.frames.malformed").isEqualTo(1);
  }

  private static final int LINES_PER_DATAGRAM = 25;

  private void sendRaw(InetAddress source, String payload) throws java.io.IOException {
    byte[] bytes = payload.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (DatagramSocket s = new DatagramSocket(0, source)) {
      s.send(
          new java.net.DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
    }
  }

  /**
   * Sends one reading of each of {@code count} (a multiple of 25) serials no controller has, 25 to
   * a datagram, from {@code source}; after every 20 datagrams it waits until {@code handled} (the
   * lines the device has dealt with) caught up, so that loopback never drops any.
   */
  private void flood(InetAddress source, int count, LongSupplier handled) throws Exception {
    long before = handled.getAsLong();
    try (DatagramSocket s = new DatagramSocket(0, source)) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < count; i++) {
        b.append(String.format(Locale.ROOT, "%s:Reading:FFEE%012X:1.5:1:1\r", CONTROLLER, i));
        int sent = i + 1;
        if (sent % LINES_PER_DATAGRAM == 0) {
          byte[] bytes = b.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
          s.send(
              new java.net.DatagramPacket(
                  bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
          b.setLength(0);
          if (sent % (20 * LINES_PER_DATAGRAM) == 0 || sent == count) {
            await().until(() -> handled.getAsLong() - before >= sent);
          }
        }
      }
    }
  }

  /**
   * Readings one to a datagram, as a controller sends them, many and fast enough for the socket to
   * be read on its timer: every one is counted and reported, in the order sent (each reading's
   * power is its sequence number, so the newest power of every status is the reading's own). At
   * most 400 are sent ahead of what the device has taken, so that loopback never drops any.
   */
  @Test
  void readingsOneADatagramAtAHighRateAreEachReportedInOrder() throws Exception {
    PowerDevice d = open(CONTROLLER, "");
    List<Double> newest = java.util.Collections.synchronizedList(new ArrayList<>());
    d.subscribe(
        e -> {
          if (e instanceof DeviceEvent.StatusReported r && !r.status().outlets().isEmpty()) {
            newest.add(
                r.status().outlets().stream()
                    .mapToDouble(o -> o.power().orElse(-1))
                    .max()
                    .orElseThrow());
          }
        });
    int total = 10_000;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < total; i++) {
        String line =
            String.format(Locale.ROOT, "%s:Reading:FFEE%012X:%d:1:1\r", CONTROLLER, i % 16, i);
        byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        s.send(
            new java.net.DatagramPacket(
                bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
        if (i % 100 == 99) {
          long sent = i + 1;
          await().until(() -> counters(d).readings() >= sent - 400);
        }
      }
    }
    await().until(() -> newest.size() >= total);
    assertThat(counters(d).readings()).isEqualTo(total);
    assertThat(d.outlets()).hasSize(16);
    List<Double> expected = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      expected.add((double) i);
    }
    synchronized (newest) {
      assertThat(newest).containsExactlyElementsOf(expected);
    }
    assertThat(counters(d).malformed()).isZero();
  }

  @Test
  void aFloodOfUnknownSerialsStopsAtMaxOutletsAndAKnownSocketStillUpdatesAndSwitches()
      throws Exception {
    EnisticSimulator sim = sim(b -> b.sockets(2).meters(0));
    PowerDevice d = open(CONTROLLER, "?" + sendTo(sim));
    await().until(() -> d.outlets().size() == 2);
    Outlet socket = firstSocket(d, sim);
    String serial = socket.id();
    int number = socket.number();
    assertThat(get(socket.switchOff()).state()).isEqualTo(OutletState.OFF);

    flood(
        InetAddress.getLoopbackAddress(),
        10_000,
        () -> d.outlets().size() + counters(d).overLimit());

    int excess = 10_000 - (256 - 2);
    assertThat(d.outlets()).hasSize(256);
    assertThat(d.lastStatus().orElseThrow().outlets()).hasSize(256);
    assertThat(counters(d).overLimit()).isEqualTo(excess);
    assertThat(reported.overLimit.get()).as("reported for pdu.readings.dropped").isEqualTo(excess);
    assertThat(counters(d).toString()).contains("overLimit=" + excess);
    assertThat(events.stream().filter(e -> e instanceof DeviceEvent.OutletAdded)).hasSize(256);
    // the socket known before the flood keeps its number, its readings and its switch
    assertThat(d.outlet(number).id()).isEqualTo(serial);
    sim.setSocketOn(serial, true); // its own button
    await().until(() -> d.outlet(number).state() == OutletState.ON);
    assertThat(get(d.outlet(number).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(sim.socketOn(serial)).contains(false);
    assertThat(d.outlets()).hasSize(256);
  }

  @Test
  void serialsListedInMetersAndSocketsKeepTheirRoomWhenUnknownOnesFillTheRest() throws Exception {
    // readings go nowhere until the device has been flooded
    EnisticSimulator sim =
        sim(
            b ->
                b.sockets(1)
                    .meters(1)
                    .channels(16)
                    .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort())));
    String meter = sim.meterSerials(CONTROLLER).get(0);
    String socket = sim.socketSerials(CONTROLLER).get(0);
    // 1 + 16 outlets kept for the listed serials, 23 for the rest
    PowerDevice d =
        open(
            CONTROLLER,
            "?max-outlets=40&meters=" + meter + "&sockets=" + socket + "&" + sendTo(sim));
    flood(
        InetAddress.getLoopbackAddress(), 100, () -> d.outlets().size() + counters(d).overLimit());
    assertThat(d.outlets()).hasSize(23);
    assertThat(counters(d).overLimit()).isEqualTo(77);

    sim.setTarget(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    await().until(() -> d.outlets().size() == 40);
    assertThat(outletWithId(d, meter + "/16").capabilities())
        .containsExactly(OutletCapability.METERED);
    assertThat(get(outletWithId(d, socket).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(sim.socketOn(socket)).contains(false);
    assertThat(counters(d).overLimit()).isEqualTo(77);
  }

  @Test
  void overlongLinesAndTheRestOfADatagramOfTooManyLinesAreSkippedAsOverlong() throws Exception {
    PowerDevice d = open(CONTROLLER, "?max-datagram=8192");
    String known = CONTROLLER + ":Reading:0021ED0000041319:5:1:1\r";
    sendRaw(InetAddress.getLoopbackAddress(), "x".repeat(300) + "\r" + known);
    // 64 lines, then a well-formed reading of a new socket as the 65th: not taken
    sendRaw(
        InetAddress.getLoopbackAddress(),
        known.repeat(EnisticCodec.MAX_LINES) + CONTROLLER + ":Reading:0021ED0000041320:5:1:1");
    await().until(() -> counters(d).overlong() == 2 && counters(d).readings() == 65);
    assertThat(d.outlets()).extracting(Outlet::id).containsExactly("0021ED0000041319");
    assertThat(counters(d).malformed()).isZero();
    assertThat(reported.overlong.get()).as("reported as overlong").isEqualTo(2);
    assertThat(reported.malformed.get()).isZero();
  }

  @Test
  void aFloodFromASourceOutsideTheAllowListIsCountedAndGrowsNothing() throws Exception {
    EnisticSimulator sim = sim(b -> b.sockets(2).meters(0));
    PowerDevice d = open(CONTROLLER, "?allow=127.0.0.1&" + sendTo(sim));
    await().until(() -> d.outlets().size() == 2);

    flood(
        InetAddress.getByName("127.0.0.2"),
        10_000,
        () -> counters(d).refusedSource() * LINES_PER_DATAGRAM);

    assertThat(counters(d).refusedSource()).isEqualTo(10_000 / LINES_PER_DATAGRAM);
    assertThat(reported.refusedSource.get())
        .as("reported for pdu.readings.dropped")
        .isEqualTo(10_000 / LINES_PER_DATAGRAM);
    assertThat(d.outlets()).hasSize(2);
    assertThat(counters(d).overLimit()).isZero();
    assertThat(reported.malformed.get()).isZero();
    assertThat(get(firstSocket(d, sim).switchOff()).state()).isEqualTo(OutletState.OFF);
  }
}
