package io.pdu4j.driver.isotek;

import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Another unit at the same address (an 8-outlet unit swapped for a 16-outlet one and back): learnt
 * afresh on the new connection, its outlets added or removed as events, its names its own.
 */
class IsoTekUnitSwapTest {
  static {
    org.awaitility.Awaitility.setDefaultPollDelay(Duration.ZERO);
    org.awaitility.Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
  }

  private final IsoTekOverTcp tcp = new IsoTekOverTcp();
  private final List<DeviceEvent> events = new CopyOnWriteArrayList<>();
  private IsoTekSimulator sim;
  private PowerDevice device;

  @AfterEach
  void tearDown() {
    tcp.close();
  }

  private IsoTekSimulator unit(int port, int outlets, String lastName) {
    sim =
        tcp.start(
            IsoTekSimulator.builder()
                .tcpPort(port)
                .outlets(outlets)
                .jitter(false)
                .pushInterval(Duration.ofMillis(200))
                .outletConfig(outlets, lastName, 1, 0)
                .initialState(1, false));
    return sim;
  }

  private <E extends DeviceEvent> List<E> eventsOf(Class<E> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private void swapTo(int outlets, String lastName) {
    int port = sim.port();
    sim.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> device.connectionState() == ConnectionState.OFFLINE);
    unit(port, outlets, lastName);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                device.connectionState() == ConnectionState.CONNECTED
                    && device.outlets().size() == outlets);
  }

  @Test
  void aUnitWithAnotherOutletCountIsLearntAfreshAndItsOutletsComeAndGoAsEvents() throws Exception {
    unit(0, 8, "Eight");
    device = tcp.open(sim, "");
    device.subscribe(events::add);
    assertThat(device.outlets()).hasSize(8);
    assertThat(device.outlet(8).name()).isEqualTo("Eight");
    Outlet first = device.outlet(1);

    swapTo(16, "Sixteen");

    assertThat(device.info().model()).isEqualTo("SMART Power 16");
    assertThat(eventsOf(DeviceEvent.OutletAdded.class))
        .extracting(e -> e.outlet().number())
        .containsExactly(9, 10, 11, 12, 13, 14, 15, 16);
    assertThat(eventsOf(DeviceEvent.OutletRemoved.class)).isEmpty();
    assertThat(device.outlet(1)).as("an outlet that stays keeps its object").isSameAs(first);
    // the new unit's settings, read afresh
    await().atMost(Duration.ofSeconds(5)).until(() -> device.outlet(16).name().equals("Sixteen"));
    assertThat(device.outlet(8).name()).isEqualTo("Outlet 8");
    // and it works as the new unit: outlet 12 exists and switches
    assertThat(get(device.outlet(12).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(sim.outletState(12)).isFalse();
    assertThat(get(device.refresh()).outlets()).hasSize(16);

    events.clear();
    swapTo(8, "Back");

    assertThat(eventsOf(DeviceEvent.OutletRemoved.class))
        .extracting(e -> e.outlet().number())
        .containsExactly(9, 10, 11, 12, 13, 14, 15, 16);
    assertThat(eventsOf(DeviceEvent.OutletRemoved.class))
        .extracting(e -> e.outlet().state())
        .containsOnly(OutletState.UNKNOWN);
    assertThat(eventsOf(DeviceEvent.OutletAdded.class)).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> device.outlet(8).name().equals("Back"));
    assertThat(get(device.refresh()).outlets()).extracting(OutletStatus::number).hasSize(8);
    assertThat(device.lastStatus().orElseThrow().outlets()).hasSize(8);
    assertThat(device.info().model()).isEqualTo("SMART Power 8");
  }
}
