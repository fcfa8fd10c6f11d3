package io.pdu4j.api;

/**
 * The switching state of an outlet, as the device last reported it.
 *
 * <p>{@link #UNKNOWN} means the device has not (recently) said: before the first status, while
 * disconnected, or when the reading has gone stale. pdu4j never infers a state from a command it
 * sent.
 */
public enum OutletState {
  /** The device reported the outlet as powered. */
  ON,
  /** The device reported the outlet as unpowered. */
  OFF,
  /** The device has not reported a current state. */
  UNKNOWN;

  /**
   * Parses {@code on}, {@code off} or {@code unknown} in any case.
   *
   * @throws InvalidArgumentException for anything else
   */
  public static OutletState parse(String text) {
    if (text != null) {
      for (OutletState s : values()) {
        if (s.name().equalsIgnoreCase(text.trim())) {
          return s;
        }
      }
    }
    throw new InvalidArgumentException("state must be ON, OFF or UNKNOWN, got: " + text);
  }
}
