package io.pdu4j.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * A driver the runtime knows.
 *
 * @param code the driver's code, the first part of an address (e.g. {@code isotek})
 * @param vendor the maker of its devices
 * @param description what it controls, one line
 * @param className the driver's implementation class
 * @param location where the class was loaded from (a jar or directory URL), when known
 * @param embedded true when added to the builder or a Guice multibinding, false when found by
 *     {@link java.util.ServiceLoader} or a plugin jar
 * @param plugin the plugin jar it came from, when it came from one ({@link
 *     PowerRuntime.Builder#pluginDirectory})
 */
public record DriverInfo(
    String code,
    String vendor,
    String description,
    String className,
    Optional<String> location,
    boolean embedded,
    Optional<PluginSource> plugin) {
  /** Validates that nothing is null. */
  public DriverInfo {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(vendor, "vendor");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(plugin, "plugin");
  }

  /** One not from a plugin jar. */
  public DriverInfo(
      String code,
      String vendor,
      String description,
      String className,
      Optional<String> location,
      boolean embedded) {
    this(code, vendor, description, className, location, embedded, Optional.empty());
  }
}
