package io.pdu4j.runtime;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The plugin jar a driver or transport was loaded from.
 *
 * @param jar the jar's path
 * @param version the jar manifest's {@code Implementation-Version}, or {@code unknown}
 */
public record PluginSource(Path jar, String version) {
  /** Validates that nothing is null. */
  public PluginSource {
    Objects.requireNonNull(jar, "jar");
    Objects.requireNonNull(version, "version");
  }
}
