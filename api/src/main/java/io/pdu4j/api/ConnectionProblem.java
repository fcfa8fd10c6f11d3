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
   * The problem a failure means: {@link #LOGIN_DENIED} for a {@link LoginDeniedException}, {@link
   * #CONFIGURATION_ERROR} for an {@link InvalidArgumentException}, else {@link
   * #COMMUNICATION_ERROR}. {@link CompletionException} and {@link ExecutionException} are looked
   * through; null means {@link #COMMUNICATION_ERROR}.
   */
  public static ConnectionProblem of(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof LoginDeniedException) {
      return LOGIN_DENIED;
    }
    if (t instanceof InvalidArgumentException) {
      return CONFIGURATION_ERROR;
    }
    return COMMUNICATION_ERROR;
  }

  /** The lower-case form used as a metric tag value, e.g. {@code communication_error}. */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
