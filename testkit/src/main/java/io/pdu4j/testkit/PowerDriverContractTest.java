package io.pdu4j.testkit;

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
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every pdu4j driver keeps, as JUnit 5 tests a driver's own test class inherits:
 * extend it, implement {@link #openDevice()} and {@link #simulatorOutletState(int)}, and override
 * the optional hooks your simulator supports (a test whose hook is not overridden is skipped, not
 * failed).
 *
 * <p>What it checks: capabilities are honest (an advertised one works, an unadvertised one fails
 * with {@link UnsupportedCapabilityException} without sending); a switch completes with the state
 * the device confirmed, and the simulator agrees; states come from the device (a change made at the
 * simulator is seen); outlet 0 and outlet count + 1 are refused with {@link
 * InvalidArgumentException} before anything is sent; every stage completes exactly once, on
 * success, rejection, timeout ({@link DeviceTimeoutException}) and link loss ({@link
 * LinkLostException}); close fails pending commands with {@link DeviceClosedException}.
 *
 * <p>Open the device with a short command timeout (a second or two): the timeout tests wait for it.
 * Each test gets a fresh device from {@link #openDevice()}; the kit closes it after the test,
 * before the subclass's own {@code @AfterEach} methods run (JUnit runs a subclass's first), so stop
 * the simulator there.
 */
public abstract class PowerDriverContractTest {
  private PowerDevice device;

  /**
   * Opens a device of your driver connected to a fresh simulator (or the same one, reset), and
   * waits until it is ready. Called before each test.
   */
  protected abstract PowerDevice openDevice() throws Exception;

  /** Whether outlet {@code outlet} (from 1) is on, as the simulator sees it. */
  protected abstract boolean simulatorOutletState(int outlet);

  /**
   * Switches an outlet at the simulator, as a person at the device would. Optional: without it the
   * "states come from the device" test is skipped.
   */
  protected void setSimulatorOutletState(int outlet, boolean on) {
    Assumptions.abort("setSimulatorOutletState is not implemented");
  }

  /**
   * How many commands the simulator has received so far. Optional: without it the "nothing sent"
   * checks are skipped (the rest of those tests still runs).
   */
  protected OptionalLong commandsReceived() {
    return OptionalLong.empty();
  }

  /** Makes the simulator read and not answer, until {@link #restoreDevice()}. Optional. */
  protected void makeDeviceSilent() {
    Assumptions.abort("makeDeviceSilent is not implemented");
  }

  /** Undoes {@link #makeDeviceSilent()}. Optional (needed with it). */
  protected void restoreDevice() {
    Assumptions.abort("restoreDevice is not implemented");
  }

  /**
   * Arranges that the simulator drops the connection instead of (or in the middle of) answering the
   * next command it receives. Optional: without it the link loss test is skipped.
   */
  protected void dropConnectionOnNextCommand() {
    Assumptions.abort("dropConnectionOnNextCommand is not implemented");
  }

  /** How long any one step may take before the kit fails it; default 15 s. */
  protected Duration patience() {
    return Duration.ofSeconds(15);
  }

  /** The device under test (open during a test). */
  protected final PowerDevice device() {
    return device;
  }

  @BeforeEach
  final void openTheDevice() throws Exception {
    device = openDevice();
    assertThat(device).as("openDevice()").isNotNull();
  }

  @AfterEach
  final void closeTheDevice() {
    if (device != null) {
      device.close();
    }
  }

  // ------------------------------------------------------------------ helpers

  private <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(patience().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The stage's failure, after checking that it completes exactly once. */
  private Throwable failure(CompletionStage<?> stage) throws Exception {
    AtomicInteger completions = new AtomicInteger();
    stage.whenComplete((r, t) -> completions.incrementAndGet());
    try {
      stage.toCompletableFuture().get(patience().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      assertThat(completions.get()).as("completions").isEqualTo(1);
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("the stage did not complete within " + patience(), e);
    }
    throw new AssertionError("the stage completed normally");
  }

  private long sent() {
    return commandsReceived().orElse(-1);
  }

  private void assertNothingSentSince(long before) {
    if (before >= 0) {
      assertThat(sent()).as("commands the simulator received").isEqualTo(before);
    }
  }

  private void assertUnsupported(Supplier<CompletionStage<?>> call) throws Exception {
    long before = sent();
    CompletionStage<?> stage;
    try {
      stage = call.get();
    } catch (UnsupportedCapabilityException thrownAtOnce) {
      assertNothingSentSince(before);
      return;
    }
    assertThat(failure(stage)).isInstanceOf(UnsupportedCapabilityException.class);
    assertNothingSentSince(before);
  }

  private static boolean on(OutletState s) {
    return s == OutletState.ON;
  }

  // ------------------------------------------------------------------ the contract

  @Test
  void theDeviceIsConnectedWithItsOutletsAndStatus() {
    assertThat(device.connectionState()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(device.outlets()).as("outlets").isNotEmpty();
    for (int n = 1; n <= device.outlets().size(); n++) {
      assertThat(device.outlet(n).number()).isEqualTo(n);
    }
    if (device.has(DeviceCapability.STATUS)) {
      assertThat(device.lastStatus()).as("a status once ready").isPresent();
    }
  }

  @Test
  void advertisedStatusAndSwitchingWork() throws Exception {
    if (device.has(DeviceCapability.STATUS)) {
      assertThat(get(device.refresh()).outlets()).hasSize(device.outlets().size());
    }
    if (device.has(DeviceCapability.SWITCH)) {
      boolean was = simulatorOutletState(1);
      OutletStatus s = get(was ? device.outlet(1).switchOff() : device.outlet(1).switchOn());
      assertThat(on(s.state())).isEqualTo(!was);
    }
  }

  @Test
  void unadvertisedCapabilitiesFailWithoutSending() throws Exception {
    if (!device.has(DeviceCapability.SWITCH_ALL)) {
      assertUnsupported(() -> device.switchAll(OutletState.ON));
    }
    if (!device.has(DeviceCapability.RESTART)) {
      assertUnsupported(device::restart);
    }
    if (!device.has(DeviceCapability.CYCLE)) {
      assertUnsupported(() -> device.outlet(1).cycle(Duration.ofSeconds(1)));
    }
    if (!device.has(DeviceCapability.OUTLET_CONFIG)) {
      assertUnsupported(() -> device.outlet(1).config());
    }
    assertThat(device.scheduler().isPresent())
        .as("scheduler() present exactly when SCHEDULER is advertised")
        .isEqualTo(device.has(DeviceCapability.SCHEDULER));
    assertThat(device.clock().isPresent())
        .as("clock() present exactly when CLOCK_READ is advertised")
        .isEqualTo(device.has(DeviceCapability.CLOCK_READ));
  }

  @Test
  void aSwitchCompletesWithTheConfirmedStateAndTheDeviceAgrees() throws Exception {
    Assumptions.assumeTrue(device.has(DeviceCapability.SWITCH), "the device does not switch");
    int last = device.outlets().size();
    for (int n : new int[] {1, last}) {
      boolean was = simulatorOutletState(n);
      OutletStatus s = get(was ? device.outlet(n).switchOff() : device.outlet(n).switchOn());
      assertThat(s.number()).isEqualTo(n);
      assertThat(on(s.state())).as("outlet %d after the switch", n).isEqualTo(!was);
      assertThat(simulatorOutletState(n)).as("the simulator's outlet %d", n).isEqualTo(!was);
      assertThat(on(device.outlet(n).state())).as("outlet(%d).state()", n).isEqualTo(!was);
      OutletStatus back = get(was ? device.outlet(n).switchOn() : device.outlet(n).switchOff());
      assertThat(on(back.state())).isEqualTo(was);
      assertThat(simulatorOutletState(n)).isEqualTo(was);
    }
  }

  @Test
  void statesComeFromTheDevice() throws Exception {
    Assumptions.assumeTrue(device.has(DeviceCapability.STATUS), "the device reports no status");
    boolean was = simulatorOutletState(1);
    setSimulatorOutletState(1, !was);
    await()
        .atMost(patience())
        .untilAsserted(
            () -> {
              OutletStatus s = get(device.refresh()).outlet(1).orElseThrow();
              assertThat(on(s.state())).as("outlet 1 changed at the simulator").isEqualTo(!was);
            });
    assertThat(on(device.outlet(1).state())).isEqualTo(!was);
  }

  @Test
  void invalidOutletsAreRefusedBeforeSending() {
    long before = sent();
    int count = device.outlets().size();
    assertThatThrownBy(() -> device.outlet(0)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> device.outlet(count + 1)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> device.outlet(-1)).isInstanceOf(InvalidArgumentException.class);
    assertNothingSentSince(before);
  }

  @Test
  void aSilentDeviceTimesOutOnceAndTheDeviceRecovers() throws Exception {
    makeDeviceSilent();
    Throwable t;
    try {
      t = failure(device.refresh());
    } finally {
      restoreDevice();
    }
    assertThat(t).isInstanceOf(DeviceTimeoutException.class);
    await()
        .atMost(patience())
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(get(device.refresh())).isNotNull());
  }

  @Test
  void aLostLinkFailsTheCommandInFlightOnce() throws Exception {
    dropConnectionOnNextCommand();
    Throwable t = failure(device.refresh());
    assertThat(t).isInstanceOf(LinkLostException.class);
  }

  @Test
  void closeFailsPendingCommandsAndLaterOnes() throws Exception {
    makeDeviceSilent();
    try {
      CompletionStage<?> pending = device.refresh();
      CompletionStage<?> queued = device.refresh();
      device.close();
      assertThat(failure(pending)).isInstanceOf(DeviceClosedException.class);
      assertThat(failure(queued)).isInstanceOf(DeviceClosedException.class);
      await().atMost(patience()).until(() -> device.connectionState() == ConnectionState.CLOSED);
      CompletionStage<?> later;
      try {
        later = device.refresh();
      } catch (DeviceClosedException thrownAtOnce) {
        later = CompletableFuture.failedFuture(thrownAtOnce);
      }
      assertThat(failure(later)).isInstanceOf(DeviceClosedException.class);
    } finally {
      restoreDevice();
    }
  }
}
