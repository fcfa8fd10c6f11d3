package io.pdu4j.api;

/** How a device treats an outlet, where the device has such a setting. */
public enum OutletType {
  /** Switches on command. */
  NORMAL,
  /** Meant for network equipment: a restart is off, the outlet's reset delay, then on. */
  ROUTER,
  /** Refuses to switch; pdu4j fails a switch of a locked outlet before sending anything. */
  LOCKED
}
