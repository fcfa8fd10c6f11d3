package io.pdu4j.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * A transport the runtime knows.
 *
 * @param scheme the transport's scheme, the second part of an address (e.g. {@code tcp})
 * @param description what it is, one line
 * @param className the provider's implementation class
 * @param location where the class was loaded from (a jar or directory URL), when known
 * @param embedded true when added to the builder or a Guice multibinding, false when found by
 *     {@link java.util.ServiceLoader} or a plugin jar
 * @param plugin the plugin jar it came from, when it came from one ({@link
 *     PowerRuntime.Builder#pluginDirectory})
 */
public record TransportInfo(
    String scheme,
    String description,
    String className,
    Optional<String> location,
    boolean embedded,
    Optional<PluginSource> plugin) {
  /** Validates that nothing is null. */
  public TransportInfo {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(plugin, "plugin");
  }

  /** One not from a plugin jar. */
  public TransportInfo(
      String scheme,
      String description,
      String className,
      Optional<String> location,
      boolean embedded) {
    this(scheme, description, className, location, embedded, Optional.empty());
  }
}
