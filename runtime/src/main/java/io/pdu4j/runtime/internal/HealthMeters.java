package io.pdu4j.runtime.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pdu4j.api.ConnectionProblem;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceHealth;
import io.pdu4j.runtime.metrics.PduMeter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code pdu.device.health} for one supervised device: a gauge per state and problem the device can
 * be in (five), 1 for the current one. A fixed set registered once, so that a dashboard sees every
 * series from the start and nothing is added however often the device comes and goes.
 */
final class HealthMeters {
  /** {@code none}: the problem tag of a device that is not offline. */
  static final String NO_PROBLEM = "none";

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  HealthMeters(MeterRegistry registry, String device, Supplier<DeviceHealth> health) {
    this.registry = registry;
    register(device, ConnectionState.CONNECTING, Optional.empty(), health);
    register(device, ConnectionState.CONNECTED, Optional.empty(), health);
    for (ConnectionProblem p : ConnectionProblem.values()) {
      register(device, ConnectionState.OFFLINE, Optional.of(p), health);
    }
  }

  private void register(
      String device,
      ConnectionState state,
      Optional<ConnectionProblem> problem,
      Supplier<DeviceHealth> health) {
    meters.add(
        Gauge.builder(
                PduMeter.DEVICE_HEALTH.meterName(),
                health,
                h -> {
                  DeviceHealth now = h.get();
                  return now.state() == state && now.problem().equals(problem) ? 1 : 0;
                })
            .description(PduMeter.DEVICE_HEALTH.description())
            .tags(
                PduMeter.TAG_DEVICE,
                device,
                PduMeter.TAG_STATE,
                state.name().toLowerCase(Locale.ROOT),
                PduMeter.TAG_PROBLEM,
                problem.map(ConnectionProblem::tag).orElse(NO_PROBLEM))
            .strongReference(true)
            .register(registry));
  }

  /** Removes the gauges. */
  void close() {
    meters.forEach(registry::remove);
    meters.clear();
  }
}
