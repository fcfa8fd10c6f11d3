package io.pdu4j.api;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Why a device is {@link ConnectionState#OFFLINE}: the detail of its health, after openHAB's {@code
 * ThingStatusDetail}. A closed set, so that it can be a metric tag.
 */
public enum ConnectionProblem {
  /**
   * The device cannot be reached or stopped answering: connection refused or reset, a timeout, a
   * stream gone quiet. Retrying may help.
   */
  COMMUNICATION_ERROR,
  /** The device or its gateway refused the credentials ({@link LoginDeniedException}). */
  LOGIN_DENIED,
  /**
   * The device cannot be opened as configured: a malformed address, an unknown driver, transport or
   * option, a bad option value, a missing secret ({@link InvalidArgumentException}).
   */
  CONFIGURATION_ERROR;

  /**
   * The problem a failure means, derived from its {@link PowerDeviceException#kindOf kind}: {@link
   * #LOGIN_DENIED} for {@link PowerDeviceException.Kind#LOGIN_DENIED}, {@link #CONFIGURATION_ERROR}
   * for {@link PowerDeviceException.Kind#INVALID_ARGUMENT}, else {@link #COMMUNICATION_ERROR}.
   * {@link CompletionException} and {@link ExecutionException} are looked through; null means
   * {@link #COMMUNICATION_ERROR}.
   */
  public static ConnectionProblem of(Throwable failure) {
    return forKind(PowerDeviceException.kindOf(failure));
  }

  /** The problem a failure of this kind means; see {@link #of(Throwable)}. */
  public static ConnectionProblem forKind(PowerDeviceException.Kind kind) {
    return switch (kind) {
      case LOGIN_DENIED -> LOGIN_DENIED;
      case INVALID_ARGUMENT -> CONFIGURATION_ERROR;
      case UNSUPPORTED,
          REJECTED,
          NOT_CONFIRMED,
          TIMEOUT,
          LINK_LOST,
          UNREACHABLE,
          BUSY,
          PROTOCOL,
          CLOSED,
          FAILED,
          CANCELLED,
          INTERNAL ->
          COMMUNICATION_ERROR;
    };
  }

  /** The lower-case form used as a metric tag value, e.g. {@code communication_error}. */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
