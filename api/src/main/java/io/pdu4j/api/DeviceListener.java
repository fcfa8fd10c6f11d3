package io.pdu4j.api;

/**
 * Receives a device's events. Called on the device's I/O thread: return quickly and never block.
 */
@FunctionalInterface
public interface DeviceListener {
  /** Called once per event, in the order the events happened. */
  void onEvent(DeviceEvent event);
}
