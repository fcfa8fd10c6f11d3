package io.pdu4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** OutletConfig's equals and hashCode, written out, are a record's: every component counts. */
class OutletConfigTest {
  private final OutletConfig nas =
      new OutletConfig("NAS", OutletType.ROUTER, Duration.ofSeconds(10));

  @Test
  void equalSettingsAreEqualAndHashAlike() {
    OutletConfig same =
        new OutletConfig(new String("NAS"), OutletType.ROUTER, Duration.ofSeconds(10));
    assertThat(same).isEqualTo(nas).hasSameHashCodeAs(nas);
    assertThat(nas).isEqualTo(nas).isNotEqualTo(null).isNotEqualTo("NAS");
  }

  @Test
  void eachComponentCounts() {
    assertThat(new OutletConfig("NAS2", OutletType.ROUTER, Duration.ofSeconds(10)))
        .isNotEqualTo(nas);
    assertThat(new OutletConfig("NAS", OutletType.LOCKED, Duration.ofSeconds(10)))
        .isNotEqualTo(nas);
    assertThat(new OutletConfig("NAS", OutletType.ROUTER, Duration.ofSeconds(11)))
        .isNotEqualTo(nas);
  }

  @Test
  void aNegativeDelayIsRefused() {
    assertThatThrownBy(() -> new OutletConfig("NAS", OutletType.ROUTER, Duration.ofSeconds(-1)))
        .isInstanceOf(InvalidArgumentException.class);
  }
}
