package io.pdu4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "500ms,500",
    "5s,5000",
    "5,5000",
    "1.5s,1500",
    "2m,120000",
    "1h,3600000",
    "PT5S,5000",
    "pt0.25s,250",
    "' 3 s ',3000",
    "0s,0"
  })
  void parses(String text, long millis) {
    assertThat(Durations.parse(text, "timeout")).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "abc", "5x", "-5s", "PT-5S", "1.0005s", "P", "5 s s"})
  void refusesWithTheNameOfTheSetting(String text) {
    assertThatThrownBy(() -> Durations.parse(text, "timeout"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("timeout:");
  }

  @Test
  void refusesNullAndHugeValues() {
    assertThatThrownBy(() -> Durations.parse(null, "poll"))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("99999999999999999999h", "poll"))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"200,200ms", "1000,1s", "1500,1.5s", "60000,1m", "7200000,2h", "0,0s"})
  void formatsShortAndRoundTrips(long millis, String text) {
    assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
    assertThat(Durations.parse(text, "x")).isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void nanosBetweenIsDurationBetweenWithoutTheDuration() {
    Instant a = Instant.ofEpochSecond(1_000, 999_999_999);
    for (long step : new long[] {0, 1, 999_999_999, 1_000_000_000, 5_000_000_001L, -3}) {
      Instant b = a.plusNanos(step);
      assertThat(Durations.nanosBetween(a, b))
          .isEqualTo(Duration.between(a, b).toNanos())
          .isEqualTo(step);
    }
    assertThat(Durations.nanosBetween(Instant.MIN, Instant.MAX)).isEqualTo(Long.MAX_VALUE);
    assertThat(Durations.nanosBetween(Instant.MAX, Instant.MIN)).isEqualTo(Long.MIN_VALUE);
    // from an instant kept as its two numbers: the same
    Instant b = a.plusMillis(1500);
    assertThat(Durations.nanosBetween(a.getEpochSecond(), a.getNano(), b))
        .isEqualTo(Durations.nanosBetween(a, b))
        .isEqualTo(1_500_000_000L);
  }

  @Test
  void saturatedNanosIsToNanosUpToWhatALongHolds() {
    assertThat(Durations.saturatedNanos(Duration.ofMillis(1500))).isEqualTo(1_500_000_000L);
    assertThat(Durations.saturatedNanos(Duration.ofSeconds(-2))).isEqualTo(-2_000_000_000L);
    assertThat(Durations.saturatedNanos(Duration.ofDays(365L * 1000))).isEqualTo(Long.MAX_VALUE);
    assertThat(Durations.saturatedNanos(Duration.ofDays(-365L * 1000))).isEqualTo(Long.MIN_VALUE);
  }
}
