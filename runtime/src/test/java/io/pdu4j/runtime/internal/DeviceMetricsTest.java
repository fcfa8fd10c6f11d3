package io.pdu4j.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.runtime.metrics.PduMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The arithmetic and lifecycle of one device's meters, fed events by hand. */
class DeviceMetricsTest {
  private static final Instant T0 = Instant.parse("2026-11-21T00:00:00Z");
  private final MutableClock clock = new MutableClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private DeviceMetrics metrics;

  static final class MutableClock extends Clock {
    Instant now = T0;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @BeforeEach
  void bind() {
    metrics = new DeviceMetrics("pdu", clock, Duration.ofSeconds(10));
    metrics.bindTo(registry);
    connection(ConnectionState.CONNECTED);
  }

  private void connection(ConnectionState state) {
    metrics.onEvent(
        new DeviceEvent.Connection(
            "pdu", clock.now, ConnectionState.CONNECTING, state, Optional.empty()));
  }

  private void report(double watts, OutletState state) {
    OutletStatus o =
        new OutletStatus(
            1,
            "1",
            "Outlet 1",
            state,
            OptionalDouble.of(230),
            OptionalDouble.of(watts),
            Set.of(OutletCapability.SWITCHABLE));
    DeviceStatus s = new DeviceStatus(clock.now, Optional.empty(), List.of(o), Optional.empty());
    metrics.onEvent(new DeviceEvent.StatusReported("pdu", clock.now, s));
  }

  private double energy() {
    return registry.get(PduMeter.OUTLET_ENERGY.meterName()).functionCounter().count();
  }

  private double gauge(PduMeter m) {
    return registry.get(m.meterName()).tag("outlet", "1").gauge().value();
  }

  @Test
  void energyIsTheTrapezoidOfSuccessivePowerReadings() {
    report(100, OutletState.ON);
    clock.now = T0.plusSeconds(9);
    report(200, OutletState.ON);
    // (100 + 200) / 2 W for 9 s = 1350 J (0.375 Wh)
    assertThat(energy()).isCloseTo(1350, within(1e-9));
    clock.now = T0.plusSeconds(18);
    report(200, OutletState.ON);
    assertThat(energy()).isCloseTo(1350 + 1800, within(1e-9));
  }

  @Test
  void gapsLongerThanStaleAndDisconnectionsAddNothing() {
    report(100, OutletState.ON);
    clock.now = T0.plusSeconds(11);
    report(100, OutletState.ON);
    assertThat(energy()).isZero();

    connection(ConnectionState.OFFLINE);
    clock.now = T0.plusSeconds(12);
    connection(ConnectionState.CONNECTED);
    report(100, OutletState.ON);
    assertThat(energy()).isZero();
    clock.now = T0.plusSeconds(18);
    report(100, OutletState.ON);
    assertThat(energy()).isCloseTo(100 * 6, within(1e-9));
  }

  @Test
  void aRemovedOutletTakesItsSeriesWithItAndAReturningOneGetsThemBack() {
    report(50, OutletState.ON);
    OutletStatus one =
        new OutletStatus(
            1,
            "1",
            "Outlet 1",
            OutletState.UNKNOWN,
            OptionalDouble.empty(),
            OptionalDouble.empty(),
            Set.of(OutletCapability.SWITCHABLE));
    int before = registry.getMeters().size();
    metrics.onEvent(new DeviceEvent.OutletRemoved("pdu", clock.now, one));
    assertThat(registry.find(PduMeter.OUTLET_POWER.meterName()).tag("outlet", "1").gauge())
        .isNull();
    assertThat(registry.find(PduMeter.OUTLET_ENERGY.meterName()).functionCounter()).isNull();
    assertThat(registry.getMeters()).hasSize(before - 4);
    assertThat(registry.get(PduMeter.DEVICE_CONNECTED.meterName()).gauge().value()).isOne();

    report(70, OutletState.ON);
    assertThat(gauge(PduMeter.OUTLET_POWER)).isEqualTo(70);
    assertThat(registry.getMeters()).hasSize(before);
    metrics.close();
    assertThat(registry.getMeters()).isEmpty();
  }

