package io.pdu4j.runtime.config;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.SecretReference;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The rule that a configuration holds secrets by reference only. What a reference is, and how the
 * secret it names is read (at open time, by the transport that needs it), is {@link
 * SecretReference}'s: the same rule for an address given on the command line and one in a file.
 */
final class Secrets {
  private Secrets() {}

  /**
   * Refuses an address whose secret options hold a literal value, before anything else parses it (a
   * parse error could echo the address). The message names the option, never its value.
   */
  static void refuseLiterals(String uri) {
    int q = uri.indexOf('?');
    if (q < 0) {
      return;
    }
    for (String pair : uri.substring(q + 1).split("&", -1)) {
      int eq = pair.indexOf('=');
      String name = eq >= 0 ? pair.substring(0, eq) : pair;
      String value = eq >= 0 ? pair.substring(eq + 1) : "";
      if (DeviceAddress.isSecretOption(name) && !isReference(value)) {
        throw new InvalidArgumentException(
            "option '"
                + name
                + "' holds a literal secret, which a configuration file must not; refer to it"
                + " instead: "
                + name
                + "=env:VARIABLE or "
                + name
                + "=file:PATH");
      }
    }
  }

  private static boolean isReference(String value) {
    String v = value;
    try {
      v = URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return SecretReference.isReference(v);
  }
}
