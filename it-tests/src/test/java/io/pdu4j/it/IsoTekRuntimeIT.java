package io.pdu4j.it;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runtime, the TCP transport and the IsoTek driver against the simulator over loopback. */
class IsoTekRuntimeIT {
  private IsoTekSimulator sim;
  private PowerRuntime runtime;

  @BeforeEach
  void start() {
    sim =
        IsoTekSimulator.builder()
            .tcpPort(0)
            .outlets(16)
            .pushInterval(Duration.ofMillis(200))
            .build()
            .start();
    runtime = PowerRuntime.builder().build();
  }

  @AfterEach
  void stop() {
    runtime.close();
    sim.close();
  }

  private String uri() {
    return "isotek:tcp://127.0.0.1:" + sim.port();
  }

  @Test
  void statusMatchesWhatTheDeviceReports() throws Exception {
    sim.setOutletState(2, false);
    PowerDevice pdu = runtime.open(uri());
    assertThat(pdu.connectionState()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(pdu.info().driver()).isEqualTo("isotek");
    assertThat(pdu.has(DeviceCapability.SWITCH)).isTrue();
    DeviceStatus status = get(pdu.refresh());
    assertThat(status.outlets()).hasSize(16);
    assertThat(pdu.outlets()).hasSize(16);
    for (OutletStatus o : status.outlets()) {
      OutletState expected = sim.outletState(o.number()) ? OutletState.ON : OutletState.OFF;
      assertThat(o.state()).as("outlet %d", o.number()).isEqualTo(expected);
      assertThat(o.voltage()).isPresent();
      assertThat(o.power()).isPresent();
      assertThat(o.switchable()).isTrue();
    }
    assertThat(status.outlet(2).orElseThrow().power()).hasValue(0.0);
    assertThat(status.input()).isPresent();
    assertThat(status.input().orElseThrow().voltage().orElseThrow()).isBetween(200.0, 260.0);
    assertThat(status.deviceClock()).isPresent();
  }

  @Test
  void eightOutletModelHasEightOutlets() throws Exception {
    try (IsoTekSimulator eight = IsoTekSimulator.builder().tcpPort(0).outlets(8).build().start()) {
      PowerDevice pdu = runtime.open("isotek:tcp://127.0.0.1:" + eight.port());
      assertThat(get(pdu.refresh()).outlets())
          .extracting(OutletStatus::number)
          .containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
      assertThatThrownBy(() -> pdu.outlet(9))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("9");
    }
  }

  @Test
  void switchingIsConfirmedByTheDevice() throws Exception {
    PowerDevice pdu = runtime.open(uri());
    OutletStatus off = get(pdu.outlet(3).switchOff());
    assertThat(off.state()).isEqualTo(OutletState.OFF);
    assertThat(sim.outletState(3)).isFalse();
    assertThat(pdu.outlet(3).state()).isEqualTo(OutletState.OFF);
    OutletStatus on = get(pdu.outlet(3).switchOn());
    assertThat(on.state()).isEqualTo(OutletState.ON);
    assertThat(sim.outletState(3)).isTrue();
    assertThat(sim.commandsReceived()).contains("S3=0", "S3=1");
  }

  @Test
  void allOffAndAllOn() throws Exception {
    PowerDevice pdu = runtime.open(uri());
    DeviceStatus off = get(pdu.switchAll(OutletState.OFF));
    assertThat(off.outlets()).allMatch(o -> o.state() == OutletState.OFF);
    for (int n = 1; n <= 16; n++) {
      assertThat(sim.outletState(n)).isFalse();
    }
    DeviceStatus on = get(pdu.switchAll(OutletState.ON));
    assertThat(on.outlets()).allMatch(o -> o.state() == OutletState.ON);
    assertThat(sim.commandsReceived()).contains("G", "H");
  }

  @Test
  void aPushInTheMiddleOfAReplyNeitherCompletesNorBreaksTheCommand() throws Exception {
    PowerDevice pdu = runtime.open(uri());
    List<DeviceEvent> events = new CopyOnWriteArrayList<>();
    pdu.subscribe(events::add);
    sim.pushDuringNextReplies(3);
    sim.setReplyLatency(Duration.ofMillis(300));
    OutletStatus off = get(pdu.outlet(5).switchOff());
    assertThat(off.state()).isEqualTo(OutletState.OFF);
    DeviceStatus status = get(pdu.refresh());
    assertThat(status.outlet(5).orElseThrow().state()).isEqualTo(OutletState.OFF);
    assertThat(events).anyMatch(e -> e instanceof DeviceEvent.StatusReported);
    assertThat(events)
        .anyMatch(
            e ->
                e instanceof DeviceEvent.OutletChanged c
                    && c.current().number() == 5
                    && c.current().state() == OutletState.OFF);
  }

  @Test
  void pushesUpdateTheLastStatusWithoutAsking() throws Exception {
    PowerDevice pdu = runtime.open(uri());
    sim.setOutletState(7, false); // as if someone pressed the outlet's button
    await().atMost(Duration.ofSeconds(5)).until(() -> pdu.outlet(7).state() == OutletState.OFF);
    long commands = sim.commandCount();
    DeviceStatus last = pdu.lastStatus().orElseThrow();
    await().atMost(Duration.ofSeconds(5)).until(() -> pdu.lastStatus().orElseThrow() != last);
    assertThat(sim.commandCount()).as("no polling while pushes arrive").isEqualTo(commands);
  }

  @Test
  void theDeviceClosingMidReplyFailsTheCommandWithLinkLost() throws Exception {
    PowerDevice pdu = runtime.open(uri());
    sim.closeMidNextReply();
    Throwable t = failure(pdu.refresh());
    assertThat(t).isInstanceOf(LinkLostException.class);
    assertThat(t.getMessage()).contains("127.0.0.1:" + sim.port()).contains("?");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> pdu.connectionState() == ConnectionState.CONNECTED);
    assertThat(get(pdu.refresh()).outlets()).hasSize(16);
  }

