package io.pdu4j.example.relay;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.ConnectionProblem;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Devices;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.testkit.TestTransportContext;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The example driver over real TCP against its simulator, wired by hand as the runtime would. */
class LineRelayDriverTest {
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "relay-device"));
  private final TcpTransportProvider tcp = new TcpTransportProvider();
  private LineRelaySimulator sim;
  private PowerDevice device;

  @BeforeEach
  void start() throws Exception {
    sim = new LineRelaySimulator(0, 4);
    sim.setRelay(3, true);
    // room for a loaded machine; one test waits for this timeout once
    device = open("?timeout=3s");
  }

  @AfterEach
  void stop() {
    if (device != null) {
      device.close();
    }
    sim.close();
    tcp.close();
    executor.shutdownNow();
  }

  private PowerDevice open(String options) throws Exception {
    DeviceAddress address =
        DeviceAddress.parse("linerelay:tcp://127.0.0.1:" + sim.port() + options);
    DeviceOptions o = DeviceOptions.defaults().withOverrides(address);
    PowerDriver driver = new LineRelayDriver();
    Link link =
        tcp.create(address, new TestTransportContext(executor, o, driver.requirements(address)));
    return get(driver.open(new DriverContext(address, link, o, Clock.systemUTC())));
  }

  @Test
  void theDriverIsAServiceOfItsJar() {
    assertThat(ServiceLoader.load(PowerDriver.class).stream().map(p -> p.type().getName()))
        .contains(LineRelayDriver.class.getName());
  }

  @Test
  void opensWithTheBoardsRelaysAndStates() {
    assertThat(device.connectionState()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(device.outlets()).hasSize(4);
    assertThat(device.outlet(3).state()).isEqualTo(OutletState.ON);
    assertThat(device.outlet(1).state()).isEqualTo(OutletState.OFF);
    assertThat(device.capabilities())
        .containsExactlyInAnyOrder(DeviceCapability.STATUS, DeviceCapability.SWITCH);
  }

  @Test
  void aSwitchIsConfirmedByTheBoardsReply() throws Exception {
    OutletStatus on = get(device.outlet(2).switchOn());
    assertThat(on.state()).isEqualTo(OutletState.ON);
    assertThat(sim.relay(2)).isTrue();
    assertThat(get(device.outlet(2).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(sim.relay(2)).isFalse();
    assertThat(sim.received()).containsSubsequence("STATUS", "ON 2", "OFF 2");
  }

  @Test
  void refreshSeesAChangeMadeAtTheBoard() throws Exception {
    sim.setRelay(4, true);
    assertThat(get(device.refresh()).outlet(4).orElseThrow().state()).isEqualTo(OutletState.ON);
    assertThat(device.outlet(4).state()).isEqualTo(OutletState.ON);
  }

  @Test
  void badArgumentsAndUnsupportedCommandsSendNothing() throws Exception {
    int before = sim.received().size();
    assertThatThrownBy(() -> device.outlet(0)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> device.outlet(5)).isInstanceOf(InvalidArgumentException.class);
    assertThat(failure(device.switchAll(OutletState.ON)))
        .isInstanceOf(UnsupportedCapabilityException.class);
    assertThat(failure(device.outlet(1).cycle(Duration.ofSeconds(1))))
        .isInstanceOf(UnsupportedCapabilityException.class);
    assertThat(sim.received()).hasSize(before);
  }

  @Test
  void aSilentBoardTimesOutAndADroppedLinkFailsTheCommand() throws Exception {
    sim.silent(true);
    assertThat(failure(device.outlet(1).switchOn())).isInstanceOf(DeviceTimeoutException.class);
    CompletionStage<OutletStatus> pending = device.outlet(1).switchOn();
    await().until(() -> sim.received().stream().filter("ON 1"::equals).count() == 2);
    sim.dropClients();
    assertThat(failure(pending)).isInstanceOf(LinkLostException.class);
    await().until(() -> device.connectionState() == ConnectionState.OFFLINE);
  }

  @Test
  void closeFailsPendingCommands() throws Exception {
    sim.silent(true);
    CompletionStage<OutletStatus> pending = device.outlet(1).switchOn();
    device.close();
    assertThat(failure(pending)).isInstanceOf(DeviceClosedException.class);
    await().until(() -> device.connectionState() == ConnectionState.CLOSED);
    assertThat(failure(device.refresh())).isInstanceOf(DeviceClosedException.class);
  }

  // What pdu4j does for every driver, shown on this one: the session above has no code for it.

  @Test
  void theLinkIsReopenedAfterTheBoardDroppedItAndTheEventsSaySo() throws Exception {
    List<DeviceEvent> events = new CopyOnWriteArrayList<>();
    device.subscribe(events::add);
    sim.dropClients();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                events.stream()
                    .anyMatch(
                        e ->
                            e instanceof DeviceEvent.Connection c
                                && c.current() == ConnectionState.CONNECTED));
    assertThat(events)
        .filteredOn(e -> e instanceof DeviceEvent.Connection)
        .extracting(e -> ((DeviceEvent.Connection) e).current())
        .containsExactly(
            ConnectionState.OFFLINE, ConnectionState.CONNECTING, ConnectionState.CONNECTED);
    assertThat(events)
        .filteredOn(
            e -> e instanceof DeviceEvent.Connection c && c.current() == ConnectionState.OFFLINE)
        .extracting(e -> ((DeviceEvent.Connection) e).problem())
        .containsExactly(Optional.of(ConnectionProblem.COMMUNICATION_ERROR));
    // the first status after the reconnect reports every outlet afresh, from UNKNOWN
    await()
        .untilAsserted(
            () ->
                assertThat(events)
                    .filteredOn(
                        e ->
                            e instanceof DeviceEvent.OutletChanged c
                                && c.previous() == OutletState.UNKNOWN)
                    .hasSize(4));
    assertThat(get(device.outlet(2).switchOn()).state()).isEqualTo(OutletState.ON);
    assertThat(sim.relay(2)).isTrue();
  }

  @Test
  void whileTheLinkIsDownOutletsReadUnknownAndCommandsFail() throws Exception {
    sim.close();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> device.connectionState() == ConnectionState.OFFLINE);
    assertThat(device.outlet(3).state()).isEqualTo(OutletState.UNKNOWN);
    assertThat(device.outlet(3).power()).isEmpty();
    assertThat(device.lastStatus()).isPresent(); // what it last said is kept, with its time
    assertThat(failure(device.outlet(1).switchOn()))
        .isInstanceOf(io.pdu4j.api.PowerDeviceException.class);
  }

  @Test
  void aBoardThatRefusesItsFirstStatusFailsTheOpenAtOnce() throws Exception {
    try (ServerSocket refusing = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread board =
          new Thread(
              () -> {
                try (Socket s = refusing.accept()) {
                  s.getInputStream().read(new byte[64]);
                  s.getOutputStream().write("ERR busy\n".getBytes(StandardCharsets.US_ASCII));
                  s.getInputStream().read(); // until the driver closes
                } catch (IOException e) {
                  // the test fails on what the driver saw
                }
              });
      board.setDaemon(true);
      board.start();
      DeviceAddress address =
          DeviceAddress.parse(
              "linerelay:tcp://127.0.0.1:" + refusing.getLocalPort() + "?ready-timeout=10m");
      DeviceOptions o = DeviceOptions.defaults().withOverrides(address);
      PowerDriver driver = new LineRelayDriver();
      Link link =
          tcp.create(address, new TestTransportContext(executor, o, driver.requirements(address)));
      // at once: failure() gives up long before the 10-minute ready timeout
      assertThat(failure(driver.open(new DriverContext(address, link, o, Clock.systemUTC()))))
          .isInstanceOf(DeviceRejectedException.class)
          .hasMessageContaining("ERR busy");
      await().until(() -> !link.isOpen());
    }
  }

  @Test
  void commandsAreTimedForTheObserver() throws Exception {
    List<String> timed = new CopyOnWriteArrayList<>();
    DeviceAddress address = DeviceAddress.parse("linerelay:tcp://127.0.0.1:" + sim.port());
    DeviceOptions o = DeviceOptions.defaults();
    PowerDriver driver = new LineRelayDriver();
    Link link =
        tcp.create(address, new TestTransportContext(executor, o, driver.requirements(address)));
    DriverContext context = new DriverContext(address, link, o, Clock.systemUTC());
    try (PowerDevice timedDevice =
        get(
            Devices.open(
                driver.session(context),
                context,
                (name, elapsed, failure) ->
                    timed.add(
                        name
                            + (failure == null
                                ? ""
                                : ":" + failure.getClass().getSimpleName()))))) {
      get(timedDevice.outlet(1).switchOn());
      failure(timedDevice.switchAll(OutletState.OFF));
      assertThat(timed).containsExactly("switch_on", "switch_all:UnsupportedCapabilityException");
    }
  }
}
