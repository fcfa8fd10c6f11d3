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
    ObjectNode n = DeviceJson.object();
    n.put("error", PowerDeviceException.Kind.INVALID_ARGUMENT.tag());
    n.put("message", message);
    n.putNull("device");
    n.putNull("sent");
    n.putNull("received");
    return DeviceJson.write(n);
  }

  /**
   * A failure as the one JSON object {@code --json} prints on stderr, the shape of the control
   * API's error answers: {@code error} (the failure's {@link PowerDeviceException.Kind#tag() kind
   * tag}, which fixes the exit code), {@code message}, and {@code device}, {@code sent} and {@code
   * received} where known (else null).
   */
  static ObjectNode errorJson(Throwable failure) {
    Throwable t = ExitCodes.unwrap(failure);
    ObjectNode n = DeviceJson.object();
    n.put("error", PowerDeviceException.kindOf(t).tag());
    if (t instanceof PowerDeviceException e) {
      n.put("message", e.getMessage());
      n.put("device", e.device().orElse(null));
      n.put("sent", e.sent().orElse(null));
      n.put("received", e.received().orElse(null));
    } else {
      n.put("message", String.valueOf(t));
      n.putNull("device");
      n.putNull("sent");
      n.putNull("received");
    }
    return n;
  }
}