  @Test
  void aSilentDeviceTimesOut() throws Exception {
    PowerDevice pdu = runtime.open(uri() + "?timeout=500ms");
    sim.setSilent(true);
    Throwable t = failure(pdu.outlet(1).switchOff());
    assertThat(t).isInstanceOf(DeviceTimeoutException.class);
    assertThat(t.getMessage()).contains("S1=0").contains("500ms");
    sim.setSilent(false);
    assertThat(get(pdu.refresh()).outlets()).hasSize(16);
  }

  @Test
  void anErrorReplyIsARejectionWithTheRawText() throws Exception {
    try (IsoTekSimulator eight =
        IsoTekSimulator.builder()
            .tcpPort(0)
            .outlets(8)
            .errorReply("E42")
            .pushInterval(Duration.ofMillis(200))
            .build()
            .start()) {
      PowerDevice pdu = runtime.open("isotek:tcp://127.0.0.1:" + eight.port());
      // the 8-outlet device rejects outlet 9 if the driver let it through; it must not
      assertThatThrownBy(() -> pdu.outlet(9).switchOn())
          .isInstanceOf(InvalidArgumentException.class);
      DeviceStatus before = pdu.lastStatus().orElseThrow();
      eight.injectGarbage("E42");
      // the simulator writes in order: once a later push has arrived, the garbage line has too
      await().atMost(Duration.ofSeconds(5)).until(() -> pdu.lastStatus().orElseThrow() != before);
      // a garbage line with nothing in flight is ignored; the device keeps working
      assertThat(get(pdu.outlet(1).switchOff()).state()).isEqualTo(OutletState.OFF);
    }
  }

