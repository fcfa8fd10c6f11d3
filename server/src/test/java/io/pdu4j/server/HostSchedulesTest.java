package io.pdu4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.config.HostScheduleConfig;
import io.pdu4j.runtime.config.OutletRef;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Host-side schedules on a clock the test moves, switching the IsoTek simulator. */
class HostSchedulesTest {
  /** A clock that stands still until the test sets it. */
  static final class FakeClock extends Clock {
    private volatile Instant now;

    FakeClock(Instant now) {
      this.now = now;
    }

    void set(LocalDateTime t) {
      now = t.toInstant(ZoneOffset.UTC);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private IsoTekSimulator sim;
  private PowerRuntime runtime;
  private ControlServer server;
  private final List<String> log = new CopyOnWriteArrayList<>();
  // Monday 2026-11-30, 22:59
  private final FakeClock clock =
      new FakeClock(LocalDateTime.of(2026, 11, 30, 22, 59).toInstant(ZoneOffset.UTC));

  @BeforeEach
  void start() {
    sim = IsoTekSimulator.builder().outlets(8).jitter(false).build().start();
    runtime = PowerRuntime.builder().build();
    SupervisedDevice rack =
        runtime.supervise(DeviceConfig.of("rack", "isotek:tcp://127.0.0.1:" + sim.port()));
    await().atMost(Duration.ofSeconds(10)).until(() -> rack.health().isConnected());
    server =
        ControlServer.builder()
            .devices(List.of(rack))
            .monitoring(new InetSocketAddress("127.0.0.1", 0))
            .schedules(
                Map.of(
                    "night-off",
                    new HostScheduleConfig(
                        "night-off",
                        LocalTime.of(23, 0),
                        EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
                        "off",
                        List.of(OutletRef.parse("rack/5"), OutletRef.parse("rack/6")))))
            .clock(clock)
            .log(log::add)
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
    runtime.close();
    sim.close();
  }

  @Test
  void aScheduleFiresAtItsTimeOnItsDaysOnly() {
    assertThat(sim.outletState(5)).isTrue();
    clock.set(LocalDateTime.of(2026, 11, 30, 22, 59, 59));
    // ticks come every second; nothing is due yet
    await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> true);
    assertThat(sim.outletState(5)).isTrue();

    clock.set(LocalDateTime.of(2026, 11, 30, 23, 0, 1));
    await().atMost(Duration.ofSeconds(10)).until(() -> !sim.outletState(5) && !sim.outletState(6));
    assertThat(sim.commandsReceived()).containsSubsequence("S5=0", "S6=0");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> log.stream().anyMatch(l -> l.equals("schedule night-off: rack/6 off: OFF")));

    // Saturday 23:00: not one of its days
    sim.setOutletState(5, true);
    long before = sim.commandsReceived().stream().filter("S5=0"::equals).count();
    clock.set(LocalDateTime.of(2026, 12, 5, 22, 59));
    // a jump of days is not time passing: Tuesday to Friday's runs are not made up
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> log.stream().anyMatch(l -> l.contains("none run for the gap")));
    clock.set(LocalDateTime.of(2026, 12, 5, 23, 0, 30));
    await().pollDelay(Duration.ofMillis(2100)).atMost(Duration.ofSeconds(3)).until(() -> true);
    assertThat(sim.commandsReceived().stream().filter("S5=0"::equals).count()).isEqualTo(before);
    assertThat(sim.outletState(5)).isTrue();
  }
}
