package io.pdu4j.driver.enistic.internal;

import static io.pdu4j.driver.enistic.internal.OutletTableStatusTest.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.spi.DeviceAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How the table finds, adds and updates outlets. */
class OutletTableTest {
  private static final Instant T0 = Instant.parse("2026-12-05T00:00:00Z");

  private static OutletTable table(String address) {
    return new OutletTable(
        "test", EnisticSettings.of(DeviceAddress.parse(address)), Duration.ofSeconds(10), e -> {});
  }

  @Test
  void aReadingThatRepeatsTheLastStateAndPowerKeepsTheSameReportedStatus() {
    OutletTable table = table("enistic:udp://127.0.0.1:53005/A");
    OutletTable.Entry e = table.take(reading("A:Reading:0000000000000001:12.5:1:1"), T0);
    OutletStatus first = e.reported;
    table.take(reading("A:Reading:0000000000000001:12.50:1:1"), T0.plusSeconds(1));
    assertThat(e.reported).isSameAs(first);
    assertThat(table.status(T0.plusSeconds(1)).outlets().get(0)).isSameAs(first);

    table.take(reading("A:Reading:0000000000000001:12.6:1:1"), T0.plusSeconds(2));
    assertThat(e.reported).isNotSameAs(first);
    assertThat(e.reported.power().getAsDouble()).isEqualTo(12.6);
    OutletStatus second = e.reported;
    table.take(reading("A:Reading:0000000000000001:12.6:1:0"), T0.plusSeconds(3));
    assertThat(e.reported).isNotSameAs(second);
    assertThat(e.reported.state()).isEqualTo(OutletState.OFF);
  }

  @Test
  void serialsThatDifferOnlyInCaseAreOneOutlet() {
    OutletTable table = table("enistic:udp://127.0.0.1:53005/A");
    OutletTable.Entry e = table.take(reading("A:Reading:00000000000000ab:1:1:1"), T0);
    assertThat(table.take(reading("A:Reading:00000000000000AB:2:1:1"), T0)).isSameAs(e);
    assertThat(table.size()).isEqualTo(1);
    assertThat(e.id()).isEqualTo("00000000000000ab");
    assertThat(e.key()).isEqualTo("00000000000000AB");
  }

  @Test
  void findsEachOfManySerialsAgainUpToMaxOutlets() {
    OutletTable table = table("enistic:udp://127.0.0.1:53005/A?max-outlets=300");
    for (int i = 0; i < 400; i++) {
      OutletTable.Entry e = table.take(reading(socket(i)), T0);
      if (i < 300) {
        assertThat(e.number).isEqualTo(i + 1);
      } else {
        assertThat(e).isNull();
      }
    }
    for (int i = 399; i >= 0; i--) {
      OutletTable.Entry e = table.take(reading(socket(i)), T0.plusSeconds(1));
      assertThat(e == null ? -1 : e.number).as("serial %d", i).isEqualTo(i < 300 ? i + 1 : -1);
    }
    assertThat(table.size()).isEqualTo(300);
    assertThat(table.status(T0.plusSeconds(1)).outlets()).hasSize(300);
  }

  @Test
  void aSecondChannelMakesASocketAMeterAndItsChannelsAreOutletsOfTheirOwn() {
    OutletTable table = table("enistic:udp://127.0.0.1:53005/A");
    OutletTable.Entry one = table.take(reading("A:Reading:00000000000000C1:5:1:1"), T0);
    assertThat(one.socket).isTrue();
    OutletTable.Entry two = table.take(reading("A:Reading:00000000000000c1:6:2:1"), T0);
    assertThat(one.socket).isFalse();
    assertThat(two.socket).isFalse();
    assertThat(two.number).isEqualTo(2);
    assertThat(table.status(T0).outlets())
        .extracting(OutletStatus::id, OutletStatus::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("00000000000000C1/1", OutletState.UNKNOWN),
            org.assertj.core.groups.Tuple.tuple("00000000000000c1/2", OutletState.UNKNOWN));
  }

  private static String socket(int i) {
    // serials far apart and close together, so that the table's slots collide now and then
    return "A:Reading:%016X:1:1:1".formatted((long) i * (i % 2 == 0 ? 1 : 0x100000000L));
  }
}
