package io.pdu4j.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerReading;
import io.pdu4j.runtime.history.PowerHistory;
import io.pdu4j.runtime.history.PowerSeries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PowerRecorderTest {
  /** A clock the test moves. */
  private static final class FakeClock extends Clock {
    Instant now;

    FakeClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  // a step boundary: 1 000 000 000 000 ms is a multiple of 5 000
  private static final Instant T0 = Instant.ofEpochMilli(1_000_000_000_000L);
  private final FakeClock clock = new FakeClock(T0);
  private final PowerRecorder recorder = new PowerRecorder("rack", clock, Duration.ofSeconds(5));

  private static OutletStatus outlet(int n, Double watts, Double volts) {
    return new OutletStatus(
        n,
        "id" + n,
        "Outlet " + n,
        OutletState.ON,
        volts == null ? OptionalDouble.empty() : OptionalDouble.of(volts),
        watts == null ? OptionalDouble.empty() : OptionalDouble.of(watts),
        Set.of(OutletCapability.SWITCHABLE, OutletCapability.METERED));
  }

  private void report(Instant at, OutletStatus... outlets) {
    recorder.onEvent(
        new DeviceEvent.StatusReported("rack", at, DeviceStatus.of(at, List.of(outlets))));
  }

  private static List<Double> values(PowerSeries s) {
    List<Double> list = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      list.add(s.at(i).isPresent() ? s.at(i).getAsDouble() : null);
    }
    return list;
  }

  private static Double last(PowerSeries s, int back) {
    OptionalDouble v = s.at(s.size() - 1 - back);
    return v.isPresent() ? v.getAsDouble() : null;
  }

  @Test
  void atTheDefaultStepAPointIsTheMeanOfItsMinute() {
    Instant m0 = Instant.ofEpochSecond(60L * 30_000_000); // a minute boundary
    PowerRecorder minutes = new PowerRecorder("rack", new FakeClock(m0), PowerHistory.DEFAULT_STEP);
    for (int s = 0; s < 60; s += 10) {
      minutes.record(
          DeviceStatus.of(m0.minusSeconds(60 - s), List.of(outlet(1, 100.0 + s, 230.0))));
    }
    minutes.record(DeviceStatus.of(m0, List.of(outlet(1, 7.0, 232.0))));
    PowerHistory h = minutes.snapshot();
    assertThat(h.step()).isEqualTo(Duration.ofMinutes(1));
    assertThat(h.times()).hasSize(60);
    assertThat(h.window()).isEqualTo(Duration.ofHours(1));
    // the clock is on a minute boundary: the last point is the minute that begins there
    assertThat(h.times().get(59)).isEqualTo(m0);
    PowerSeries w = h.outlet(1).orElseThrow().watts();
    assertThat(w.at(58)).hasValue(125.0); // 100, 110, ... 150
    assertThat(w.at(59)).hasValue(7.0);
    assertThat(w.count()).isEqualTo(2);
    assertThat(h.volts().at(59)).hasValue(232.0);
  }

  @Test
  void aStepThatDoesNotDivideAnHourIsRefused() {
    for (Duration bad :
        List.of(
            Duration.ofSeconds(7),
            Duration.ofSeconds(1),
            Duration.ofMillis(5500),
            Duration.ofMinutes(10))) {
      assertThatThrownBy(() -> new PowerRecorder("rack", clock, bad))
          .as(bad.toString())
          .isInstanceOf(io.pdu4j.api.InvalidArgumentException.class)
          .hasMessageContaining("a power history step must be whole seconds from 5s to 5m");
    }
  }

  @Test
  void anEmptyHistoryIsAnHourOfGapsEndingAtTheClock() {
    PowerHistory h = recorder.snapshot();
    assertThat(h.device()).isEqualTo("rack");
    assertThat(h.step()).isEqualTo(Duration.ofSeconds(5));
    assertThat(h.times()).hasSize(720);
    assertThat(h.window()).isEqualTo(Duration.ofHours(1));
    assertThat(h.times().get(719)).isEqualTo(T0);
    assertThat(h.times().get(0)).isEqualTo(T0.minus(Duration.ofSeconds(5 * 719)));
    assertThat(h.watts().count()).isZero();
    assertThat(h.volts().count()).isZero();
    assertThat(h.outlets()).isEmpty();
  }

  @Test
  void readingsLandInTheStepTheyWereReceivedInAsTheirMean() {
    report(T0, outlet(1, 10.0, 230.0), outlet(2, 20.0, 232.0));
    report(T0.plusSeconds(1), outlet(1, 12.0, 230.0), outlet(2, 22.0, 232.0));
    report(T0.plusSeconds(5), outlet(1, 100.0, null), outlet(2, null, null));
    clock.advance(Duration.ofSeconds(7));

    PowerHistory h = recorder.snapshot();
    // the last point is the step of T0+5s, the one before that of T0
    assertThat(h.times().get(719)).isEqualTo(T0.plusSeconds(5));
    assertThat(last(h.watts(), 1)).isCloseTo(32.0, within(1e-3)); // (30 + 34) / 2
    assertThat(last(h.watts(), 0)).isCloseTo(100.0, within(1e-3));
    assertThat(last(h.volts(), 1)).isCloseTo(231.0, within(1e-3));
    assertThat(last(h.volts(), 0)).isNull(); // no voltage in that step: a gap, not 0
    PowerHistory.OutletHistory o2 = h.outlet(2).orElseThrow();
    assertThat(o2.id()).isEqualTo("id2");
    assertThat(o2.name()).isEqualTo("Outlet 2");
    assertThat(last(o2.watts(), 1)).isCloseTo(21.0, within(1e-3));
    assertThat(last(o2.watts(), 0)).isNull();
    assertThat(last(o2.volts().orElseThrow(), 1)).isCloseTo(232.0, within(1e-3));
    assertThat(h.watts().count()).isEqualTo(2);
  }

  @Test
  void theDevicesInputReadingIsItsTotalWhenItReportsOne() {
    recorder.record(
        new DeviceStatus(
            T0,
            Optional.of(new PowerReading(OptionalDouble.of(240.0), OptionalDouble.of(500.0))),
            List.of(outlet(1, 10.0, null)),
            Optional.empty()));
    PowerHistory h = recorder.snapshot();
    assertThat(last(h.watts(), 0)).isCloseTo(500.0, within(1e-3));
    assertThat(last(h.volts(), 0)).isCloseTo(240.0, within(1e-3));
    assertThat(last(h.outlet(1).orElseThrow().watts(), 0)).isCloseTo(10.0, within(1e-3));
    assertThat(h.outlet(1).orElseThrow().volts()).isEmpty();
  }

  @Test
  void gapsStayGapsBetweenReadings() {
    report(T0, outlet(1, 10.0, null));
    clock.advance(Duration.ofSeconds(60)); // 12 steps later, nothing heard meanwhile
    report(clock.instant(), outlet(1, 30.0, null));

    List<Double> w = values(recorder.snapshot().watts());
    assertThat(w.get(719)).isCloseTo(30.0, within(1e-3));
    assertThat(w.subList(708, 719)).containsOnlyNulls().hasSize(11);
    assertThat(w.get(707)).isCloseTo(10.0, within(1e-3));
    assertThat(w.subList(0, 707)).containsOnlyNulls();
  }

  @Test
  void readingsOlderThanAnHourFallOutAndTheirSlotsAreReused() {
    report(T0, outlet(1, 10.0, null));
    clock.advance(Duration.ofMinutes(59).plusSeconds(55)); // T0's step is now the oldest point
    assertThat(values(recorder.snapshot().watts()).get(0)).isCloseTo(10.0, within(1e-3));

    clock.advance(Duration.ofSeconds(5)); // and now it is out of the window
    assertThat(recorder.snapshot().watts().count()).isZero();

    // a reading an hour later takes T0's slot: the old value is not mixed into its mean
    report(clock.instant(), outlet(1, 40.0, null));
    PowerHistory h = recorder.snapshot();
    assertThat(last(h.watts(), 0)).isCloseTo(40.0, within(1e-3));
    assertThat(h.watts().count()).isEqualTo(1);

    // a late report for the step that slot held before is dropped, not mixed in either
    report(T0, outlet(1, 1000.0, null));
    assertThat(last(recorder.snapshot().watts(), 0)).isCloseTo(40.0, within(1e-3));
  }

  @Test
  void outletsBeyondTheLimitCountInTheTotalOnly() {
    List<OutletStatus> many = new ArrayList<>();
    for (int n = 1; n <= PowerHistory.MAX_OUTLETS + 6; n++) {
      many.add(outlet(n, 1.0, null));
    }
    report(T0, many.toArray(OutletStatus[]::new));
    PowerHistory h = recorder.snapshot();
    assertThat(h.outlets()).hasSize(PowerHistory.MAX_OUTLETS);
    assertThat(last(h.watts(), 0)).isCloseTo(PowerHistory.MAX_OUTLETS + 6.0, within(1e-3));
  }

  @Test
  void otherEventsAndOutletsWithoutReadingsRecordNothing() {
    recorder.onEvent(new DeviceEvent.OutletAdded("rack", T0, outlet(1, 50.0, 230.0)));
    report(T0, outlet(2, null, null));
    PowerHistory h = recorder.snapshot();
    assertThat(h.watts().count()).isZero();
    assertThat(h.volts().count()).isZero();
    assertThat(h.outlets()).isEmpty();
  }

  @Test
  void aSnapshotIsImmutable() {
    report(T0, outlet(1, 10.0, null));
    PowerHistory h = recorder.snapshot();
    h.watts().toArray()[719] = 99;
    assertThat(last(h.watts(), 0)).isCloseTo(10.0, within(1e-3));
    assertThatThrownBy(() -> h.times().add(T0)).isInstanceOf(UnsupportedOperationException.class);
    report(T0, outlet(1, 30.0, null));
    assertThat(last(h.watts(), 0)).isCloseTo(10.0, within(1e-3));
    assertThat(last(recorder.snapshot().watts(), 0)).isCloseTo(20.0, within(1e-3));
  }
}