  /**
   * A removed outlet's figures go with it: an outlet added after it starts with nothing of them,
   * and the others keep theirs.
   */
  @Test
  void anOutletThatTakesTheRoomOfARemovedOneStartsFromNothing() {
    List<OutletStatus> two = List.of(metered(1, 100), metered(2, 40));
    statusOf(two);
    clock.now = T0.plusSeconds(10);
    statusOf(List.of(metered(1, 100), metered(2, 40)));
    metrics.onEvent(new DeviceEvent.OutletRemoved("pdu", clock.now, two.get(0)));
    metrics.onEvent(new DeviceEvent.OutletAdded("pdu", clock.now, metered(3, 5)));

    assertThat(metrics.outlets())
        .extracting(DeviceMetrics.OutletView::number)
        .containsExactly(2, 3);
    DeviceMetrics.OutletView second = metrics.outlets().get(0);
    DeviceMetrics.OutletView third = metrics.outlets().get(1);
    assertThat(second.energy()).isCloseTo(400, within(1e-9));
    assertThat(second.power()).isEqualTo(40);
    assertThat(third.energy()).isZero();
    assertThat(third.power()).isNaN(); // added: a state, no reading yet
    assertThat(third.state()).isNaN();
    assertThat(registry.find(PduMeter.OUTLET_POWER.meterName()).tag("outlet", "3").gauge())
        .isNotNull();

    clock.now = T0.plusSeconds(20);
    statusOf(List.of(metered(2, 40), metered(3, 5)));
    assertThat(third.power()).isEqualTo(5);
    assertThat(third.energy()).isZero(); // its first power sample
    assertThat(second.energy()).isCloseTo(800, within(1e-9));
  }

  private static OutletStatus metered(int number, double watts) {
    return new OutletStatus(
        number,
        Integer.toString(number),
        "Outlet " + number,
        OutletState.ON,
        OptionalDouble.of(230),
        OptionalDouble.of(watts),
        Set.of(OutletCapability.SWITCHABLE));
  }

  private void statusOf(List<OutletStatus> outlets) {
    DeviceStatus s = new DeviceStatus(clock.now, Optional.empty(), outlets, Optional.empty());
    metrics.onEvent(new DeviceEvent.StatusReported("pdu", clock.now, s));
  }

  @Test
  void outletsNumberedBeyondTheUsualOnesComeAndGoToo() {
    OutletStatus far =
        new OutletStatus(
            500,
            "500",
            "Far",
            OutletState.ON,
            OptionalDouble.empty(),
            OptionalDouble.of(12),
            Set.of(OutletCapability.METERED));
    metrics.onEvent(new DeviceEvent.OutletAdded("pdu", clock.now, far));
    assertThat(registry.find(PduMeter.OUTLET_POWER.meterName()).tag("outlet", "500").gauge())
        .isNotNull();
    assertThat(metrics.outlets()).extracting(DeviceMetrics.OutletView::number).containsExactly(500);

    metrics.onEvent(new DeviceEvent.OutletRemoved("pdu", clock.now, far));
    assertThat(registry.find(PduMeter.OUTLET_POWER.meterName()).tag("outlet", "500").gauge())
        .isNull();
    assertThat(metrics.outlets()).isEmpty();
  }

  @Test
  void gaugesReadNaNWhenThereIsNoCurrentValue() {
    assertThat(registry.find(PduMeter.OUTLET_POWER.meterName()).gauge()).isNull();
    report(50, OutletState.ON);
    assertThat(gauge(PduMeter.OUTLET_POWER)).isEqualTo(50);
    assertThat(gauge(PduMeter.OUTLET_STATE)).isEqualTo(1);

    report(50, OutletState.UNKNOWN);
    assertThat(gauge(PduMeter.OUTLET_STATE)).isNaN();
    assertThat(gauge(PduMeter.OUTLET_POWER)).isEqualTo(50);

    report(0, OutletState.OFF);
    assertThat(gauge(PduMeter.OUTLET_STATE)).isZero();
    clock.now = T0.plusSeconds(11);
    assertThat(gauge(PduMeter.OUTLET_POWER)).as("stale").isNaN();
    assertThat(gauge(PduMeter.OUTLET_VOLTAGE)).as("stale").isNaN();
    assertThat(gauge(PduMeter.OUTLET_STATE)).as("stale").isNaN();

    report(10, OutletState.ON);
    connection(ConnectionState.OFFLINE);
    assertThat(gauge(PduMeter.OUTLET_POWER)).as("offline").isNaN();
    assertThat(registry.get(PduMeter.DEVICE_CONNECTED.meterName()).gauge().value()).isZero();
  }

