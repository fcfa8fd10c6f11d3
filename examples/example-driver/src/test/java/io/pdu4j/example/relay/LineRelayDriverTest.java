package io.pdu4j.example.relay;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DeviceOptions;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.testkit.TestTransportContext;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.CompletionStage;
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
    device = open("?timeout=1s");
  }

  @AfterEach
  void stop() {
    device.close();
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
}