  @Test
  void commandsFromManyThreadsAllCompleteInOrder() throws Exception {
    PowerDevice pdu = runtime.open(uri());
    List<CompletableFuture<OutletStatus>> all = new CopyOnWriteArrayList<>();
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      int base = t * 4;
      threads[t] =
          new Thread(
              () -> {
                for (int i = 1; i <= 4; i++) {
                  all.add(pdu.outlet(base + i).switchOff().toCompletableFuture());
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(all).allMatch(f -> f.join().state() == OutletState.OFF);
    for (int n = 1; n <= 16; n++) {
      assertThat(sim.outletState(n)).isFalse();
    }
  }

  @Test
  void unreachableDeviceFailsClearly() throws Exception {
    int port = Ports.unused();
    String address = "isotek:tcp://127.0.0.1:" + port;
    assertThatThrownBy(() -> runtime.open(address))
        .isInstanceOf(DeviceUnreachableException.class)
        .hasMessageContaining("127.0.0.1:" + port);
  }

  @Test
  void closingTheRuntimeClosesDevicesAndFailsLaterCalls() throws Exception {
    PowerDevice pdu = runtime.open(uri());
    runtime.close();
    assertThat(pdu.connectionState()).isEqualTo(ConnectionState.CLOSED);
    assertThat(failure(pdu.refresh())).isInstanceOf(io.pdu4j.api.DeviceClosedException.class);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith("pdu4j-io")));
  }

  @Test
  void anErrorLineWhileACommandIsInFlightIsARejectionWithTheRawText() throws Exception {
    PowerDevice pdu = runtime.open(uri());
    sim.setReplyLatency(Duration.ofMillis(500));
    CompletionStage<OutletStatus> off = pdu.outlet(4).switchOff();
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.commandsReceived().contains("S4=0"));
    sim.injectGarbage("ERR 17");
    Throwable t = failure(off);
    assertThat(t).isInstanceOf(DeviceRejectedException.class);
    assertThat(((DeviceRejectedException) t).received())
        .hasValueSatisfying(r -> assertThat(r).contains("ERR 17"));
    assertThat(t.getMessage()).contains("S4=0").contains("ERR 17");
    sim.setReplyLatency(Duration.ZERO);
    // the late OK of S4=0 must not complete the next command by mistake
    assertThat(get(pdu.refresh()).outlets()).hasSize(16);
  }

  @Test
  void aSwitchTheDeviceAcceptsButDoesNotCarryOutIsNotConfirmed() throws Exception {
    try (IsoTekSimulator locked =
        IsoTekSimulator.builder()
            .tcpPort(0)
            .outlets(8)
            .outletConfig(1, "ROUTER", 3, 5)
            .initialState(1, true)
            // the driver would refuse a lock it knows of (C?) before sending: hide it
            .refuse("C?")
            .build()
            .start()) {
      PowerDevice pdu = runtime.open("isotek:tcp://127.0.0.1:" + locked.port());
      Throwable t = failure(pdu.outlet(1).switchOff());
      assertThat(t).isInstanceOf(StateNotConfirmedException.class).hasMessageContaining("S1=0");
      assertThat(pdu.outlet(1).state()).isEqualTo(OutletState.ON);
    }
  }

  @Test
  void anOverLongLineIsSkippedAndTheCommandStillCompletes() throws Exception {
    PowerDevice pdu = runtime.open(uri());
    sim.setReplyLatency(Duration.ofMillis(300));
    CompletionStage<OutletStatus> off = pdu.outlet(6).switchOff();
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.commandsReceived().contains("S6=0"));
    sim.injectRaw("X".repeat(5000) + "\n");
    assertThat(get(off).state()).isEqualTo(OutletState.OFF);
    sim.setReplyLatency(Duration.ZERO);
    sim.injectRaw("Y".repeat(100_000));
    sim.injectRaw("\n");
    assertThat(get(pdu.refresh()).outlet(6).orElseThrow().state()).isEqualTo(OutletState.OFF);
  }
}
