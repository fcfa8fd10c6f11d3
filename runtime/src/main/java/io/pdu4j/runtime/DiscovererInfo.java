package io.pdu4j.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * A driver's discoverer the runtime knows ({@link io.pdu4j.spi.DeviceDiscoverer}).
 *
 * @param driver the code of the driver whose devices it finds
 * @param defaultPort the port its request goes to, or that it listens on when it sends none
 * @param sendsRequest whether it sends a request and listens on a port of its own for the answers
 *     (IsoTek), rather than listening on its port for what devices send unasked (Enistic)
 * @param className its implementation class
 * @param plugin the plugin jar it came from, when it came from one
 */
public record DiscovererInfo(
    String driver,
    int defaultPort,
    boolean sendsRequest,
    String className,
    Optional<PluginSource> plugin) {
  /** Validates that nothing is null. */
  public DiscovererInfo {
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(plugin, "plugin");
  }
}
