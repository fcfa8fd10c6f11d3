package io.pdu4j.driver.enistic.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.support.Freshness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The status the table builds from what it keeps up to date at every reading is the one a pass over
 * every outlet gives: each outlet's last reading, UNKNOWN where that is older than the stale limit,
 * received at the newest reading; also when the clock goes back and outlets turn meters.
 */
class OutletTableStatusTest {
  private static final Duration STALE = Duration.ofSeconds(10);

  @Test
  void statusIsEveryOutletsLastReadingAsOfNow() {
    Random random = new Random(3);
    for (int run = 0; run < 200; run++) {
      OutletTable table =
          new OutletTable(
              "test",
              EnisticSettings.of(DeviceAddress.parse("enistic:udp://127.0.0.1:53005/A")),
              STALE,
              e -> {});
      Instant clock = Instant.parse("2026-12-05T00:00:00Z");
      for (int step = 0; step < 300; step++) {
        // mostly forwards, in small and large steps; now and then backwards
        clock =
            clock.plusMillis(
                random.nextInt(10) == 0 ? -random.nextInt(20_000) : random.nextInt(4000));
        if (random.nextInt(3) > 0) {
          String meter = "%016X".formatted(random.nextInt(6));
          int channel = random.nextInt(8) == 0 ? 2 + random.nextInt(3) : 1;
          table.take(
              reading(
                  "A:Reading:%s:%d:%d:%d"
                      .formatted(meter, random.nextInt(1000), channel, random.nextInt(2))),
              clock);
        }
        Instant now = clock.plusMillis(random.nextInt(15_000));
        assertThat(table.status(now))
            .as("run %d step %d", run, step)
            .isEqualTo(reference(table, now));
      }
    }
  }

  /** A line as the session hands it to the table: parsed in place. */
  static EnisticCodec.Line reading(String text) {
    EnisticCodec.Line line = new EnisticCodec.Line();
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    assertThat(line.parse(bytes, 0, bytes.length)).as(text).isTrue();
    return line;
  }

  private static DeviceStatus reference(OutletTable table, Instant now) {
    Instant latest = table.size() == 0 ? now : Instant.MIN;
    List<OutletStatus> outlets = new ArrayList<>();
    for (OutletTable.Entry e : table.all()) {
      if (e.at.isAfter(latest)) {
        latest = e.at;
      }
      outlets.add(
          Freshness.effective(e.reported, Duration.between(e.at, now).compareTo(STALE) <= 0));
    }
    return DeviceStatus.of(latest, outlets);
  }
}
