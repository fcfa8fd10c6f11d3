package io.pdu4j.runtime.metrics;

import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.api.UnsupportedCapabilityException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

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

  /** The outcome of a command that failed with {@code failure} (null: it succeeded). */
  public static CommandOutcome of(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t == null) {
      return OK;
    }
    if (t instanceof DeviceTimeoutException) {
      return TIMEOUT;
    }
    if (t instanceof DeviceRejectedException
        || t instanceof StateNotConfirmedException
        || t instanceof UnsupportedCapabilityException) {
      return REJECTED;
    }
    if (t instanceof LinkLostException || t instanceof DeviceUnreachableException) {
      return LINK_LOST;
    }
    if (t instanceof DeviceBusyException) {
      return BUSY;
    }
    if (t instanceof InvalidArgumentException) {
      return INVALID;
    }
    return OTHER;
  }
}
