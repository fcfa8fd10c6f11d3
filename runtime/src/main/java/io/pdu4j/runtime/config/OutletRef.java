package io.pdu4j.runtime.config;

import io.pdu4j.api.InvalidArgumentException;
import java.util.Objects;

/**
 * One outlet named in a configuration: {@code DEVICE/OUTLET}, where OUTLET is the outlet's number
 * or its id (an Enistic socket's serial, which may itself hold a {@code /}).
 *
 * @param device the configured device's name
 * @param outlet the outlet's number or id, as written
 */
public record OutletRef(String device, String outlet) {
  /** Validates that both parts are present. */
  public OutletRef {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(outlet, "outlet");
    if (device.isBlank() || outlet.isBlank()) {
      throw new InvalidArgumentException(
          "not an outlet: '" + device + "/" + outlet + "'; write DEVICE/NUMBER or DEVICE/ID");
    }
  }

  /**
   * Reads {@code DEVICE/OUTLET}; the device is what comes before the first {@code /}.
   *
   * @throws InvalidArgumentException when either part is missing
   */
  public static OutletRef parse(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1 || text.isBlank()) {
      throw new InvalidArgumentException(
          "not an outlet: '" + text + "'; write DEVICE/NUMBER or DEVICE/ID, e.g. rack/3");
    }
    return new OutletRef(text.substring(0, slash), text.substring(slash + 1));
  }

  @Override
  public String toString() {
    return device + "/" + outlet;
  }
}
