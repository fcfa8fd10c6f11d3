package io.pdu4j.spi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.ConnectionProblem;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.LoginDeniedException;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DeviceSession;
import io.pdu4j.spi.DeviceSink;
import io.pdu4j.spi.Devices;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.MemoryLink;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The device pdu4j builds around a session: how it tells the connection's state. The session here
 * answers every refresh with one outlet, or tells the sink why it has nothing usable yet.
 */
class ManagedDeviceTest {
  private static final String ADDRESS = "test:tcp://10.0.0.1:1";

  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "device"));
  private final List<DeviceEvent.Connection> events = new CopyOnWriteArrayList<>();
  private final MemoryLink link = new MemoryLink(executor, Link.Kind.STREAM);
  private final TestSession session = new TestSession();
  private PowerDevice device;

  @AfterEach
  void tearDown() {
    if (device != null) {
      device.close();
    }
    executor.shutdownNow();
  }

  private CompletableFuture<PowerDevice> open(Duration readyTimeout) {
    return open(readyTimeout, null);
  }

  private CompletableFuture<PowerDevice> open(
      Duration readyTimeout, io.pdu4j.spi.support.CommandQueue.Observer observer) {
    DeviceOptions options =
        new DeviceOptions(
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            readyTimeout,
            8,
            256,
            Optional.empty(),
            Duration.ofSeconds(10));
    DriverContext context =
        new DriverContext(DeviceAddress.parse(ADDRESS), link, options, Clock.systemUTC());
    return Devices.open(session, context, observer).toCompletableFuture();
  }

  private PowerDevice opened() throws Exception {
    device = open(Duration.ofSeconds(2)).get(5, TimeUnit.SECONDS);
    device.subscribe(
        e -> {
          if (e instanceof DeviceEvent.Connection c) {
            events.add(c);
          }
        });
    return device;
  }

  @Test
  void whileNothingUsableArrivesTheStateSaysWhyOncePerReason() throws Exception {
    PowerDevice d = opened();
    session.unusable = "no usable status yet: CH3 broken";
    executor.execute(() -> link.down(new LinkLostException("reset")));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> events.stream().anyMatch(e -> e.current() == ConnectionState.CONNECTING));
    executor.execute(() -> session.sink.connecting("no usable status yet: CH3 broken"));
    executor.execute(() -> session.sink.connecting("no usable status yet: CH4 broken"));
    await().until(() -> events.size() == 4);
    assertThat(events)
        .extracting(DeviceEvent.Connection::current)
        .containsExactly(
            ConnectionState.OFFLINE,
            ConnectionState.CONNECTING,
            ConnectionState.CONNECTING,
            ConnectionState.CONNECTING);
    assertThat(events.get(2).previous()).isEqualTo(ConnectionState.CONNECTING);
    assertThat(events.get(2).reason()).contains("no usable status yet: CH3 broken");
    assertThat(events.get(3).reason()).contains("no usable status yet: CH4 broken");
    assertThat(d.connectionState()).isEqualTo(ConnectionState.CONNECTING);
  }

  @Test
  void anObserverThatThrowsNeverThrowsAtTheCallerNorLeavesTheStageOpen() throws Exception {
    List<String> observed = new CopyOnWriteArrayList<>();
    device =
        open(
                Duration.ofSeconds(2),
                (name, elapsed, failure) -> {
                  observed.add(name);
                  throw new IllegalStateException("observer bug");
                })
            .get(5, TimeUnit.SECONDS);
    // refused at once, so completed on this thread: the observer's failure must not reach it
    CompletionStage<Void> restart = device.restart();
    assertThat(restart.toCompletableFuture())
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(UnsupportedCapabilityException.class);
    assertThat(observed).contains("restart");
  }

  @Test
  void aReadyTimeoutTellsWhyNothingWasUsable() {
    session.unusable = "no usable status yet: CH2 missing";
    CompletableFuture<PowerDevice> opening = open(Duration.ofMillis(300));
    assertThat(opening)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(DeviceTimeoutException.class)
        .withMessageContaining("not ready within")
        .withMessageContaining("no usable status yet: CH2 missing");
  }

  @Test
  void offlineForAnotherKindOfProblemIsToldOnce() throws Exception {
    PowerDevice d = opened();
    link.refuseOpen = new LoginDeniedException("login denied");
    executor.execute(() -> link.down(new LinkLostException("reset")));
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
    await().atMost(Duration.ofSeconds(5)).until(() -> link.opens >= 3); // refused again and again
    assertThat(events)
        .extracting(DeviceEvent.Connection::previous, DeviceEvent.Connection::current)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ConnectionState.CONNECTED, ConnectionState.OFFLINE),
            org.assertj.core.groups.Tuple.tuple(ConnectionState.OFFLINE, ConnectionState.OFFLINE));
    assertThat(events)
        .extracting(DeviceEvent.Connection::problem)
        .containsExactly(
            Optional.of(ConnectionProblem.COMMUNICATION_ERROR),
            Optional.of(ConnectionProblem.LOGIN_DENIED));
    assertThat(d.connectionState()).isEqualTo(ConnectionState.OFFLINE);
  }

  @Test
  void anOutletThatCannotBeSwitchedIsRefusedWithTheSessionsReasonAndNothingSent() throws Exception {
    session.secondOnlyMeters = true;
    PowerDevice d = opened();
    for (CompletionStage<OutletStatus> refused :
        List.of(d.outlet(2).switchOff(), d.outlet(2).cycle(Duration.ofSeconds(1)))) {
      assertThat(refused.toCompletableFuture())
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(io.pdu4j.api.UnsupportedCapabilityException.class)
          .withMessageContaining("outlet 2 \"Meter\" cannot be switched: it is a meter channel");
    }
    assertThat(session.switches).isZero();
  }

  @Test
  void anOpenThatFailsFailsWithTheLinksOwnExceptionUnwrapped() {
    PowerDeviceException refused = new io.pdu4j.api.DeviceUnreachableException("refused");
    link.refuseOpen = refused;
    CompletionStage<PowerDevice> opening = open(Duration.ofSeconds(2));
    CompletableFuture<Throwable> seen = new CompletableFuture<>();
    opening.whenComplete((d, t) -> seen.complete(t));
    assertThat(seen).succeedsWithin(Duration.ofSeconds(5)).isSameAs(refused);
  }

  @Test
  void outletsThatWentAreReportedInTheOrderOfTheirNumbers() throws Exception {
    session.outlets = 5;
    PowerDevice d = opened();
    List<DeviceEvent> all = new CopyOnWriteArrayList<>();
    d.subscribe(all::add);
    session.outlets = 2;
    d.refresh().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(all)
        .filteredOn(DeviceEvent.OutletRemoved.class::isInstance)
        .extracting(e -> ((DeviceEvent.OutletRemoved) e).outlet().number())
        .containsExactly(3, 4, 5);
    assertThat(d.outlets()).hasSize(2);
  }

  @Test
  void aScheduleGivenAsAnImmutableListIsTakenAndOneWithANullRefused() throws Exception {
    PowerDevice d = opened();
    io.pdu4j.api.ScheduleRule rule =
        new io.pdu4j.api.ScheduleRule.TimePlan(
            "Night",
            java.time.LocalTime.of(23, 30),
            io.pdu4j.api.Recurrence.daily(),
            1,
            io.pdu4j.api.ScheduleAction.OFF);
    assertThat(d.scheduler().orElseThrow().replaceAll(List.of(rule)).toCompletableFuture())
        .succeedsWithin(Duration.ofSeconds(5))
        .isEqualTo(List.of(rule));
    assertThat(
            d.scheduler()
                .orElseThrow()
                .replaceAll(java.util.Arrays.asList(rule, null))
                .toCompletableFuture())
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(io.pdu4j.api.InvalidArgumentException.class);
  }

  @Test
  void aDeviceThatAnsweredIsNotTimedOutWhileTheSessionReadsWhatElseItNeeds() throws Exception {
    session.answeredOnly = true;
    CompletableFuture<PowerDevice> opening = open(Duration.ofMillis(200));
    await().atMost(Duration.ofSeconds(5)).until(() -> session.sink != null && link.isOpen());
    await()
        .during(Duration.ofMillis(600))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !opening.isDone());
    session.answeredOnly = false;
    executor.execute(() -> session.refresh());
    device = opening.get(5, TimeUnit.SECONDS);
    assertThat(device.connectionState()).isEqualTo(ConnectionState.CONNECTED);
  }

  @Test
  void aCallerWaitsForADeviceThatAnswersSlowlyWithoutSpinning() throws Exception {
    PowerDevice d = opened();
    session.answerAfter = Duration.ofMillis(5);
    CompletableFuture<DeviceStatus> slow = d.refresh().toCompletableFuture();
    assertThat(slow).isInstanceOf(CommandResult.class);
    slow.get(5, TimeUnit.SECONDS);
    assertThat(((ManagedDevice) d).answerNanos())
        .isGreaterThanOrEqualTo(Duration.ofMillis(5).toNanos() / 8);
    // the average of the device's answers is now at least an eighth of 5 ms, over the limit
    assertThat(d.refresh().toCompletableFuture())
        .isInstanceOfSatisfying(CommandResult.class, r -> assertThat(r.spins()).isFalse());
    assertThat(d.outlet(1).switchOn().toCompletableFuture().thenApply(OutletStatus::state))
        .isInstanceOfSatisfying(CommandResult.class, r -> assertThat(r.spins()).isFalse());
  }

  /** Answers a refresh with one outlet on, unless told what is unusable. */
  private final class TestSession implements DeviceSession {
    private volatile DeviceSink sink;
    private volatile String unusable;
    private volatile boolean answeredOnly;
    private volatile boolean secondOnlyMeters;
    private volatile int switches;
    private volatile int outlets = 1;
    private volatile Duration answerAfter; // a refresh's stage completes that much later

    @Override
    public DeviceInfo describe() {
      return DeviceInfo.of("test", "pdu4j", "test device", ADDRESS);
    }

    @Override
    public Set<DeviceCapability> capabilities() {
      return Set.of(
          DeviceCapability.STATUS,
          DeviceCapability.SWITCH,
          DeviceCapability.CYCLE,
          DeviceCapability.SCHEDULER);
    }

    @Override
    public void start(DeviceSink sink) {
      this.sink = sink;
    }

    @Override
    public void linkUp() {}

    @Override
    public void linkDown(PowerDeviceException cause) {}

    @Override
    public CompletionStage<DeviceStatus> refresh() {
      if (answeredOnly) {
        sink.answered();
        return new CompletableFuture<>();
      }
      if (unusable != null) {
        sink.connecting(unusable);
        return new CompletableFuture<>();
      }
      List<OutletStatus> list = new java.util.ArrayList<>();
      for (int n = 1; n <= outlets; n++) {
        list.add(
            OutletStatus.of(n, "Outlet " + n, OutletState.ON, Set.of(OutletCapability.SWITCHABLE)));
      }
      if (secondOnlyMeters) {
        list.add(OutletStatus.of(2, "Meter", OutletState.ON, Set.of()));
      }
      DeviceStatus status = DeviceStatus.of(Clock.systemUTC().instant(), list);
      sink.status(status);
      if (answerAfter != null) {
        CompletableFuture<DeviceStatus> later = new CompletableFuture<>();
        executor.schedule(
            () -> later.complete(status), answerAfter.toNanos(), TimeUnit.NANOSECONDS);
        return later;
      }
      return CompletableFuture.completedFuture(status);
    }

    @Override
    public CompletionStage<OutletStatus> switchOutlet(int outlet, OutletState state) {
      switches++;
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<OutletStatus> cycle(int outlet, Duration offTime) {
      switches++;
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<List<io.pdu4j.api.ScheduleRule>> replaceSchedule(
        List<io.pdu4j.api.ScheduleRule> rules) {
      return CompletableFuture.completedFuture(rules);
    }

    @Override
    public String notSwitchableReason(int outlet) {
      return "it is a meter channel";
    }

    @Override
    public void shutdown() {}
  }
}
