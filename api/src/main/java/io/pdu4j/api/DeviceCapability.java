package io.pdu4j.api;

/**
 * What a device can do. A driver lists only what it has implemented for the device it is talking
 * to; calling something not listed fails with {@link UnsupportedCapabilityException}.
 */
public enum DeviceCapability {
  /** {@link PowerDevice#refresh()} reads outlet states. */
  STATUS,
  /** Outlets can be switched one at a time. */
  SWITCH,
  /** {@link PowerDevice#switchAll(OutletState)} switches every outlet in one command. */
  SWITCH_ALL,
  /** Outlets report power and/or voltage. */
  OUTLET_METERING,
  /** The device reports its input (whole-unit) voltage and/or power. */
  INPUT_METERING,
  /** The device reports a clock. */
  CLOCK_READ,
  /** The device clock can be set. */
  CLOCK_SET,
  /** The device keeps schedule rules ({@link PowerDevice#scheduler()}). */
  SCHEDULER,
  /** Outlet names, types and delays can be read and written. */
  OUTLET_CONFIG,
  /** {@link Outlet#cycle(java.time.Duration)} is supported. */
  CYCLE,
  /** {@link PowerDevice#restart()} restarts the device itself. */
  RESTART,
  /** The device sends status on its own, without being polled. */
  STATUS_PUSH
}
