package io.pdu4j.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened on a device. A sealed family: switch over it.
 *
 * <p>Every event carries the device's redacted address and the host time it happened.
 */
public sealed interface DeviceEvent {

  /** The device's address, secrets redacted. */
  String device();

  /** When the host observed the event. */
  Instant at();

  /** The device reported a status, whether asked for or pushed. */
  record StatusReported(String device, Instant at, DeviceStatus status) implements DeviceEvent {
    /** Validates that nothing is null. */
    public StatusReported {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(status, "status");
    }
  }

  /**
   * An outlet's reported state changed (from UNKNOWN too). Power and voltage changes alone do not
   * produce this event; read them from {@link StatusReported}.
   */
  record OutletChanged(String device, Instant at, OutletState previous, OutletStatus current)
      implements DeviceEvent {
    /** Validates that nothing is null. */
    public OutletChanged {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(previous, "previous");
      Objects.requireNonNull(current, "current");
    }
  }

  /** An outlet became known (devices that discover outlets as they report). */
  record OutletAdded(String device, Instant at, OutletStatus outlet) implements DeviceEvent {
    /** Validates that nothing is null. */
    public OutletAdded {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(outlet, "outlet");
    }
  }

  /** The connection changed state; {@code reason} says why it went offline. */
  record Connection(
      String device,
      Instant at,
      ConnectionState previous,
      ConnectionState current,
      Optional<String> reason)
      implements DeviceEvent {
    /** Validates that nothing is null. */
    public Connection {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(previous, "previous");
      Objects.requireNonNull(current, "current");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
