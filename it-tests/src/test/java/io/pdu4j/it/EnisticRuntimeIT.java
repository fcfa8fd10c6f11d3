package io.pdu4j.it;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.sim.enistic.EnisticSimulator;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runtime, the UDP transport and the Enistic driver against the simulator over loopback. */
class EnisticRuntimeIT {
  private static final String A = "004A3BB5B04";
  private static final String B = "00C0FFEE";

  private EnisticSimulator sim;
  private PowerRuntime runtime;
  private int port;

  @BeforeEach
  void start() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    sim =
        EnisticSimulator.builder()
            .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .rate(20)
            .controller(A, 3, 1, 4)
            .controller(B, 2, 0, 1)
            .lossPercent(30)
            .duplicatePercent(5)
            .reorderPercent(5)
            .otherEventPercent(5)
            .malformedPercent(2)
            .forgedController("BADF00D")
            .seed(3)
            .build()
            .start();
    runtime = PowerRuntime.builder().build();
  }

  @AfterEach
  void stop() {
    runtime.close();
    sim.close();
  }

  private String uri(String controller, String options) {
    return "enistic:udp://127.0.0.1:"
        + port
        + "/"
        + controller
        + "?timeout=10s&send=127.0.0.1:"
        + sim.controlPort()
        + options;
  }

  private static Outlet byId(PowerDevice d, String id) {
    return d.outlets().stream().filter(o -> o.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void twoControllersOnOnePortThroughTheRuntimeSwitchDespiteLoss() throws Exception {
    PowerDevice a = runtime.open(uri(A, ""));
    PowerDevice b = runtime.open(uri(B, ""));
    List<DeviceEvent> events = new CopyOnWriteArrayList<>();
    a.subscribe(events::add);
    assertThat(a.connectionState()).isEqualTo(ConnectionState.CONNECTED);

    DeviceStatus sa = get(a.refresh());
    await().atMost(Duration.ofSeconds(10)).until(() -> a.outlets().size() == 7);
    await().atMost(Duration.ofSeconds(10)).until(() -> b.outlets().size() == 2);
    assertThat(sa.outlets()).isNotEmpty();
    assertThat(b.outlets())
        .extracting(Outlet::id)
        .containsExactlyInAnyOrderElementsOf(sim.socketSerials(B));

    for (String serial : sim.socketSerials(A)) {
      assertThat(get(byId(a, serial).switchOff()).state()).isEqualTo(OutletState.OFF);
      assertThat(sim.socketOn(serial)).contains(false);
    }
    String bSocket = sim.socketSerials(B).get(0);
    assertThat(get(byId(b, bSocket).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(sim.socketOn(bSocket)).contains(false);
    get(a.switchAll(OutletState.ON));
    for (String serial : sim.socketSerials(A)) {
      assertThat(sim.socketOn(serial)).contains(true);
    }
    String meter = sim.meterSerials(A).get(0);
    assertThat(failure(byId(a, meter + "/3").switchOff()))
        .isInstanceOf(UnsupportedCapabilityException.class);
    assertThat(events).anyMatch(e -> e instanceof DeviceEvent.OutletAdded);
  }

  @Test
  void aPolarityMismatchIsReportedNotSuccess() throws Exception {
    PowerDevice a = runtime.open(uri(A, "&polarity=inverted").replace("timeout=10s", "timeout=3s"));
    get(a.refresh());
    String serial = sim.socketSerials(A).get(0);
    await().atMost(Duration.ofSeconds(10)).until(() -> a.outlets().size() == 7);
    Throwable t = failure(byId(a, serial).switchOff());
    assertThat(t).isInstanceOf(StateNotConfirmedException.class).hasMessageContaining("polarity");
    assertThat(sim.socketOn(serial)).contains(true);
  }
}
