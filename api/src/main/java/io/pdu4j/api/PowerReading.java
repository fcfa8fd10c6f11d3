package io.pdu4j.api;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A voltage and power pair, as reported for a device's input (the whole unit).
 *
 * @param voltage volts, when reported
 * @param power watts, when reported
 */
public record PowerReading(OptionalDouble voltage, OptionalDouble power) {
  /** Validates that both components are present (possibly empty) and finite. */
  public PowerReading {
    Objects.requireNonNull(voltage, "voltage");
    Objects.requireNonNull(power, "power");
    Values.requireFinite(voltage, "voltage");
    Values.requireFinite(power, "power");
  }
}
