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

  // written out, as the record's would be, rather than linked by a bootstrap method at the first
  // call: drivers hash settings while a device opens (the IsoTek driver keeps those units answer
  // alike once), and a one-shot command's start would pay for the linking

  @Override
  public boolean equals(Object o) {
    return o == this
        || o instanceof OutletConfig c
            && name.equals(c.name)
            && type == c.type
            && resetDelay.equals(c.resetDelay);
  }

  @Override
  public int hashCode() {
    int h = name.hashCode();
    h = 31 * h + type.hashCode();
    return 31 * h + resetDelay.hashCode();
  }
}
