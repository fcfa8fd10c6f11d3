package io.pdu4j.driver.isotek.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IsoTekOutletTableTest {
  private final IsoTekOutletTable table = new IsoTekOutletTable();
  private final Instant t0 = Instant.parse("2026-12-04T10:00:00Z");

  private static IsoTekStatusAssembler.Block block(Channel... outlets) {
    return new IsoTekStatusAssembler.Block(
        1, new Channel(0, true, 230, 100), List.of(outlets), Optional.empty());
  }

  @Test
  void anUnchangedPushReportsTheSameOutletsInANewStatus() {
    DeviceStatus first =
        table.toStatus(block(new Channel(1, true, 230, 40), new Channel(2, false, 231, 0)), t0);
    DeviceStatus second =
        table.toStatus(
            block(new Channel(1, true, 230, 40), new Channel(2, false, 231, 0)), t0.plusSeconds(1));

    assertThat(second.receivedAt()).isEqualTo(t0.plusSeconds(1));
    assertThat(second.outlets().get(0)).isSameAs(first.outlets().get(0));
    assertThat(second.outlets().get(1)).isSameAs(first.outlets().get(1));
  }

  @Test
  void anOutletThatChangedIsReportedAsItIsNow() {
    DeviceStatus first =
        table.toStatus(block(new Channel(1, true, 230, 40), new Channel(2, false, 231, 0)), t0);
    DeviceStatus second =
        table.toStatus(
            block(new Channel(1, true, 230, 41.5), new Channel(2, true, 231, 0)),
            t0.plusSeconds(1));
    DeviceStatus third =
        table.toStatus(
            block(new Channel(1, true, 229, 41.5), new Channel(2, true, 231, 0)),
            t0.plusSeconds(2));

    OutletStatus one = second.outlets().get(0);
    assertThat(one.power().getAsDouble()).isEqualTo(41.5);
    assertThat(second.outlets().get(1).state()).isEqualTo(OutletState.ON);
    assertThat(third.outlets().get(0).voltage().getAsDouble()).isEqualTo(229);
    assertThat(third.outlets().get(1)).isSameAs(second.outlets().get(1));
    assertThat(first.outlets().get(0)).isNotSameAs(one);
  }

  @Test
  void aStateThatTurnsBackAndForthWithTheSameReadingsIsReportedEachTime() {
    // outlets 1 to 16, the last on the highest channel: each state its own
    Channel[] on = new Channel[16];
    Channel[] off = new Channel[16];
    for (int n = 1; n <= 16; n++) {
      on[n - 1] = new Channel(n, true, 230, n);
      off[n - 1] = new Channel(n, false, 230, n);
    }
    Channel[] mixed = on.clone();
    mixed[15] = off[15];
    mixed[0] = off[0];
    OutletState[] expected = {OutletState.ON, OutletState.OFF, OutletState.ON, OutletState.ON};
    DeviceStatus before = null;
    int round = 0;
    for (Channel[] push : List.of(on, mixed, on, on)) {
      DeviceStatus now = table.toStatus(block(push), t0.plusSeconds(round));
      for (int n : new int[] {1, 16}) {
        assertThat(now.outlet(n).orElseThrow().state()).isEqualTo(expected[round]);
        assertThat(now.outlet(n).orElseThrow().power().getAsDouble()).isEqualTo(n);
      }
      assertThat(now.outlet(8).orElseThrow().state()).isEqualTo(OutletState.ON);
      if (before != null) {
        assertThat(now.outlet(8).orElseThrow()).isSameAs(before.outlet(8).orElseThrow());
        if (expected[round] == expected[round - 1]) {
          assertThat(now.outlet(16).orElseThrow()).isSameAs(before.outlet(16).orElseThrow());
        } else {
          assertThat(now.outlet(16).orElseThrow()).isNotSameAs(before.outlet(16).orElseThrow());
        }
      }
      before = now;
      round++;
    }
  }

  @Test
  void unitsThatAnswerAlikeShareTheirSettings() {
    IsoTekOutletTable other = new IsoTekOutletTable();
    // each answer parsed into strings of its own, as two units' answers are
    table.read(List.of(new IsoTekFrame.OutletSetting(1, new String("Rack"), 1, 5)));
    other.read(List.of(new IsoTekFrame.OutletSetting(1, new String("Rack"), 1, 5)));

    OutletConfig mine = table.config(1).orElseThrow();
    assertThat(mine.name()).isEqualTo("Rack");
    assertThat(mine.resetDelay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(other.config(1).orElseThrow()).isSameAs(mine);

    // what a unit answers otherwise is its own; a later answer replaces the earlier whole
    other.read(List.of(new IsoTekFrame.OutletSetting(2, "Rack", 1, 6)));
    assertThat(other.config(2).orElseThrow().resetDelay()).isEqualTo(Duration.ofSeconds(6));
    assertThat(other.config(1)).isEmpty();
    assertThat(table.config(1).orElseThrow()).isSameAs(mine);
  }

  @Test
  void newSettingsRenameTheOutletsOfTheNextPush() {
    table.toStatus(block(new Channel(1, true, 230, 40)), t0);
    table.read(List.of(new IsoTekFrame.OutletSetting(1, "router", 3, 5)));
    OutletStatus renamed =
        table.toStatus(block(new Channel(1, true, 230, 40)), t0).outlets().get(0);
    assertThat(renamed.name()).isEqualTo("router");
    assertThat(renamed.capabilities()).doesNotContain(OutletCapability.SWITCHABLE);

    table.forget();
    OutletStatus forgotten =
        table.toStatus(block(new Channel(1, true, 230, 40)), t0).outlets().get(0);
    assertThat(forgotten.name()).isEqualTo("Outlet 1");
    assertThat(forgotten.capabilities())
        .containsExactlyInAnyOrder(OutletCapability.SWITCHABLE, OutletCapability.METERED);
  }

  @Test
  void newSettingsRenameOnlyTheOutletsTheyChangeAndTheNextPushKeepsTheRenamedOnes() {
    DeviceStatus first =
        table.toStatus(block(new Channel(1, true, 230, 40), new Channel(2, false, 231, 0)), t0);
    table.read(
        List.of(
            new IsoTekFrame.OutletSetting(1, "router", 1, 5),
            new IsoTekFrame.OutletSetting(2, "", 1, 5)));
    DeviceStatus renamed = table.renamed(first);
    assertThat(renamed.outlets().get(0).name()).isEqualTo("router");
    assertThat(renamed.outlets().get(1).name()).isEqualTo("Outlet 2");
    // both became configurable: new outlets; a status renamed again with nothing new is the same
    assertThat(renamed.outlets().get(1)).isNotSameAs(first.outlets().get(1));
    DeviceStatus again = table.renamed(renamed);
    assertThat(again.outlets().get(0)).isSameAs(renamed.outlets().get(0));
    assertThat(again.outlets().get(1)).isSameAs(renamed.outlets().get(1));

    DeviceStatus next =
        table.toStatus(
            block(new Channel(1, true, 230, 40), new Channel(2, false, 232, 0)), t0.plusSeconds(1));
    assertThat(next.outlets().get(0)).isSameAs(renamed.outlets().get(0));
    assertThat(next.outlets().get(1)).isNotSameAs(renamed.outlets().get(1));
    assertThat(next.outlets().get(1).voltage()).hasValue(232);
  }

  @Test
  void readingsAreTheValuesReadAndWholeOnesAreShared() {
    for (double v : new double[] {0, 1, 37, 230, 4095, 4096, 12.25, 0.5, 1e6, -0.0}) {
      assertThat(IsoTekOutletTable.reading(v)).isEqualTo(java.util.OptionalDouble.of(v));
    }
    assertThat(IsoTekOutletTable.reading(230)).isSameAs(IsoTekOutletTable.reading(230.0));
    assertThat(Double.doubleToRawLongBits(IsoTekOutletTable.reading(-0.0).getAsDouble()))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));

    OutletStatus o = table.toStatus(block(new Channel(1, true, 230, 40)), t0).outlets().get(0);
    assertThat(o.voltage()).hasValue(230);
    assertThat(o.power()).hasValue(40);
    OutletStatus moved =
        table.toStatus(block(new Channel(1, true, 230, 40.5)), t0).outlets().get(0);
    assertThat(moved).isNotSameAs(o);
    assertThat(moved.power()).hasValue(40.5);
    OutletStatus off = table.toStatus(block(new Channel(1, false, 230, 40.5)), t0).outlets().get(0);
    assertThat(off.state()).isEqualTo(OutletState.OFF);
    assertThat(table.toStatus(block(new Channel(1, false, 230, 40.5)), t0).outlets().get(0))
        .isSameAs(off);
  }
}
