package io.pdu4j.api;

/** What one outlet can do: meter channels are metered but not switchable, for example. */
public enum OutletCapability {
  /** The outlet can be switched on and off. */
  SWITCHABLE,
  /** The outlet reports power (and possibly voltage). */
  METERED,
  /** The outlet's {@link OutletConfig} can be read and written. */
  CONFIGURABLE
}
