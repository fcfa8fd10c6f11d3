package io.pdu4j.spi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusEventsTest {
  private static DeviceStatus status(Instant at, OutletState... states) {
    OutletStatus[] outlets = new OutletStatus[states.length];
    for (int i = 0; i < states.length; i++) {
      outlets[i] = OutletStatus.of(i + 1, "Outlet " + (i + 1), states[i], Set.of());
    }
    return DeviceStatus.of(at, List.of(outlets));
  }

  @Test
  void theChangesAreTheEventsAfterTheStatusAndNoListIsMadeWithoutOne() {
    OutletStates earlier = new OutletStates();
    earlier.take(status(Instant.EPOCH, OutletState.ON, OutletState.OFF, OutletState.ON));
    DeviceStatus same =
        status(Instant.EPOCH.plusSeconds(1), OutletState.ON, OutletState.OFF, OutletState.ON);
    assertThat(StatusEvents.changes("d", earlier, same)).isSameAs(List.of()).isEmpty();
    assertThat(StatusEvents.of("d", earlier, same))
        .containsExactly(new DeviceEvent.StatusReported("d", same.receivedAt(), same));

    DeviceStatus moved =
        status(Instant.EPOCH.plusSeconds(2), OutletState.OFF, OutletState.OFF, OutletState.UNKNOWN);
    List<DeviceEvent> changes = StatusEvents.changes("d", earlier, moved);
    assertThat(changes)
        .containsExactly(
            new DeviceEvent.OutletChanged(
                "d", moved.receivedAt(), OutletState.ON, moved.outlets().get(0)),
            new DeviceEvent.OutletChanged(
                "d", moved.receivedAt(), OutletState.ON, moved.outlets().get(2)));
    List<DeviceEvent> all = StatusEvents.of("d", earlier, moved);
    assertThat(all.get(0))
        .isEqualTo(new DeviceEvent.StatusReported("d", moved.receivedAt(), moved));
    assertThat(all.subList(1, all.size())).isEqualTo(changes);

    // without a status before that counts, every outlet changed from UNKNOWN (the third is so
    // still)
    assertThat(StatusEvents.changes("d", null, moved)).hasSize(2);
  }
}
