package io.pdu4j.runtime.metrics;

import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.api.UnsupportedCapabilityException;
import java.util.Locale;

/** How a command ended: the bounded values of the {@code outcome} tag of {@code pdu.commands}. */
public enum CommandOutcome {
  /** Completed with its result. */
  OK,
  /** {@link DeviceTimeoutException}: no (complete) reply in time. */
  TIMEOUT,
  /**
   * {@link DeviceRejectedException}, {@link StateNotConfirmedException} or {@link
   * UnsupportedCapabilityException}: the device refused, did not confirm, or cannot.
   */
  REJECTED,
  /** {@link LinkLostException} or {@link DeviceUnreachableException}. */
  LINK_LOST,
  /** {@link DeviceBusyException}: the command queue was full. */
  BUSY,
  /** {@link InvalidArgumentException}: refused before anything was sent. */
  INVALID,
  /** Anything else: a protocol error, the device closed, the caller cancelled. */
  OTHER;

  /** The tag value: the name in lower case, e.g. {@code link_lost}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The outcome of a command that failed with {@code failure} (null: it succeeded), derived from
   * the failure's {@link PowerDeviceException#kindOf kind}.
   */
  public static CommandOutcome of(Throwable failure) {
    if (PowerDeviceException.unwrap(failure) == null) {
      return OK;
    }
    return forKind(PowerDeviceException.kindOf(failure));
  }

  /** The outcome of a command that failed with a failure of this kind. */
  public static CommandOutcome forKind(PowerDeviceException.Kind kind) {
    return switch (kind) {
      case TIMEOUT -> TIMEOUT;
      case REJECTED, LOGIN_DENIED, NOT_CONFIRMED, UNSUPPORTED -> REJECTED;
      case LINK_LOST, UNREACHABLE -> LINK_LOST;
      case BUSY -> BUSY;
      case INVALID_ARGUMENT -> INVALID;
      case PROTOCOL, CLOSED, FAILED, CANCELLED, INTERNAL -> OTHER;
    };
  }
}
