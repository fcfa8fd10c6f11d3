package io.pdu4j.it;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.sim.extron.ExtronSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IPCP itself as a device: its relays 1..8 are the outlets. */
class ExtronRelaysIT {
  @TempDir Path dir;
  private ExtronSimulator ipcp;
  private PowerRuntime runtime;
  private Path admin;
  private Path user;

  @BeforeEach
  void start() throws Exception {
    ipcp = ExtronSimulator.builder().adminPassword("adm1n").userPassword("us3r").build().start();
    admin = Files.writeString(dir.resolve("admin"), "adm1n");
    user = Files.writeString(dir.resolve("user"), "us3r");
    runtime = PowerRuntime.builder().build();
  }

  @AfterEach
  void stop() {
    runtime.close();
    ipcp.close();
  }

  private String uri(Path secret) {
    return "extron:tcp://127.0.0.1:" + ipcp.port() + "?password=file:" + secret;
  }

  @Test
  void relaysAreOutletsSwitchedAndReadBack() throws Exception {
    PowerDevice ipcpDevice = runtime.open(uri(admin));
    assertThat(ipcpDevice.info().model()).isEqualTo("IPCP 505");
    assertThat(ipcpDevice.info().firmware()).hasValue("1.03");
    DeviceStatus status = get(ipcpDevice.refresh());
    assertThat(status.outlets()).hasSize(8).allMatch(o -> o.state() == OutletState.OFF);
    OutletStatus on = get(ipcpDevice.outlet(2).switchOn());
    assertThat(on.state()).isEqualTo(OutletState.ON);
    assertThat(ipcp.relay(2)).isTrue();
    assertThat(ipcpDevice.outlet(2).state()).isEqualTo(OutletState.ON);
    assertThat(get(ipcpDevice.outlet(2).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(ipcp.relay(2)).isFalse();
    assertThat(ipcp.commandsReceived()).contains("2*1O", "2*0O", "2O");
    DeviceStatus all = get(ipcpDevice.switchAll(OutletState.ON));
    assertThat(all.outlets()).allMatch(o -> o.state() == OutletState.ON);
    assertThatThrownBy(() -> ipcpDevice.outlet(9)).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void theUserLevelMayReadButNotSwitch() throws Exception {
    PowerDevice ipcpDevice = runtime.open(uri(user));
    assertThat(get(ipcpDevice.refresh()).outlets()).hasSize(8);
    assertThat(failure(ipcpDevice.outlet(1).switchOn()))
        .isInstanceOf(DeviceRejectedException.class)
        .hasMessageContaining("E24 (privilege violation)");
    assertThat(ipcp.relay(1)).isFalse();
  }

  @Test
  void aDroppedSessionReconnects() throws Exception {
    PowerDevice ipcpDevice = runtime.open(uri(admin));
    ipcp.dropClients();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ipcpDevice.connectionState() == ConnectionState.OFFLINE);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> ipcpDevice.connectionState() == ConnectionState.CONNECTED);
    assertThat(get(ipcpDevice.outlet(5).switchOn()).state()).isEqualTo(OutletState.ON);
    assertThat(ipcp.relay(5)).isTrue();
  }

  @Test
  void aRelaySwitchedElsewhereIsSeenByPolling() throws Exception {
    PowerDevice ipcpDevice = runtime.open(uri(admin) + "&poll=300ms");
    List<DeviceEvent> events = new CopyOnWriteArrayList<>();
    ipcpDevice.subscribe(events::add);
    assertThat(ipcpDevice.outlet(6).state()).isEqualTo(OutletState.OFF);
    ipcp.setRelay(6, true); // the front panel, another control system
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ipcpDevice.outlet(6).state() == OutletState.ON);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                events.stream()
                    .anyMatch(
                        e ->
                            e instanceof DeviceEvent.OutletChanged c
                                && c.current().number() == 6
                                && c.current().state() == OutletState.ON));
  }

  @Test
  void noFreeConnectionFailsTheOpenAsBusyNamingE26() throws Exception {
    ipcp.close();
    ipcp = ExtronSimulator.builder().adminPassword("adm1n").maxConnections(1).build().start();
    PowerDevice first = runtime.open(uri(admin));
    assertThatThrownBy(() -> runtime.open(uri(admin) + "&keepalive=30s"))
        .isInstanceOf(DeviceBusyException.class)
        .hasMessageContaining("E26 (maximum connections exceeded)");
    assertThat(get(first.refresh()).outlets()).hasSize(8);
  }
}
