package io.pdu4j.spi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutletStatesTest {
  private static DeviceStatus status(OutletState state, int... numbers) {
    List<OutletStatus> outlets = new ArrayList<>();
    for (int n : numbers) {
      outlets.add(OutletStatus.of(n, "Outlet " + n, state, Set.of()));
    }
    return DeviceStatus.of(Instant.EPOCH, outlets);
  }

  @Test
  void takingAStatusSaysWhetherItHasTheNumbersHeldBeforeInTheSameOrder() {
    OutletStates s = new OutletStates();
    assertThat(s.take(status(OutletState.ON, 1, 2, 3))).as("none held before").isFalse();
    assertThat(s.take(status(OutletState.OFF, 1, 2, 3))).as("the same, other states").isTrue();
    assertThat(s.take(status(OutletState.OFF, 1, 3, 2))).as("another order").isFalse();
    assertThat(s.take(status(OutletState.OFF, 1, 3))).as("one gone").isFalse();
    assertThat(s.take(status(OutletState.OFF, 1, 3, 2))).as("one back").isFalse();
    assertThat(s.take(status(OutletState.ON, 1, 3, 2))).isTrue();
    assertThat(s.take(status(OutletState.ON))).as("none").isFalse();
    assertThat(s.take(status(OutletState.ON))).as("none again").isTrue();
    assertThat(s.take(status(OutletState.ON, 7, 8, 9, 10))).as("more than ever").isFalse();
    assertThat(s.take(status(OutletState.UNKNOWN, 7, 8, 9, 10))).isTrue();
  }

  @Test
  void itHoldsTheNumbersAndStatesOfTheLastStatusTaken() {
    OutletStates s = new OutletStates();
    s.take(status(OutletState.ON, 4, 5, 6, 7));
    s.take(status(OutletState.OFF, 5, 9));
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.number(0)).isEqualTo(5);
    assertThat(s.number(1)).isEqualTo(9);
    assertThat(s.state(0)).isEqualTo(OutletState.OFF);
    assertThat(s.state(1)).isEqualTo(OutletState.OFF);
    // a shorter status leaves the numbers beyond it behind; the next as long as they were is not
    // the same for that
    assertThat(s.take(status(OutletState.ON, 5, 9, 6, 7))).isFalse();
    assertThat(s.state(3)).isEqualTo(OutletState.ON);
  }
}
