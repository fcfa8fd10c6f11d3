package io.pdu4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.runtime.json.DeviceJson;

/**
 * The one JSON object {@code --json} prints on stderr for a failure. Apart from {@link Cli}, so
 * that a command that prints no JSON loads no Jackson class, not even to verify {@link Cli}.
 */
final class ErrorJson {
  private ErrorJson() {}

  /** A failure's object, as text. */
  static String failure(Throwable failure) {
    return DeviceJson.write(errorJson(failure));
  }

  /** A usage error's object, as text. */
  static String usage(String message) {
    return DeviceJson.write(object(PowerDeviceException.Kind.INVALID_ARGUMENT.tag(), message));
  }

  /**
   * A failure as the one JSON object {@code --json} prints on stderr, the shape of the control
   * API's error answers: {@code error} (the failure's {@link PowerDeviceException.Kind#tag() kind
   * tag}, which fixes the exit code), {@code message}, and {@code device}, {@code sent} and {@code
   * received} where known (else null).
   */
  static ObjectNode errorJson(Throwable failure) {
    Throwable t = ExitCodes.unwrap(failure);
    String kind = PowerDeviceException.kindOf(t).tag();
    if (!(t instanceof PowerDeviceException e)) {
      return object(kind, String.valueOf(t));
    }
    ObjectNode n = object(kind, e.getMessage());
    // in place: the keys keep their order
    n.put("device", e.device().orElse(null));
    n.put("sent", e.sent().orElse(null));
    n.put("received", e.received().orElse(null));
    return n;
  }

  /**
   * {@code error} and {@code message}, with {@code device}, {@code sent}, {@code received} null.
   */
  private static ObjectNode object(String kind, String message) {
    ObjectNode n = DeviceJson.object();
    n.put("error", kind);
    n.put("message", message);
    n.putNull("device");
    n.putNull("sent");
    n.putNull("received");
    return n;
  }
}
