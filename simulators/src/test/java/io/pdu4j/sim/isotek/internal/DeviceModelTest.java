package io.pdu4j.sim.isotek.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeviceModelTest {

  private final AtomicLong nanos = new AtomicLong();

  private DeviceModel model(boolean jitter) {
    boolean[] on = {true, false, true, true};
    int[] loads = {100, 50, 0, 2000};
    OutletConfig[] configs = new OutletConfig[4];
    Arrays.setAll(configs, i -> OutletConfig.defaultFor(i + 1));
    return new DeviceModel(
        on,
        loads,
        configs,
        230,
        jitter,
        new Random(1),
        LocalDateTime.of(2024, 1, 1, 0, 0, 0),
        nanos::get);
  }

  @Test
  void snapshotShowsLoadsOfOnOutletsAndTheirSumOnTheUnit() {
    StatusSnapshot s = model(false).snapshot();

    assertThat(s.unit()).isEqualTo(new OutletReading(true, 230, 2100));
    assertThat(s.outlets())
        .containsExactly(
            new OutletReading(true, 230, 100),
            new OutletReading(false, 230, 0),
            new OutletReading(true, 230, 0),
            new OutletReading(true, 230, 2000));
    assertThat(StatusFormat.statusLines(s))
        .containsExactly(
            "CH0=1|230|2100|",
            "CH1=1|230|100|",
            "CH2=0|230|0|",
            "CH3=1|230|0|",
            "CH4=1|230|2000|",
            "RTC=2024/01|01|00|00|00|");
  }

  @Test
  void jitterStaysWithinItsBounds() {
    DeviceModel model = model(true);
    for (int i = 0; i < 500; i++) {
      StatusSnapshot s = model.snapshot();
      assertThat(s.unit().volts()).isBetween(228, 232);
      assertThat(s.outlets().get(0).watts()).isBetween(97, 103);
      assertThat(s.outlets().get(1).watts()).isZero();
      assertThat(s.outlets().get(2).watts()).isZero();
      assertThat(s.outlets().get(3).watts()).isBetween(1940, 2060);
      assertThat(s.outlets().get(3).volts()).isBetween(s.unit().volts() - 1, s.unit().volts() + 1);
      assertThat(s.unit().watts())
          .isEqualTo(s.outlets().stream().mapToInt(OutletReading::watts).sum());
    }
  }

  @Test
  void theClockRunsAndCanBeSet() {
    DeviceModel model = model(false);
    nanos.addAndGet(61_500_000_000L);
    assertThat(model.clock()).isEqualTo(LocalDateTime.of(2024, 1, 1, 0, 1, 1));

    model.setClock(LocalDateTime.of(2030, 6, 30, 23, 59, 59));
    nanos.addAndGet(1_000_000_000L);
    assertThat(model.clock()).isEqualTo(LocalDateTime.of(2030, 7, 1, 0, 0, 0));
  }

  @Test
  void lockedOutletsIgnoreRemoteSwitchingOnly() {
    DeviceModel model = model(false);
    model.configure(1, new OutletConfig("Locked", OutletConfig.LOCKED, 0));

    assertThat(model.switchRemote(1, false)).isFalse();
    model.switchAllRemote(false);
    assertThat(model.isOn(1)).isTrue();
    assertThat(model.isOn(4)).isFalse();

    model.setOn(1, false);
    assertThat(model.isOn(1)).isFalse();
  }
}
