package io.pdu4j.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDevice;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/**
 * A name's power history lives while anything holds the name (an open or opening device, a
 * supervisor) and goes with the last holder: an open that fails or is abandoned drops it, a
 * supervised name keeps it across its device's reopens.
 */
class PowerHistoriesTest {
  private final PowerHistories histories =
      new PowerHistories(Clock.systemUTC(), io.pdu4j.runtime.history.PowerHistory.DEFAULT_STEP);
  private final OpenDevices devices = new OpenDevices(histories);
  private final Supervisors supervisors = new Supervisors(histories);

  @Test
  void aFailedOrAbandonedOpenDropsTheHistoryOfItsName() {
    CompletableFuture<PowerDevice> open = new CompletableFuture<>();
    devices.reserve("rack", "isotek:tcp://127.0.0.1:501", open);
    assertThat(histories.snapshot("rack").device()).isEqualTo("rack");

    devices.forgetOpening(open, "rack");
    assertThatThrownBy(() -> histories.snapshot("rack"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("no device named 'rack'");
  }

  @Test
  void aSupervisedNameKeepsOneHistoryAcrossItsDevicesReopens() {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    Supervisor supervisor =
        supervisors.start(
            "rack",
            "isotek:tcp://127.0.0.1:501",
            onStop ->
                new Supervisor(
                    "rack",
                    "isotek:tcp://127.0.0.1:501",
                    CompletableFuture::new, // an open that never completes
                    timer,
                    Clock.systemUTC(),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(10),
                    Optional.empty(),
                    () -> false,
                    onStop));
    PowerRecorder first = histories.recorder("rack");
    assertThat(first).isNotNull();

    CompletableFuture<PowerDevice> open = new CompletableFuture<>();
    devices.reserve("rack", "isotek:tcp://127.0.0.1:501", open);
    devices.forgetOpening(open, "rack"); // the device went; the supervisor still holds the name
    assertThat(histories.recorder("rack")).isSameAs(first);

    CompletableFuture<PowerDevice> again = new CompletableFuture<>();
    devices.reserve("rack", "isotek:tcp://127.0.0.1:501", again);
    assertThat(histories.recorder("rack")).isSameAs(first);
    devices.forgetOpening(again, "rack");

    supervisor.stop();
    timer.shutdownNow();
    assertThat(histories.recorder("rack")).as("the supervision stopped: the history went").isNull();
  }

  @Test
  void closingTheOpenDevicesReleasesEveryNameTheyHeld() {
    devices.reserve("a", "x", new CompletableFuture<>());
    devices.reserve(null, "enistic:udp://127.0.0.1:1", new CompletableFuture<>());
    assertThat(histories.recorder("a")).isNotNull();
    devices.close();
    assertThat(histories.recorder("a")).isNull();
    assertThat(histories.recorder("enistic:udp://127.0.0.1:1")).isNull();
  }
}
