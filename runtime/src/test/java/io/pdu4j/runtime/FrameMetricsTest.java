package io.pdu4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.metrics.PduMeter;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.DriverCounters;
import org.junit.jupiter.api.Test;

/** {@code pdu.frames.malformed}: what a driver reports through its context's counters. */
class FrameMetricsTest {
  private final FakeDriver driver = new FakeDriver("fake");
  private final FakeTransport transport = new FakeTransport("mem");

  private double count(SimpleMeterRegistry registry, String reason) {
    return registry
        .get(PduMeter.FRAMES_MALFORMED.meterName())
        .tag(PduMeter.TAG_DEVICE, "rack")
        .tag(PduMeter.TAG_REASON, reason)
        .functionCounter()
        .count();
  }

  @Test
  void skippedFramesAreCountedByReason() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (PowerRuntime runtime =
        PowerRuntime.builder()
            .loadServices(false)
            .driver(driver)
            .transport(transport)
            .meterRegistry(registry)
            .build()) {
      runtime.open(DeviceConfig.of("rack", "fake:mem://host"));
      assertThat(count(registry, "malformed")).isZero();
      DriverContext context = driver.contexts.get(0);
      context.counters().malformedFrame();
      context.counters().malformedFrame();
      context.counters().overlongFrame();
      assertThat(count(registry, "malformed")).isEqualTo(2);
      assertThat(count(registry, "overlong")).isEqualTo(1);
    }
    assertThat(registry.find(PduMeter.FRAMES_MALFORMED.meterName()).meters())
        .as("removed with the device")
        .isEmpty();
  }

  @Test
  void withoutARegistryTheCountersCountNothing() {
    try (PowerRuntime runtime =
        PowerRuntime.builder().loadServices(false).driver(driver).transport(transport).build()) {
      runtime.open("fake:mem://host");
      assertThat(driver.contexts.get(0).counters()).isSameAs(DriverCounters.NONE);
    }
  }
}
