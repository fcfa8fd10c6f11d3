package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cycle caught in its off time by the runtime's close completes (with {@link
 * DeviceClosedException}) instead of never: the close stops the I/O threads, and with them any
 * timer that was to switch the outlet back on.
 */
class CloseDuringCycleIT {
  private final ExtronSimulator ipcp = ExtronSimulator.builder().build().start();
  private final PowerRuntime runtime = PowerRuntime.builder().build();

  private final IsoTekSimulator pdu = IsoTekSimulator.builder().outlets(8).build().start();

  @AfterEach
  void stop() {
    runtime.close();
    ipcp.close();
    pdu.close();
  }

  @Test
  void anIsoTekCycleInItsOffTimeFailsWhenTheRuntimeCloses() {
    PowerDevice rack = runtime.open("isotek:tcp://127.0.0.1:" + pdu.port());

    CompletableFuture<OutletStatus> cycle =
        rack.outlet(3).cycle(Duration.ofSeconds(30)).toCompletableFuture();
    await().until(() -> !pdu.outletState(3));
    runtime.close();

    await().atMost(Duration.ofSeconds(10)).until(cycle::isDone);
    assertThat(cycle)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(DeviceClosedException.class);
  }

  @Test
  void aRelayCycleInItsOffTimeFailsWhenTheRuntimeCloses() {
    ipcp.setRelay(2, true);
    PowerDevice relays = runtime.open("extron:tcp://127.0.0.1:" + ipcp.port());

    CompletableFuture<OutletStatus> cycle =
        relays.outlet(2).cycle(Duration.ofSeconds(30)).toCompletableFuture();
    await().until(() -> !ipcp.relay(2));
    runtime.close();

    await().atMost(Duration.ofSeconds(10)).until(cycle::isDone);
    assertThat(cycle)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(DeviceClosedException.class);
  }
}