  @Test
  void commandOutcomesAreBoundedTagsAndCloseRemovesEverything() {
    metrics.recordCommand("switch_on", java.time.Duration.ZERO, null);
    metrics.recordCommand(
        "switch_on", java.time.Duration.ZERO, new UnsupportedCapabilityException("x"));
    metrics.recordCommand("switch_on", java.time.Duration.ZERO, new IllegalStateException("x"));
    assertThat(registry.find(PduMeter.COMMANDS.meterName()).timers())
        .extracting(t -> t.getId().getTag(PduMeter.TAG_OUTCOME))
        .containsExactlyInAnyOrder("ok", "rejected", "other");
    report(1, OutletState.ON);

    metrics.close();
    assertThat(registry.getMeters()).isEmpty();
    report(1, OutletState.ON);
    metrics.recordCommand("switch_on", java.time.Duration.ZERO, null);
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void noMoreThanMaxOutletsGetMetersWhateverTheDriverReports() {
    int reported = DeviceMetrics.MAX_OUTLETS + 1000;
    for (int n = 1; n <= reported; n++) {
      OutletStatus o =
          new OutletStatus(
              n,
              "s" + n,
              "s" + n,
              OutletState.ON,
              OptionalDouble.empty(),
              OptionalDouble.of(1),
              Set.of(OutletCapability.METERED));
      metrics.onEvent(new DeviceEvent.OutletAdded("pdu", clock.now, o));
    }
    long series =
        registry.getMeters().stream()
            .filter(m -> m.getId().getName().startsWith("pdu.outlet."))
            .count();
    assertThat(series).isEqualTo(4L * DeviceMetrics.MAX_OUTLETS);
    assertThat(
            registry
                .find(PduMeter.OUTLET_STATE.meterName())
                .tag(PduMeter.TAG_OUTLET, Integer.toString(DeviceMetrics.MAX_OUTLETS))
                .gauge())
        .isNotNull();
    assertThat(
            registry
                .find(PduMeter.OUTLET_STATE.meterName())
                .tag(PduMeter.TAG_OUTLET, Integer.toString(DeviceMetrics.MAX_OUTLETS + 1))
                .gauge())
        .isNull();
  }

  @Test
  void anOutletReportedAsTheSameInstanceStaysCurrentAndIntegratesItsPower() {
    OutletStatus same =
        new OutletStatus(
            1,
            "1",
            "Outlet 1",
            OutletState.ON,
            OptionalDouble.of(230),
            OptionalDouble.of(100),
            Set.of(OutletCapability.SWITCHABLE));
    for (int i = 0; i <= 4; i++) {
      clock.now = T0.plusSeconds(5L * i);
      DeviceStatus s =
          new DeviceStatus(clock.now, Optional.empty(), List.of(same), Optional.empty());
      metrics.onEvent(new DeviceEvent.StatusReported("pdu", clock.now, s));
    }
    // 100 W for 20 s, and the reading current 9 s after the last status (stale after 10 s)
    assertThat(energy()).isCloseTo(2000, within(1e-9));
    clock.now = T0.plusSeconds(29);
    assertThat(gauge(PduMeter.OUTLET_POWER)).isEqualTo(100);
    clock.now = T0.plusSeconds(31);
    assertThat(gauge(PduMeter.OUTLET_POWER)).isNaN();
    connection(ConnectionState.OFFLINE);
    assertThat(energy()).isCloseTo(2000, within(1e-9));
  }

  /**
   * A driver may hand the same {@link OutletStatus} for an outlet that did not change, or a new
   * one: the meters read the same either way, through statuses in order and out of it, gaps longer
   * than the stale time, outlets that come and go, and disconnections.
   */
  @Test
  void sameInstancesAndNewOnesGiveTheSameFigures() {
    java.util.Random random = new java.util.Random(7);
    for (int run = 0; run < 50; run++) {
      clock.now = T0;
      DeviceMetrics reused = new DeviceMetrics("a", clock, Duration.ofSeconds(10));
      DeviceMetrics fresh = new DeviceMetrics("b", clock, Duration.ofSeconds(10));
      for (DeviceMetrics m : List.of(reused, fresh)) {
        m.onEvent(
            new DeviceEvent.Connection(
                "pdu",
                clock.now,
                ConnectionState.CONNECTING,
                ConnectionState.CONNECTED,
                Optional.empty()));
      }
      List<OutletStatus> last = List.of();
      for (int step = 0; step < 200; step++) {
        clock.now =
            clock.now.plusMillis(500 + random.nextInt(random.nextInt(20) == 0 ? 20_000 : 4_000));
        int r = random.nextInt(100);
        if (r < 3) {
          ConnectionState state =
              random.nextBoolean() ? ConnectionState.OFFLINE : ConnectionState.CONNECTED;
          for (DeviceMetrics m : List.of(reused, fresh)) {
            m.onEvent(
                new DeviceEvent.Connection(
                    "pdu", clock.now, ConnectionState.CONNECTED, state, Optional.empty()));
          }
          continue;
        }
        int count = last.isEmpty() || random.nextInt(30) == 0 ? 1 + random.nextInt(4) : last.size();
        List<OutletStatus> now = new java.util.ArrayList<>();
        List<OutletStatus> copies = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
          OutletStatus o;
          if (i < last.size() && last.get(i).number() == i + 1 && random.nextInt(4) != 0) {
            o = last.get(i); // unchanged: the same instance
          } else {
            boolean on = random.nextBoolean();
            o =
                new OutletStatus(
                    i + 1,
                    "o" + (i + 1),
                    "Outlet " + (i + 1),
                    on ? OutletState.ON : OutletState.OFF,
                    OptionalDouble.of(230),
                    random.nextInt(10) == 0
                        ? OptionalDouble.empty()
                        : OptionalDouble.of(on ? random.nextInt(500) : 0),
                    Set.of(OutletCapability.SWITCHABLE));
          }
          now.add(o);
          copies.add(
              new OutletStatus(
                  o.number(),
                  o.id(),
                  o.name(),
                  o.state(),
                  o.voltage(),
                  o.power(),
                  o.capabilities()));
        }
        Instant at =
            random.nextInt(25) == 0 ? clock.now.minusSeconds(random.nextInt(8)) : clock.now;
        reused.onEvent(status(at, now));
        fresh.onEvent(status(at, copies));
        last = List.copyOf(now);
        clock.now = clock.now.plusMillis(random.nextInt(3_000));
        List<DeviceMetrics.OutletView> a = reused.outlets();
        List<DeviceMetrics.OutletView> b = fresh.outlets();
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
          String where = "run " + run + ", step " + step + ", outlet " + a.get(i).number();
          assertThat(Double.valueOf(a.get(i).power()))
              .as(where)
              .isEqualTo(Double.valueOf(b.get(i).power()));
          assertThat(Double.valueOf(a.get(i).voltage()))
              .as(where)
              .isEqualTo(Double.valueOf(b.get(i).voltage()));
          assertThat(Double.valueOf(a.get(i).state()))
              .as(where)
              .isEqualTo(Double.valueOf(b.get(i).state()));
          assertThat(a.get(i).energy()).as(where).isCloseTo(b.get(i).energy(), within(1e-6));
        }
      }
    }
  }

