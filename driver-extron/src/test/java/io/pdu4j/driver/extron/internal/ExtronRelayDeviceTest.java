package io.pdu4j.driver.extron.internal;

import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DeviceOptions;
import io.pdu4j.spi.DriverContext;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relays over a scripted SIS session, for orderings a real IPCP cannot be made to produce. */
class ExtronRelayDeviceTest {
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final ScriptedLink inner = new ScriptedLink(executor);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  /** Waits for {@code command} to be the last thing sent, then answers it. */
  private void answer(String command, String reply) {
    await()
        .until(
            () ->
                !inner.sends.isEmpty() && inner.sends.get(inner.sends.size() - 1).equals(command));
    inner.feed(reply + "\r\n");
  }

  private PowerDevice opened() throws Exception {
    DeviceAddress address = DeviceAddress.parse("extron:tcp://10.0.0.9?poll=1h");
    DeviceOptions options = DeviceOptions.defaults().withOverrides(address);
    CompletionStage<PowerDevice> open =
        ExtronRelayDevice.open(new DriverContext(address, inner, options, Clock.systemUTC()));
    await().until(() -> inner.listener != null);
    inner.feed(
        "(c) Copyright 2013, Extron Electronics, IPCP 505, V1.03, 60-1071-02\r\n"
            + "Sat, 21 Nov 2026 06:14:12\r\n");
    for (int n = 1; n <= 8; n++) {
      answer(n + "O", "0");
    }
    return get(open);
  }

  @Test
  void aReadOverlappingASwitchDoesNotUndoTheSwitchInThePublishedState() throws Exception {
    PowerDevice relays = opened();
    List<DeviceEvent> events = new CopyOnWriteArrayList<>();
    relays.subscribe(events::add);
    CompletionStage<DeviceStatus> refresh = relays.refresh();
    answer("1O", "0");
    answer("2O", "0");
    answer("3O", "0");
    await().until(() -> inner.sends.get(inner.sends.size() - 1).equals("4O"));
    // relay 4 is read as open; then, before the read goes on, it is closed
    CompletionStage<OutletStatus> on = relays.outlet(4).switchOn();
    inner.feed("0\r\n");
    answer("4*1O", "Cpn04 Rly1");
    answer("5O", "0");
    answer("4O", "1"); // the switch's read-back
    assertThat(get(on).state()).isEqualTo(OutletState.ON);
    answer("6O", "0");
    answer("7O", "0");
    answer("8O", "0");
    assertThat(get(refresh).outlet(4).orElseThrow().state()).isEqualTo(OutletState.OFF);
    // the read-back of the switch stands; the refresh's older reading is not published
    assertThat(relays.outlet(4).state()).isEqualTo(OutletState.ON);
    assertThat(events)
        .noneMatch(
            e ->
                e instanceof DeviceEvent.OutletChanged c
                    && c.current().number() == 4
                    && c.current().state() == OutletState.OFF);
  }
}
