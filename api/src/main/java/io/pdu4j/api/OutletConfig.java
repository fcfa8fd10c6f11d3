package io.pdu4j.api;

import java.time.Duration;
import java.util.Objects;

/**
 * An outlet's stored settings, on devices that keep them.
 *
 * @param name the outlet's name (drivers validate the length and characters their device takes)
 * @param type how the device treats the outlet
 * @param resetDelay the delay between off and on when the outlet is restarted
 */
public record OutletConfig(String name, OutletType type, Duration resetDelay) {
  /** Validates the settings. */
  public OutletConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(resetDelay, "resetDelay");
    if (resetDelay.isNegative()) {
      throw new InvalidArgumentException("reset delay must not be negative, got " + resetDelay);
    }
  }
}