  private static DeviceEvent status(Instant at, List<OutletStatus> outlets) {
    return new DeviceEvent.StatusReported(
        "pdu", at, new DeviceStatus(at, Optional.empty(), List.copyOf(outlets), Optional.empty()));
  }

  /**
   * The figures of a long random run (statuses of changing layouts, readings that come, go and
   * change, outlets handed again as the same instance or as a new one, gaps longer than the stale
   * time, statuses out of order, state changes, outlets added and removed, disconnections) are
   * those of a plain model that updates every outlet of every status.
   */
  @Test
  void theFiguresAreThoseOfUpdatingEveryOutletOfEveryStatus() {
    againstReference(new java.util.Random(20_261_121), 20_000, false);
  }

  /**
   * An outlet a status reports twice (no driver does) reads as if updated at each place in turn,
   * whether the driver hands the same instances again or new ones.
   */
  @Test
  void anOutletReportedTwiceInOneStatusReadsAsUpdatedAtEachPlace() {
    againstReference(new java.util.Random(4_096), 5_000, true);
  }

  /**
   * Drives the meters and {@link Reference} with {@code steps} random events and compares their
   * figures after each; {@code twice}: some statuses report an outlet twice.
   */
  private void againstReference(java.util.Random random, int steps, boolean twice) {
    Reference expected = new Reference(clock, Duration.ofSeconds(10));
    metrics = new DeviceMetrics("oracle", clock, Duration.ofSeconds(10));
    ConnectionState connected = ConnectionState.CONNECTED;
    metrics.onEvent(
        new DeviceEvent.Connection(
            "pdu", clock.now, ConnectionState.CONNECTING, connected, Optional.empty()));
    expected.connection(connected);
    // the driver's view, by number: what a later status hands again as the same instance, an
    // event's outlet included (a device's OutletChanged carries its status's own instance)
    Map<Integer, OutletStatus> current = new HashMap<>();
    List<Integer> layout = List.of(1, 2, 3, 4);
    for (int step = 0; step < steps; step++) {
      clock.now =
          clock.now.plusMillis(
              random.nextInt(50) == 0
                  ? 10_000 + random.nextInt(10_000)
                  : 500 + random.nextInt(2_501));
      int r = random.nextInt(100);
      DeviceEvent event;
      if (r < 80) {
        if (random.nextInt(twice ? 10 : 40) == 0) {
          layout = layout(random, twice);
        }
        List<OutletStatus> outlets = new ArrayList<>();
        for (int n : layout) {
          OutletStatus o = current.get(n);
          if (o == null || random.nextInt(3) == 0) {
            o = randomOutlet(random, n, o);
            current.put(n, o);
          }
          outlets.add(o); // the same instance as before, or a new one
        }
        Instant at = clock.now;
        if (random.nextInt(25) == 0) {
          at = at.minusMillis(random.nextInt(8_000)); // out of order, or merely late
        }
        event = status(at, outlets);
        expected.status(outlets, at);
      } else if (r < 88) {
        int n = layout.get(random.nextInt(layout.size()));
        OutletStatus before = current.getOrDefault(n, randomOutlet(random, n, null));
        OutletStatus now = before.withState(OutletState.values()[random.nextInt(3)]);
        current.put(n, now);
        event = new DeviceEvent.OutletChanged("pdu", clock.now, before.state(), now);
        expected.changed(now);
      } else if (r < 92) {
        ConnectionState state =
            random.nextBoolean()
                ? ConnectionState.CONNECTED
                : ConnectionState.values()[random.nextInt(ConnectionState.values().length)];
        event =
            new DeviceEvent.Connection(
                "pdu", clock.now, ConnectionState.CONNECTED, state, Optional.empty());
        expected.connection(state);
      } else if (r < 96) {
        int n = 1 + random.nextInt(6);
        OutletStatus o = randomOutlet(random, n, current.get(n));
        current.put(n, o);
        event = new DeviceEvent.OutletAdded("pdu", clock.now, o);
        expected.changed(o);
      } else {
        int n = 1 + random.nextInt(6);
        event =
            new DeviceEvent.OutletRemoved(
                "pdu", clock.now, current.getOrDefault(n, randomOutlet(random, n, null)));
        expected.removed(n);
      }
      metrics.onEvent(event);
      if (random.nextInt(10) == 0) {
        clock.now = clock.now.plusMillis(random.nextInt(12_000)); // read at another age
      }
      List<DeviceMetrics.OutletView> actual = metrics.outlets();
      assertThat(actual)
          .extracting(DeviceMetrics.OutletView::number)
          .as("step %d: %s", step, event)
          .containsExactlyElementsOf(expected.outlets.keySet());
      for (DeviceMetrics.OutletView view : actual) {
        Reference.Outlet want = expected.outlets.get(view.number());
        assertThat(Double.valueOf(view.power()))
            .as("step %d, outlet %d, after %s", step, view.number(), event)
            .isEqualTo(Double.valueOf(expected.current(want, want.power)));
        assertThat(Double.valueOf(view.voltage()))
            .as("step %d, outlet %d, after %s", step, view.number(), event)
            .isEqualTo(Double.valueOf(expected.current(want, want.voltage)));
        assertThat(Double.valueOf(view.state()))
            .as("step %d, outlet %d, after %s", step, view.number(), event)
            .isEqualTo(Double.valueOf(expected.state(want)));
        assertThat(view.energy())
            .as("step %d, outlet %d, after %s", step, view.number(), event)
            .isCloseTo(want.energy, within(1e-9 * Math.max(1, Math.abs(want.energy))));
      }
    }
  }

