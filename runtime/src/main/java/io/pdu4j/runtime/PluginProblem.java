package io.pdu4j.runtime;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A plugin jar, or one driver or transport in it, that the runtime skipped: the jar is not a zip, a
 * class its service files name is missing or is not a provider, its constructor threw, or its code
 * is taken or invalid. The runtime logs each one (a warning) and carries on without it.
 *
 * @param jar the jar (or the plugin directory, when that could not be read)
 * @param message what went wrong
 */
public record PluginProblem(Path jar, String message) {
  /** Validates that nothing is null. */
  public PluginProblem {
    Objects.requireNonNull(jar, "jar");
    Objects.requireNonNull(message, "message");
  }
}
