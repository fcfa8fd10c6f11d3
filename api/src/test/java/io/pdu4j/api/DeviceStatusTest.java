package io.pdu4j.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
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
}