  /** One to four outlets numbered 1 to 6, in any order; {@code twice}: maybe one twice. */
  private static List<Integer> layout(java.util.Random random, boolean twice) {
    List<Integer> numbers = new ArrayList<>(List.of(1, 2, 3, 4, 5, 6));
    java.util.Collections.shuffle(numbers, random);
    if (random.nextBoolean()) {
      numbers.sort(null);
    }
    List<Integer> layout = new ArrayList<>(numbers.subList(0, 1 + random.nextInt(4)));
    if (twice && random.nextInt(3) != 0) {
      layout.add(random.nextInt(layout.size() + 1), layout.get(random.nextInt(layout.size())));
    }
    return layout;
  }

  /** A new instance for outlet {@code n}: its readings present or not, changed or not. */
  private static OutletStatus randomOutlet(java.util.Random random, int n, OutletStatus before) {
    OptionalDouble power;
    int p = random.nextInt(10);
    if (p == 0) {
      power = OptionalDouble.empty();
    } else if (p < 4 && before != null) {
      power = before.power(); // unchanged, or as absent as before
    } else if (p == 4) {
      power = OptionalDouble.of(0);
    } else {
      power = OptionalDouble.of(random.nextInt(500_000) / 1000.0);
    }
    OptionalDouble voltage =
        random.nextInt(4) == 0
            ? OptionalDouble.empty()
            : OptionalDouble.of(220 + random.nextInt(20_000) / 1000.0);
    OutletState state =
        before != null && random.nextBoolean()
            ? before.state()
            : OutletState.values()[random.nextInt(3)];
    return new OutletStatus(
        n,
        Integer.toString(n),
        "Outlet " + n,
        state,
        voltage,
        power,
        Set.of(OutletCapability.SWITCHABLE));
  }

