package io.pdu4j.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeviceStatusTest {

  private static final Instant AT = Instant.parse("2026-12-05T03:00:00.250Z");

  private static DeviceStatus at(Instant receivedAt) {
    return DeviceStatus.of(receivedAt, List.of());
  }

  @Test
  void isOlderThanOnlyPastTheLimit() {
    DeviceStatus s = at(AT);
    Duration limit = Duration.ofSeconds(2);
    assertThat(s.isOlderThan(limit, AT.plusSeconds(2))).isFalse();
    assertThat(s.isOlderThan(limit, AT.plusSeconds(2).plusNanos(1))).isTrue();
    assertThat(s.isOlderThan(limit, AT.plusMillis(1999))).isFalse();
    assertThat(s.isOlderThan(limit, AT.plusMillis(2751))).isTrue();
    assertThat(s.isOlderThan(limit, AT.minusSeconds(5))).isFalse(); // the clock went back
    assertThat(s.isOlderThan(Duration.ZERO, AT)).isFalse();
    assertThat(s.isOlderThan(Duration.ofMillis(-1), AT)).isTrue();
  }

  @Test
  void isOlderThanAgreesWithItsAge() {
    Random random = new Random(12);
    for (int i = 0; i < 100_000; i++) {
      Instant received = AT.plusNanos(random.nextLong() % 5_000_000_000L);
      Instant now = AT.plusNanos(random.nextLong() % 5_000_000_000L);
      Duration limit = Duration.ofNanos(random.nextLong() % 3_000_000_000L);
      DeviceStatus s = at(received);
      assertThat(s.isOlderThan(limit, now))
          .as("received %s, now %s, limit %s", received, now, limit)
          .isEqualTo(s.age(now).compareTo(limit) > 0);
    }
  }

  private static OutletStatus outlet(
      int number, String id, String name, OutletState state, double volts, double watts) {
    return new OutletStatus(
        number,
        id,
        name,
        state,
        OptionalDouble.of(volts),
        OptionalDouble.of(watts),
        Set.of(OutletCapability.SWITCHABLE));
  }

  @Test
  void statusesAreEqualWhenEveryComponentIsAsARecordsAre() {
    OutletStatus o = outlet(2, "2", "Rack", OutletState.ON, 230, 12.5);
    assertThat(o).isEqualTo(outlet(2, "2", "Rack", OutletState.ON, 230, 12.5));
    assertThat(o).hasSameHashCodeAs(outlet(2, "2", "Rack", OutletState.ON, 230, 12.5));
    assertThat(o)
        .isNotEqualTo(outlet(3, "2", "Rack", OutletState.ON, 230, 12.5))
        .isNotEqualTo(outlet(2, "3", "Rack", OutletState.ON, 230, 12.5))
        .isNotEqualTo(outlet(2, "2", "Desk", OutletState.ON, 230, 12.5))
        .isNotEqualTo(outlet(2, "2", "Rack", OutletState.OFF, 230, 12.5))
        .isNotEqualTo(outlet(2, "2", "Rack", OutletState.ON, 231, 12.5))
        .isNotEqualTo(outlet(2, "2", "Rack", OutletState.ON, 230, 12.0))
        .isNotEqualTo(OutletStatus.of(2, "Rack", OutletState.ON, Set.of()))
        .isNotEqualTo(null)
        .isNotEqualTo("2");
    assertThat(o.withState(OutletState.ON)).isEqualTo(o);
    assertThat(OutletStatus.of(2, "Rack", OutletState.ON, Set.of()))
        .isNotEqualTo(
            OutletStatus.of(2, "Rack", OutletState.ON, Set.of(OutletCapability.SWITCHABLE)));

    Optional<LocalDateTime> clock = Optional.of(LocalDateTime.of(2026, 12, 5, 3, 0));
    DeviceStatus s = new DeviceStatus(AT, Optional.empty(), List.of(o), clock);
    DeviceStatus same = new DeviceStatus(AT, Optional.empty(), List.of(o), clock);
    assertThat(s).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(s)
        .isNotEqualTo(new DeviceStatus(AT.plusMillis(1), Optional.empty(), List.of(o), clock))
        .isNotEqualTo(new DeviceStatus(AT, Optional.empty(), List.of(), clock))
        .isNotEqualTo(new DeviceStatus(AT, Optional.empty(), List.of(o), Optional.empty()))
        .isNotEqualTo(
            new DeviceStatus(AT, Optional.empty(), List.of(o.withState(OutletState.OFF)), clock))
        .isNotEqualTo(null);
  }

  @Test
  void outletIsFoundByItsNumberNotItsPlace() {
    OutletStatus two = outlet(2, "2", "Rack", OutletState.ON, 230, 12.5);
    OutletStatus five = outlet(5, "5", "Fan", OutletState.OFF, 230, 0);
    OutletStatus firstSeven = outlet(7, "7", "A", OutletState.ON, 230, 1);
    OutletStatus secondSeven = outlet(7, "7b", "B", OutletState.OFF, 230, 2);
    DeviceStatus s = DeviceStatus.of(AT, List.of(two, five, firstSeven, secondSeven));
    assertThat(s.outlet(2)).contains(two);
    assertThat(s.outlet(5)).contains(five);
    assertThat(s.outlet(7)).contains(firstSeven); // the first of a number, as listed
    assertThat(s.outlet(1)).isEmpty();
    assertThat(s.outlet(3)).isEmpty();
    assertThat(s.outlet(0)).isEmpty();
    assertThat(s.outlet(-1)).isEmpty();
    assertThat(at(AT).outlet(1)).isEmpty();
  }
}
