package io.pdu4j.driver.isotek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.lang.ref.WeakReference;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Once newer statuses came, the device keeps nothing of its connection's first status: the open
 * waits for it through a future, and a completed future holds its value for as long as something
 * holds the future (a status and its outlets for each device of a fleet, for the connection's
 * life).
 */
class IsoTekFirstStatusTest {
  private final IsoTekOverTcp tcp = new IsoTekOverTcp();

  @AfterEach
  void tearDown() {
    tcp.close();
  }

  @Test
  void theFirstStatusIsNotKeptOnceNewerOnesCame() throws Exception {
    IsoTekSimulator sim =
        tcp.track(IsoTekSimulator.builder().outlets(16).pushInterval(Duration.ofMillis(50)).build())
            .start();
    PowerDevice device = tcp.open(sim, "");
    WeakReference<DeviceStatus> first = new WeakReference<>(device.lastStatus().orElseThrow());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> device.lastStatus().orElseThrow() != first.get());
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              System.gc();
              return first.get() == null;
            });
    // the device goes on: a refresh still answers with a status
    assertThat(device.refresh().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS))
        .isNotNull();
  }
}
