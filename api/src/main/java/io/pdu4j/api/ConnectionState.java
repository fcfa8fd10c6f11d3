package io.pdu4j.api;

/** Where a device's connection stands. Changes are published as {@link DeviceEvent.Connection}. */
public enum ConnectionState {
  /** Opening the link or waiting for the device's first status. */
  CONNECTING,
  /** The link is up and the device has answered. */
  CONNECTED,
  /** The link is down; the reason travels with the {@link DeviceEvent.Connection} event. */
  OFFLINE,
  /** Closed by the caller; no further I/O. */
  CLOSED
}
