package io.pdu4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.DriverCounters;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.spi.transport.TransportProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every pdu4j driver keeps, as JUnit 5 tests a driver's own test class inherits:
 * extend it, implement {@link #openDevice()} and {@link #simulatorOutletState(int)}, and override
 * the optional hooks your simulator supports (a test whose hook is not overridden is skipped with
 * the reason, not failed).
 *
 * <p>What it checks: capabilities are honest (an advertised one works, an unadvertised one fails
 * with {@link UnsupportedCapabilityException} without sending, on the device and on outlets that do
 * not switch); a switch completes with the state the device confirmed, and the simulator agrees;
 * states come from the device (a change made at the simulator is seen); outlet 0 and outlet count +
 * 1 are refused with {@link InvalidArgumentException} before anything is sent, and an invalid
 * argument to an I/O method (a switch to UNKNOWN or null, a negative off time, null settings, rules
 * or time) fails the returned stage with it, never throws; a refresh cancelled among others leaves
 * them and the device working; a silent device fails with {@link DeviceTimeoutException}, a
 * rejection with {@link DeviceRejectedException} carrying the raw reply, a lost link with {@link
 * LinkLostException}, and the device works again afterwards; a flood of garbage and over-long input
 * is skipped and counted and the device stays usable; close fails pending commands with {@link
 * DeviceClosedException} and ends every thread the driver started. Every stage a test looks at
 * completes exactly once: the kit counts its callbacks when it completes and again after the device
 * is closed, so a late second completion fails the test too.
 *
 * <p>Open the device with a short command timeout (a second or two): the timeout tests wait for it.
 * Each test gets a fresh device from {@link #openDevice()}; after the test the kit closes it, then
 * calls {@link #stopSimulator()}.
 */
public abstract class PowerDriverContractTest {
  /** The name of the thread of {@link #deviceExecutor()}. */
  private static final String DEVICE_THREAD = "testkit-device";

  /**
   * Threads the JDK and the test libraries start on their own when a driver or a test uses them
   * (the common pool, the delayer behind {@code orTimeout}, Awaitility's poller, the kit's relay).
   */
  private static final List<String> PLATFORM_THREADS =
      List.of(
          "ForkJoinPool.commonPool-",
          "CompletableFutureDelayScheduler",
          "awaitility",
          TcpFaultProxy.THREAD_PREFIX,
          DEVICE_THREAD);

  private PowerDevice device;
  private Set<Thread> threadsBeforeOpen = Set.of();
  private final CountingDriverCounters counters = new CountingDriverCounters();
  private final List<Completions> stages = new CopyOnWriteArrayList<>();
  private final List<TransportProvider> transports = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService executor;

  /**
   * Opens a device of your driver connected to a fresh simulator (or the same one, reset), and
   * waits until it is ready and its outlets are known. Called before each test. {@link
   * #open(PowerDriver, TransportProvider, String, TransportProvider...)} opens it as the runtime
   * would; a test that wires the device itself passes {@link #driverCounters()} as the {@code
   * DriverContext}'s counters.
   */
  protected abstract PowerDevice openDevice() throws Exception;

  /** Whether outlet {@code outlet} (from 1) is on, as the simulator sees it. */
  protected abstract boolean simulatorOutletState(int outlet);

  /**
   * Stops what {@link #openDevice()} started (the simulator); called after each test once the kit
   * has closed the device, and before it closes the transports {@link #open(PowerDriver,
   * TransportProvider, String, TransportProvider...)} used. Default: nothing.
   */
  protected void stopSimulator() throws Exception {}

  /**
   * The outlets the kit may switch. Default: those whose capabilities include {@link
   * OutletCapability#SWITCHABLE}, in number order.
   */
  protected List<Integer> switchableOutlets() {
    List<Integer> numbers = new ArrayList<>();
    for (Outlet o : device.outlets()) {
      if (o.capabilities().contains(OutletCapability.SWITCHABLE)) {
        numbers.add(o.number());
      }
    }
    return numbers;
  }

  /**
   * Whether {@link PowerDevice#refresh()} asks the device and waits for its answer (request/reply
   * devices: default true). A device that only listens to broadcast readings answers {@code
   * refresh()} from what it heard, so the kit uses a switch (confirmed by a reading) wherever it
   * needs a command the device must answer.
   */
  protected boolean refreshAsksTheDevice() {
    return true;
  }

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

  /**
   * Makes the device stop answering (a request/reply device reads and does not answer; a
   * broadcasting one stops broadcasting and obeying), until {@link #restoreDevice()}. Optional.
   */
  protected void makeDeviceSilent() {
    Assumptions.abort("makeDeviceSilent is not implemented");
  }

  /** Undoes every fault the hooks injected. Optional (needed with any of them). */
  protected void restoreDevice() {
    Assumptions.abort("restoreDevice is not implemented");
  }

  /**
   * Arranges that the simulator drops the connection instead of (or in the middle of) answering the
   * next command it receives. Optional: without it the link loss test is skipped (protocols without
   * connections have no link to lose).
   */
  protected void dropConnectionOnNextCommand() {
    Assumptions.abort("dropConnectionOnNextCommand is not implemented");
  }

  /**
   * Arranges that the device rejects the next command it receives, and returns the raw text of the
   * rejection (such as {@code ERR} or {@code E13}), which the {@link DeviceRejectedException} must
   * carry in its {@code received()}. Optional: protocols without rejections skip the test.
   */
  protected String rejectNextCommand() {
    Assumptions.abort("rejectNextCommand is not implemented");
    return null;
  }

  /**
   * Makes the simulator (or the test, as the device would) send a flood of input the driver must
   * skip: garbage, malformed frames and at least one frame longer than the driver's bound, more
   * bytes in all than any frame buffer should hold. Returns once it is sent. Optional: without it
   * the flood test is skipped.
   */
  protected void floodTheDevice() throws Exception {
    Assumptions.abort("floodTheDevice is not implemented");
  }

  /**
   * Whether the driver reports skipped input to {@link #driverCounters()} (default true). A driver
   * that drops input it never frames (a gateway session discarding bytes outside a reply) says
   * false, and the flood test then checks only that the device stays usable.
   */
  protected boolean countsSkippedInput() {
    return true;
  }

  /**
   * The names (prefixes) of the threads that belong to the test's harness, not to the driver: the
   * simulator's, the transport's and the executor the test hands the link. The kit ignores them,
   * and the JDK's own pools, when it checks that close ends every thread the driver started.
   * Optional: without it that test is skipped.
   */
  protected Set<String> harnessThreadPrefixes() {
    Assumptions.abort("harnessThreadPrefixes is not implemented");
    return Set.of();
  }

  /** How long any one step may take before the kit fails it; default 15 s. */
  protected Duration patience() {
    return Duration.ofSeconds(15);
  }

  /** The device under test (open during a test). */
  protected final PowerDevice device() {
    return device;
  }

  /**
   * The counters the device must be opened with (in its {@code DriverContext}), so the kit sees the
   * frames the driver skipped; fresh for each test.
   */
  protected final DriverCounters driverCounters() {
    return counters;
  }

  /**
   * The device's thread for links the test creates itself (one per test, started on first use and
   * shut down by the kit after {@link #stopSimulator()}).
   */
  protected final synchronized ScheduledExecutorService deviceExecutor() {
    if (executor == null) {
      executor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, DEVICE_THREAD);
                t.setDaemon(true);
                return t;
              });
    }
    return executor;
  }

  /**
   * Opens {@code uri} with {@code driver} over a new link of {@code transport}, wired as the
   * runtime wires it: the address's options over the defaults, {@link #deviceExecutor()} as the
   * device's thread, {@link #driverCounters()} as its counters, {@code underneath} as the other
   * transports a tunnel may open its own link with (the {@code tcp} one under {@code extron});
   * waits until it is ready. The kit closes the transports (those that are {@link AutoCloseable})
   * after {@link #stopSimulator()}.
   */
  protected final PowerDevice open(
      PowerDriver driver, TransportProvider transport, String uri, TransportProvider... underneath)
      throws Exception {
    DeviceAddress address = DeviceAddress.parse(uri);
    DeviceOptions options = DeviceOptions.defaults().withOverrides(address);
    Map<String, TransportProvider> others = new HashMap<>();
    for (TransportProvider t : underneath) {
      others.put(t.scheme(), t);
    }
    List<TransportProvider> used = new ArrayList<>(List.of(underneath));
    used.add(transport);
    for (TransportProvider t : used) {
      if (!transports.contains(t)) {
        transports.add(t);
      }
    }
    Link link =
        transport.create(
            address,
            new TestTransportContext(
                deviceExecutor(), options, driver.requirements(address), others));
    return driver
        .open(new DriverContext(address, link, options, Clock.systemUTC(), counters))
        .toCompletableFuture()
        .get(patience().toMillis(), TimeUnit.MILLISECONDS);
  }

  @BeforeEach
  final void openTheDevice() throws Exception {
    threadsBeforeOpen = Set.copyOf(Thread.getAllStackTraces().keySet());
    device = openDevice();
    assertThat(device).as("openDevice()").isNotNull();
  }

  @AfterEach
  final void closeTheDevice() throws Exception {
    try {
      if (device != null) {
        device.close();
      }
      // close fails whatever is still pending: every stage the test looked at completes
      for (Completions c : stages) {
        c.awaitTheFirstCompletion(patience());
      }
    } finally {
      try {
        stopSimulator();
      } finally {
        releaseTheHarness();
      }
    }
    // a stage completed twice, or failed late after its first completion, shows up here
    for (Completions c : stages) {
      c.assertOnlyTheFirstCompletion();
    }
  }

  private void releaseTheHarness() throws Exception {
    for (TransportProvider t : transports) {
      if (t instanceof AutoCloseable c) {
        c.close();
      }
    }
    synchronized (this) {
      if (executor != null) {
        executor.shutdownNow();
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** Records every completion of one stage, to prove there is exactly one. */
  private static final class Completions {
    private final String what;
    private final List<Object> outcomes = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Object> first = new CompletableFuture<>();

    Completions(String what, CompletionStage<?> stage) {
      this.what = what;
      stage.whenComplete(
          (r, t) -> {
            Object outcome = t != null ? t : r;
            outcomes.add(outcome == null ? "null" : outcome);
            first.complete(outcome);
          });
    }

    void awaitTheFirstCompletion(Duration patience) throws Exception {
      try {
        first.get(patience.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw new AssertionError(e); // never: first is only ever completed normally
      } catch (TimeoutException e) {
        throw new AssertionError(what + " never completed, even after close()", e);
      }
    }

    void assertOnlyTheFirstCompletion() {
      assertThat(outcomes).as("completions of %s", what).hasSize(1);
    }
  }

  private Completions track(String what, CompletionStage<?> stage) {
    Completions c = new Completions(what, stage);
    stages.add(c);
    return c;
  }

  /** The stage's result, after checking that it completes exactly once. */
  private <T> T get(CompletionStage<T> stage) throws Exception {
    Completions c = track("a command", stage);
    T result = stage.toCompletableFuture().get(patience().toMillis(), TimeUnit.MILLISECONDS);
    c.first.get(patience().toMillis(), TimeUnit.MILLISECONDS);
    c.assertOnlyTheFirstCompletion();
    return result;
  }

  /** The stage's failure, after checking that it completes exactly once. */
  private Throwable failure(CompletionStage<?> stage) throws Exception {
    Completions c = track("a failing command", stage);
    try {
      stage.toCompletableFuture().get(patience().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      c.first.get(patience().toMillis(), TimeUnit.MILLISECONDS);
      c.assertOnlyTheFirstCompletion();
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

  /** The call returns a stage (it does not throw) that fails with InvalidArgumentException. */
  private void assertInvalid(String call, Supplier<CompletionStage<?>> invocation)
      throws Exception {
    CompletionStage<?> stage;
    try {
      stage = invocation.get();
    } catch (RuntimeException thrown) {
      throw new AssertionError(call + " threw instead of failing its stage: " + thrown, thrown);
    }
    assertThat(stage).as("the stage of %s", call).isNotNull();
    assertThat(failure(stage))
        .as("the failure of %s", call)
        .isInstanceOf(InvalidArgumentException.class);
  }

  private static boolean on(OutletState s) {
    return s == OutletState.ON;
  }

  private int firstSwitchable() {
    List<Integer> outlets = switchableOutlets();
    Assumptions.assumeFalse(outlets.isEmpty(), "the device has no outlet the kit may switch");
    return outlets.get(0);
  }

  private boolean switches() {
    return device.has(DeviceCapability.SWITCH) && !switchableOutlets().isEmpty();
  }

  /**
   * A command the device must answer: {@code refresh()} where it asks the device, else switching
   * the first switchable outlet to the opposite of what the simulator shows (repeated calls ask for
   * the same state while the device is silent).
   */
  private CompletionStage<?> command() {
    if (refreshAsksTheDevice()) {
      return device.refresh();
    }
    Assumptions.assumeTrue(
        switches(), "refresh() does not ask the device, and the device has nothing to switch");
    int n = firstSwitchable();
    return simulatorOutletState(n) ? device.outlet(n).switchOff() : device.outlet(n).switchOn();
  }

  private void awaitAWorkingDevice() {
    await()
        .atMost(patience())
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(get(command())).isNotNull());
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
      int n = firstSwitchable();
      boolean was = simulatorOutletState(n);
      OutletStatus s = get(was ? device.outlet(n).switchOff() : device.outlet(n).switchOn());
      assertThat(on(s.state())).isEqualTo(!was);
    } else {
      assertThat(switchableOutlets()).as("switchable outlets of a device without SWITCH").isEmpty();
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
    for (Outlet o : device.outlets()) {
      if (!o.capabilities().contains(OutletCapability.SWITCHABLE)) {
        assertUnsupported(o::switchOn);
        assertUnsupported(o::switchOff);
      }
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
    List<Integer> outlets = switchableOutlets();
    Assumptions.assumeFalse(outlets.isEmpty(), "the device has no outlet the kit may switch");
    for (int n : new int[] {outlets.get(0), outlets.get(outlets.size() - 1)}) {
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
    int n = switches() ? firstSwitchable() : 1;
    boolean was = simulatorOutletState(n);
    setSimulatorOutletState(n, !was);
    await()
        .atMost(patience())
        .untilAsserted(
            () -> {
              OutletStatus s = get(device.refresh()).outlet(n).orElseThrow();
              assertThat(on(s.state())).as("outlet %d changed at the simulator", n).isEqualTo(!was);
            });
    assertThat(on(device.outlet(n).state())).isEqualTo(!was);
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
  void invalidArgumentsFailTheStageWithoutSending() throws Exception {
    long before = sent();
    int checked = 0;
    if (switches()) {
      Outlet o = device.outlet(firstSwitchable());
      assertInvalid("switchTo(UNKNOWN)", () -> o.switchTo(OutletState.UNKNOWN));
      assertInvalid("switchTo(null)", () -> o.switchTo(null));
      checked += 2;
      if (device.has(DeviceCapability.CYCLE)) {
        assertInvalid("cycle(-1 s)", () -> o.cycle(Duration.ofSeconds(-1)));
        checked++;
      }
    }
    if (device.has(DeviceCapability.SWITCH_ALL)) {
      assertInvalid("switchAll(UNKNOWN)", () -> device.switchAll(OutletState.UNKNOWN));
      assertInvalid("switchAll(null)", () -> device.switchAll(null));
      checked += 2;
    }
    if (device.has(DeviceCapability.OUTLET_CONFIG)) {
      assertInvalid("configure(null)", () -> device.outlet(1).configure(null));
      checked++;
    }
    if (device.scheduler().isPresent()) {
      io.pdu4j.api.Scheduler scheduler = device.scheduler().get();
      assertInvalid("scheduler().add(null)", () -> scheduler.add(null));
      assertInvalid("scheduler().replaceAll(null)", () -> scheduler.replaceAll(null));
      checked += 2;
    }
    if (device.clock().isPresent() && device.has(DeviceCapability.CLOCK_SET)) {
      io.pdu4j.api.DeviceClock clock = device.clock().get();
      assertInvalid("clock().set(null)", () -> clock.set(null));
      assertInvalid("clock().setToNow(null)", () -> clock.setToNow(null));
      checked += 2;
    }
    Assumptions.assumeTrue(checked > 0, "the device has no method that takes an argument");
    assertNothingSentSince(before);
  }

  /**
   * Cancelling a stage never un-sends a command, but it must not wedge the device: the refreshes
   * issued around a cancelled one complete, and so does the next.
   */
  @Test
  void aCancelledRefreshLeavesTheDeviceUsable() throws Exception {
    Assumptions.assumeTrue(device.has(DeviceCapability.STATUS), "the device reports no status");
    CompletionStage<DeviceStatus> first = device.refresh();
    CompletableFuture<DeviceStatus> cancelled = device.refresh().toCompletableFuture();
    CompletionStage<DeviceStatus> third = device.refresh();
    cancelled.cancel(true);
    assertThat(cancelled).as("the cancelled refresh").isDone();
    assertThat(get(first).outlets()).hasSize(device.outlets().size());
    assertThat(get(third).outlets()).hasSize(device.outlets().size());

    CompletableFuture<DeviceStatus> alone = device.refresh().toCompletableFuture();
    alone.cancel(true);
    assertThat(get(device.refresh()).outlets())
        .as("the refresh after a cancelled one")
        .isNotEmpty();
    assertThat(device.connectionState()).isEqualTo(ConnectionState.CONNECTED);
  }

  @Test
  void aSilentDeviceTimesOutOnceAndTheDeviceRecovers() throws Exception {
    makeDeviceSilent();
    List<Throwable> failures = new ArrayList<>();
    try {
      if (switches()) {
        int n = firstSwitchable();
        boolean was = simulatorOutletState(n);
        failures.add(failure(was ? device.outlet(n).switchOff() : device.outlet(n).switchOn()));
      }
      if (refreshAsksTheDevice()) {
        failures.add(failure(device.refresh()));
      }
    } finally {
      restoreDevice();
    }
    Assumptions.assumeFalse(failures.isEmpty(), "the device has no command to time out");
    assertThat(failures.get(0))
        .as("the first command to the silent device")
        .isInstanceOf(DeviceTimeoutException.class);
    // a driver may end the connection a command timed out on (its late answer would be taken for
    // the next command's): then what follows fails as lost until the device is reopened
    assertThat(failures.subList(1, failures.size()))
        .allSatisfy(
            t ->
                assertThat(t)
                    .isInstanceOfAny(DeviceTimeoutException.class, LinkLostException.class));
    awaitAWorkingDevice();
  }

  @Test
  void aRejectedCommandFailsOnceWithTheRawReplyAndTheDeviceKeepsWorking() throws Exception {
    String raw = rejectNextCommand();
    Throwable t;
    try {
      t = failure(command());
    } finally {
      restoreDevice();
    }
    assertThat(t).isInstanceOf(DeviceRejectedException.class);
    assertThat(((DeviceRejectedException) t).received())
        .as("the raw reply in the exception")
        .hasValueSatisfying(r -> assertThat(r).contains(raw));
    assertThat(get(command())).as("the next command").isNotNull();
    assertThat(device.connectionState()).isEqualTo(ConnectionState.CONNECTED);
  }

  @Test
  void aLostLinkFailsTheCommandInFlightOnce() throws Exception {
    dropConnectionOnNextCommand();
    Throwable t;
    try {
      t = failure(command());
    } finally {
      restoreDevice();
    }
    assertThat(t).isInstanceOf(LinkLostException.class);
  }

  @Test
  void aFloodOfGarbageIsSkippedCountedAndTheDeviceStaysUsable() throws Exception {
    long before = counters.skipped();
    try {
      floodTheDevice();
    } finally {
      restoreDevice();
    }
    if (countsSkippedInput()) {
      await()
          .atMost(patience())
          .untilAsserted(
              () ->
                  assertThat(counters.skipped())
                      .as("malformed and over-long frames counted")
                      .isGreaterThan(before));
    }
    // the flood may still be arriving while the first command runs: it must pass in the end
    awaitAWorkingDevice();
    assertThat(device.connectionState()).isEqualTo(ConnectionState.CONNECTED);
  }

  @Test
  void closeFailsPendingCommandsAndLaterOnes() throws Exception {
    makeDeviceSilent();
    try {
      CompletionStage<?> pending = command();
      CompletionStage<?> queued = command();
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

  @Test
  void closeEndsEveryThreadTheDriverStarted() throws Exception {
    Set<String> harness = harnessThreadPrefixes();
    assertThat(get(command())).isNotNull();
    device.close();
    await()
        .atMost(patience())
        .untilAsserted(
            () -> assertThat(driverThreads(harness)).as("threads left after close()").isEmpty());
  }

  private List<String> driverThreads(Set<String> harness) {
    List<String> left = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!t.isAlive() || threadsBeforeOpen.contains(t)) {
        continue;
      }
      String name = t.getName();
      if (harness.stream().noneMatch(name::startsWith)
          && PLATFORM_THREADS.stream().noneMatch(name::startsWith)) {
        left.add(name);
      }
    }
    return left;
  }

  /** Counts what the driver skipped, as the runtime's metrics would. */
  private static final class CountingDriverCounters implements DriverCounters {
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong overlong = new AtomicLong();

    @Override
    public void malformedFrame() {
      malformed.incrementAndGet();
    }

    @Override
    public void overlongFrame() {
      overlong.incrementAndGet();
    }

    long skipped() {
      return malformed.get() + overlong.get();
    }
  }
}
