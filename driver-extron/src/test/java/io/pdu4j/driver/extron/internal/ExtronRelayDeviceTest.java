package io.pdu4j.driver.extron.internal;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.driver.extron.ExtronDriver;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DeviceSession;
import io.pdu4j.spi.DriverContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relays as a device (the driver's session inside pdu4j's device) over a scripted SIS session,
 * for orderings a real IPCP cannot be made to produce.
 */
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
    return opened("00000000");
  }

  /** Opens the relays, answering their first reading with {@code states}, relay 1 first. */
  private PowerDevice opened(String states) throws Exception {
    return opened(states, "");
  }

  /** As {@link #opened(String)}, with {@code more} options in the address. */
  private PowerDevice opened(String states, String more) throws Exception {
    DeviceAddress address = DeviceAddress.parse("extron:tcp://10.0.0.9?poll=1h" + more);
    DeviceOptions options = DeviceOptions.defaults().withOverrides(address);
    CompletionStage<PowerDevice> open =
        new ExtronDriver().open(new DriverContext(address, inner, options, Clock.systemUTC()));
    await().until(() -> inner.listener != null);
    inner.feed(
        "(c) Copyright 2013, Extron Electronics, IPCP 505, V1.03, 60-1071-02\r\n"
            + "Sat, 21 Nov 2026 06:14:12\r\n");
    for (int n = 1; n <= 8; n++) {
      answer(n + "O", String.valueOf(states.charAt(n - 1)));
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

  @Test
  void aCycleWithoutAnOffTimeIsRefusedBeforeAnythingIsSent() throws Exception {
    PowerDevice relays = opened();
    int sent = inner.sends.size();
    assertThat(failure(relays.outlet(4).cycle(null)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("off time");
    assertThat(inner.sends).hasSize(sent);
    assertThat(relays.outlet(4).state()).isEqualTo(OutletState.OFF);
  }

  @Test
  void closingInACyclesOffTimeFailsTheCycleAndLeavesTheRelayOpen() throws Exception {
    PowerDevice relays = opened("00010000");
    CompletionStage<OutletStatus> cycle = relays.outlet(4).cycle(Duration.ofHours(1));
    answer("4*0O", "Cpn04 Rly0");
    answer("4O", "0");
    await().until(() -> relays.outlet(4).state() == OutletState.OFF);
    relays.close();
    assertThat(failure(cycle))
        .isInstanceOf(DeviceClosedException.class)
        .hasMessageContaining("the relay was left open");
    assertThat(inner.sends).doesNotContain("4*1O");
  }

  @Test
  void commandsWaitingForACyclesOnAreBoundedByTheQueueCapacity() throws Exception {
    PowerDevice relays = opened("00010000", "&queue=2");
    CompletionStage<OutletStatus> cycle = relays.outlet(4).cycle(Duration.ofHours(1));
    answer("4*0O", "Cpn04 Rly0");
    answer("4O", "0");
    await().until(() -> relays.outlet(4).state() == OutletState.OFF);
    int sent = inner.sends.size();
    CompletionStage<OutletStatus> first = relays.outlet(1).switchOn();
    CompletionStage<OutletStatus> second = relays.outlet(2).switchOn();
    assertThat(failure(relays.outlet(3).switchOn()))
        .isInstanceOf(DeviceBusyException.class)
        .hasMessageContaining("command queue full (2 wait for a cycle's on)");
    assertThat(inner.sends).as("nothing sent in the off time").hasSize(sent);
    relays.close();
    assertThat(failure(cycle)).isInstanceOf(DeviceClosedException.class);
    assertThat(failure(first)).isInstanceOf(PowerDeviceException.class);
    assertThat(failure(second)).isInstanceOf(PowerDeviceException.class);
    assertThat(inner.sends).doesNotContain("1*1O", "2*1O", "3*1O", "4*1O");
  }

  @Test
  void theRelaysArePolledEveryFiveSecondsUnlessTheAddressSaysOtherwise() {
    DeviceAddress address = DeviceAddress.parse("extron:tcp://10.0.0.9");
    DriverContext context =
        new DriverContext(
            address, inner, DeviceOptions.defaults().withOverrides(address), Clock.systemUTC());
    DeviceSession session = new ExtronDriver().session(context);
    // the IPCP says nothing unasked, whatever its link says of itself
    assertThat(session.pollInterval(false)).hasValue(Duration.ofSeconds(5));
    assertThat(session.pollInterval(true)).hasValue(Duration.ofSeconds(5));
  }
}
