package io.pdu4j.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.runtime.json.DeviceJson;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * An error answer of the API: its HTTP status and the JSON body {@code {"error": kind, "message",
 * "device", "sent", "received"}}.
 *
 * @param status the HTTP status
 * @param kind what kind of error, one word for programs (e.g. {@code timeout})
 * @param message what went wrong, for people; never holds a secret
 * @param device the configured name of the device concerned, when there is one
 * @param sent what was sent to the device, when the error concerns a command
 * @param received what the device answered, when anything
 */
public record ApiError(
    int status,
    String kind,
    String message,
    Optional<String> device,
    Optional<String> sent,
    Optional<String> received) {

  /** An error that concerns no device exchange. */
  public static ApiError of(int status, String kind, String message) {
    return new ApiError(
        status, kind, message, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** This error, about the device called {@code name}. */
  public ApiError about(String name) {
    return new ApiError(status, kind, message, Optional.ofNullable(name), sent, received);
  }

  /**
   * The one place a device's failure becomes an HTTP status and an error kind: 400 invalid, 409
   * rejected by the device (a refusal, an unconfirmed state, a capability it lacks, e.g. a locked
   * outlet), 502 a reply that could not be read, 503 not reachable, link lost, busy or closed, 504
   * no answer in time; anything else 500.
   */
  public static ApiError from(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof TimeoutException) {
      return of(504, "timeout", "no answer from the device in time");
    }
    if (!(t instanceof PowerDeviceException e)) {
      return of(500, "internal", "internal error: " + t.getClass().getSimpleName());
    }
    int status;
    String kind;
    if (e instanceof InvalidArgumentException) {
      status = 400;
      kind = "invalid";
    } else if (e instanceof DeviceRejectedException) {
      status = 409;
      kind = "rejected";
    } else if (e instanceof StateNotConfirmedException) {
      status = 409;
      kind = "not-confirmed";
    } else if (e instanceof UnsupportedCapabilityException) {
      status = 409;
      kind = "unsupported";
    } else if (e instanceof DeviceTimeoutException) {
      status = 504;
      kind = "timeout";
    } else if (e instanceof DeviceUnreachableException) {
      status = 503;
      kind = "unreachable";
    } else if (e instanceof LinkLostException) {
      status = 503;
      kind = "link-lost";
    } else if (e instanceof DeviceBusyException) {
      status = 503;
      kind = "busy";
    } else if (e instanceof DeviceClosedException) {
      status = 503;
      kind = "closed";
    } else if (e instanceof ProtocolException) {
      status = 502;
      kind = "protocol";
    } else {
      status = 500;
      kind = "failed";
    }
    return new ApiError(status, kind, e.getMessage(), Optional.empty(), e.sent(), e.received());
  }

  /** The failure behind {@link CompletionException} and {@link ExecutionException} wrappers. */
  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The JSON body; absent fields are null. */
  public ObjectNode json() {
    ObjectNode n = DeviceJson.object();
    n.put("error", kind);
    n.put("message", message);
    n.put("device", device.orElse(null));
    n.put("sent", sent.orElse(null));
    n.put("received", received.orElse(null));
    return n;
  }
}
