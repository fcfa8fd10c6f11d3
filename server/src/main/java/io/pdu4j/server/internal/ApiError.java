package io.pdu4j.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.runtime.json.DeviceJson;
import java.util.Optional;
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
   * The one place a device's failure becomes an HTTP status; its error kind is the failure's {@link
   * PowerDeviceException#kind()} tag: 400 an invalid argument, 409 rejected by the device (a
   * refusal, an unconfirmed state, a capability it lacks, e.g. a locked outlet), 502 a reply that
   * could not be read or a gateway that refused pdu4j's login, 503 not reachable, link lost, busy
   * or closed, 504 no answer in time; anything else 500.
   */
  public static ApiError from(Throwable failure) {
    Throwable t = PowerDeviceException.unwrap(failure);
    if (t instanceof TimeoutException) {
      return of(504, "timeout", "no answer from the device in time");
    }
    if (!(t instanceof PowerDeviceException e)) {
      return of(500, "internal", "internal error: " + t.getClass().getSimpleName());
    }
    PowerDeviceException.Kind kind = e.kind();
    int status =
        switch (kind) {
          case INVALID_ARGUMENT -> 400;
          case REJECTED, NOT_CONFIRMED, UNSUPPORTED -> 409;
          case TIMEOUT -> 504;
          case UNREACHABLE, LINK_LOST, BUSY, CLOSED -> 503;
          case LOGIN_DENIED, PROTOCOL -> 502;
          case FAILED, CANCELLED, INTERNAL -> 500;
        };
    return new ApiError(
        status, kind.tag(), e.getMessage(), Optional.empty(), e.sent(), e.received());
  }

  /**
   * The HTTP status the API gives an error kind ({@link #from}'s mapping, by tag), 200 for {@code
   * ok}: for audit lines of requests that came another way.
   */
  public static int statusOf(String kind) {
    return switch (kind) {
      case "ok" -> 200;
      case "invalid_argument" -> 400;
      case "not_found" -> 404;
      case "rejected", "not_confirmed", "unsupported" -> 409;
      case "timeout" -> 504;
      case "unreachable", "link_lost", "busy", "closed", "not_connected" -> 503;
      case "login_denied", "protocol" -> 502;
      default -> 500;
    };
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
