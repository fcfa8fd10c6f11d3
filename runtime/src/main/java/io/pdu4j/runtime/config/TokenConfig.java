package io.pdu4j.runtime.config;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.SecretReference;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One API token of the configuration: its name (what the audit log records), where its secret is,
 * its role and the devices it may reach.
 *
 * @param name the token's name: letters, digits, {@code .}, {@code _}, {@code -}
 * @param reference where the token is read from: {@code env:NAME} or {@code file:PATH}, never the
 *     token itself
 * @param role what the token may do
 * @param devices globs ({@code *}, {@code ?}) of the device names the token may reach; empty means
 *     every device
 */
public record TokenConfig(String name, String reference, ApiRole role, List<String> devices) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9._*?-]{1,64}");

  /** Validates the name, the reference and the globs. */
  public TokenConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(role, "role");
    devices = List.copyOf(devices);
    if (!NAME.matcher(name).matches()) {
      throw new InvalidArgumentException(
          "bad token name '"
              + name
              + "': use letters, digits, '.', '_' and '-', starting with a letter or digit (at"
              + " most 64)");
    }
    if (!SecretReference.isReference(reference)) {
      // never echo it: it may be the token itself
      throw new InvalidArgumentException(
          "a token must be a reference, env:VARIABLE or file:PATH, not the token itself");
    }
    for (String g : devices) {
      if (!GLOB.matcher(g).matches()) {
        throw new InvalidArgumentException(
            "bad device pattern '"
                + g
                + "': a device name, or a glob of one with * and ? (e.g. rack-*)");
      }
    }
  }

  /** Whether the token may reach the device called {@code device}. */
  public boolean allows(String device) {
    if (devices.isEmpty()) {
      return true;
    }
    for (String g : devices) {
      if (glob(g, device)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code name} matches {@code glob}: {@code *} any run, {@code ?} any one character. */
  static boolean glob(String glob, String name) {
    int g = 0;
    int n = 0;
    int star = -1;
    int mark = 0;
    while (n < name.length()) {
      if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == name.charAt(n))) {
        g++;
        n++;
      } else if (g < glob.length() && glob.charAt(g) == '*') {
        star = g++;
        mark = n;
      } else if (star >= 0) {
        g = star + 1;
        n = ++mark;
      } else {
        return false;
      }
    }
    while (g < glob.length() && glob.charAt(g) == '*') {
      g++;
    }
    return g == glob.length();
  }

  @Override
  public String toString() {
    return "TokenConfig[" + name + ", " + reference + ", " + role.tag() + ", " + devices + "]";
  }
}
