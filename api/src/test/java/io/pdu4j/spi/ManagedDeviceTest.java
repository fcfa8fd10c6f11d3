package io.pdu4j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The framework's device around a session that only listens: ready at once, silences announced. */
class ManagedDeviceTest {
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "managed-device-test"));
  private PowerDevice device;

  @AfterEach
  void tearDown() {
    if (device != null) {
      device.close();
    }
    executor.shutdownNow();
  }

  /** Reports what it heard when the link comes up; a refresh never completes. */
  private static final class ListeningSession implements DeviceSession {
    final AtomicInteger refreshes = new AtomicInteger();
    final Clock clock = Clock.systemUTC();
    volatile DeviceSink sink;

    @Override
    public DeviceInfo describe() {
      return DeviceInfo.of("test", "pdu4j", "listener", "test:udp://h:1");
    }

    @Override
    public Set<DeviceCapability> capabilities() {
      return Set.of(DeviceCapability.STATUS, DeviceCapability.SWITCH);
    }

    @Override
    public void start(DeviceSink sink) {
      this.sink = sink;
    }

    @Override
    public void linkUp() {
      report(OutletState.ON);
    }

    void report(OutletState state) {
      sink.status(
          DeviceStatus.of(
              clock.instant(),
              List.of(OutletStatus.of(1, "Socket", state, Set.of(OutletCapability.SWITCHABLE)))));
    }

    @Override
    public void linkDown(PowerDeviceException cause) {}

    @Override
    public CompletionStage<DeviceStatus> refresh() {
      refreshes.incrementAndGet();
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<OutletStatus> switchOutlet(int outlet, OutletState state) {
      return new CompletableFuture<>();
    }

    @Override
    public void shutdown() {}
  }

  private PowerDevice open(ListeningSession session, String options) throws Exception {
    DeviceAddress address = DeviceAddress.parse("test:udp://127.0.0.1:1" + options);
    DriverContext context =
        new DriverContext(
            address,
            new MemoryLink(executor, Link.Kind.DATAGRAM),
            DeviceOptions.defaults().withOverrides(address),
            Clock.systemUTC());
    device = Devices.open(session, context).toCompletableFuture().get(5, TimeUnit.SECONDS);
    return device;
  }

  @Test
  void outletsThatComeGoAndComeBackAreToldAndKeepTheirOutletObjects() throws Exception {
    ListeningSession session = new ListeningSession();
    PowerDevice d = open(session, "");
    List<DeviceEvent> events = new CopyOnWriteArrayList<>();
    d.subscribe(events::add);
    Outlet one = d.outlet(1);

    report(session, 3, 1, 2); // out of order: the device's outlets are in number order
    await().until(() -> d.outlets().size() == 3);
    assertThat(d.outlets()).extracting(Outlet::number).containsExactly(1, 2, 3);
    assertThat(d.outlet(1)).isSameAs(one);
    Outlet two = d.outlet(2);
    Outlet three = d.outlet(3);

    report(session, 3);
    await().until(() -> d.outlets().size() == 1);
    report(session, 1, 2, 3, 4);
    await().until(() -> d.outlets().size() == 4);
    assertThat(d.outlets()).containsExactly(one, two, three, d.outlet(4));
    assertThat(events)
        .filteredOn(e -> e instanceof DeviceEvent.OutletAdded)
        .extracting(e -> ((DeviceEvent.OutletAdded) e).outlet().number())
        .containsExactly(3, 2, 1, 2, 4);
    assertThat(events)
        .filteredOn(e -> e instanceof DeviceEvent.OutletRemoved)
        .extracting(e -> ((DeviceEvent.OutletRemoved) e).outlet().number())
        .containsExactly(1, 2);
  }

  private void report(ListeningSession session, int... numbers) {
    List<OutletStatus> outlets = new java.util.ArrayList<>();
    for (int n : numbers) {
      outlets.add(OutletStatus.of(n, "Socket " + n, OutletState.ON, Set.of()));
    }
    DeviceStatus status = DeviceStatus.of(session.clock.instant(), outlets);
    executor.execute(() -> session.sink.status(status)); // the device's thread, as a session's
  }

  @Test
  void aStatusReportedAsTheLinkComesUpMakesTheDeviceReadyWithoutAsking() throws Exception {
    ListeningSession session = new ListeningSession();
    PowerDevice d = open(session, "?ready-timeout=2s");
    assertThat(d.outlet(1).state()).isEqualTo(OutletState.ON);
    assertThat(session.refreshes).as("refreshes asked for while opening").hasValue(0);
  }

  @Test
  void aStatusThatGoesStaleIsAnnouncedOnceAsUnknownAndTheNextOneAsAChange() throws Exception {
    ListeningSession session = new ListeningSession();
    PowerDevice d = open(session, "?stale=200ms");
    List<DeviceEvent.OutletChanged> changes = new CopyOnWriteArrayList<>();
    d.subscribe(
        e -> {
          if (e instanceof DeviceEvent.OutletChanged c) {
            changes.add(c);
          }
        });
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> changes.stream().anyMatch(c -> c.current().state() == OutletState.UNKNOWN));
    DeviceEvent.OutletChanged silence = changes.get(0);
    assertThat(silence.previous()).isEqualTo(OutletState.ON);
    assertThat(d.outlet(1).state()).isEqualTo(OutletState.UNKNOWN);

    executor.execute(() -> session.report(OutletState.ON));
    // at least: the new status goes stale in its turn 200 ms later, and a poll may come after that
    await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() >= 2);
    assertThat(changes.get(1).previous()).isEqualTo(OutletState.UNKNOWN);
    assertThat(changes.get(1).current().state()).isEqualTo(OutletState.ON);

    // and that status, in its turn, goes stale and is announced once more
    await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() >= 3);
    assertThat(changes.get(2).previous()).isEqualTo(OutletState.ON);
    assertThat(changes.get(2).current().state()).isEqualTo(OutletState.UNKNOWN);
  }

  @Test
  void aStaleLimitOfCenturiesNeverGoesStaleAndBreaksNothing() throws Exception {
    ListeningSession session = new ListeningSession();
    // more nanoseconds than a long holds: the limit is saturated, never an overflow
    PowerDevice d = open(session, "?stale=3000000h");
    assertThat(d.outlet(1).state()).isEqualTo(OutletState.ON);
    List<DeviceEvent> events = new CopyOnWriteArrayList<>();
    d.subscribe(events::add);
    executor.execute(() -> session.report(OutletState.OFF));
    executor.execute(() -> session.report(OutletState.ON));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> events.stream().filter(e -> e instanceof DeviceEvent.OutletChanged).count() >= 2);
    assertThat(events)
        .filteredOn(e -> e instanceof DeviceEvent.OutletChanged)
        .extracting(e -> ((DeviceEvent.OutletChanged) e).current().state())
        .containsExactly(OutletState.OFF, OutletState.ON);
  }

  @Test
  void statusesThatKeepComingNeverGoStale() throws Exception {
    ListeningSession session = new ListeningSession();
    PowerDevice d = open(session, "?stale=1s");
    List<DeviceEvent.OutletChanged> changes = new CopyOnWriteArrayList<>();
    d.subscribe(
        e -> {
          if (e instanceof DeviceEvent.OutletChanged c) {
            changes.add(c);
          }
        });
    // a status every 50 ms for 2.5 s: the stale watch fires and finds each one current (a gap of
    // 1 s between two would take a machine stalled for most of it)
    java.util.concurrent.ScheduledFuture<?> reports =
        executor.scheduleAtFixedRate(
            () -> session.report(OutletState.ON),
            0,
            50,
            java.util.concurrent.TimeUnit.MILLISECONDS);
    try {
      Thread.sleep(2500); // the span watched, not a wait for a result
      assertThat(changes).isEmpty();
    } finally {
      reports.cancel(false);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> changes.stream().anyMatch(c -> c.current().state() == OutletState.UNKNOWN));
  }
}