  /**
   * What the meters of a device read, as plainly as can be: every outlet of every status updated,
   * power integrated by the trapezoid between successive samples within the stale time.
   */
  private static final class Reference {
    private final Clock clock;
    private final long staleNanos;
    private ConnectionState connection = ConnectionState.CONNECTING;
    final Map<Integer, Outlet> outlets = new TreeMap<>();

    static final class Outlet {
      OutletState state = OutletState.UNKNOWN;
      double power = Double.NaN;
      double voltage = Double.NaN;
      Instant at; // the time of the readings
      Instant lastPowerAt; // the last power sample, integrated from; null: none to integrate from
      double lastPower;
      double energy;
    }

    Reference(Clock clock, Duration staleAfter) {
      this.clock = clock;
      this.staleNanos = staleAfter.toNanos();
    }

    void status(List<OutletStatus> list, Instant at) {
      for (OutletStatus o : list) {
        Outlet m = outlets.computeIfAbsent(o.number(), k -> new Outlet());
        m.state = o.state();
        m.at = at;
        m.power = o.power().orElse(Double.NaN);
        m.voltage = o.voltage().orElse(Double.NaN);
        if (o.power().isEmpty()) {
          m.lastPowerAt = null;
          continue;
        }
        double p = o.power().getAsDouble();
        if (m.lastPowerAt != null) {
          long dt = Duration.between(m.lastPowerAt, at).toNanos();
          if (dt >= 0 && dt <= staleNanos) {
            m.energy += (m.lastPower + p) / 2 * (dt / 1e9);
          }
        }
        if (m.lastPowerAt == null || !at.isBefore(m.lastPowerAt)) {
          m.lastPowerAt = at;
          m.lastPower = p;
        }
      }
    }

    /** A state change (or an outlet added): the state only, the readings keep their time. */
    void changed(OutletStatus o) {
      outlets.computeIfAbsent(o.number(), k -> new Outlet()).state = o.state();
    }

    void removed(int number) {
      outlets.remove(number);
    }

    void connection(ConnectionState state) {
      connection = state;
      if (state != ConnectionState.CONNECTED) {
        outlets.values().forEach(m -> m.lastPowerAt = null);
      }
    }

    double current(Outlet m, double value) {
      if (m.at == null
          || connection != ConnectionState.CONNECTED
          || Duration.between(m.at, clock.instant()).toNanos() > staleNanos) {
        return Double.NaN;
      }
      return value;
    }

    double state(Outlet m) {
      return switch (m.state) {
        case ON -> current(m, 1);
        case OFF -> current(m, 0);
        case UNKNOWN -> Double.NaN;
      };
    }
  }
}
