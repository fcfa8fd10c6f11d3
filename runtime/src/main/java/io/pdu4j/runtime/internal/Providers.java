package io.pdu4j.runtime.internal;

import com.google.inject.Inject;
import io.pdu4j.spi.DeviceDiscoverer;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.spi.transport.TransportProvider;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's drivers, transports and discoverers, from the embedded ones, the class path and the
 * plugin jars; and the jars themselves. Closing releases what ServiceLoader made and the jars.
 */
public final class Providers {
  private static final Logger LOG = LoggerFactory.getLogger(Providers.class);

  private final PluginJars plugins;
  private final ProviderRegistry<PowerDriver> drivers;
  private final ProviderRegistry<TransportProvider> transports;
  private final ProviderRegistry<DeviceDiscoverer> discoverers;

  /** Opens the plugin jars and loads and checks every provider; a bad one leaves no jar open. */
  @Inject
  public Providers(
      RuntimeSettings settings,
      Set<PowerDriver> embeddedDrivers,
      Set<TransportProvider> embeddedTransports) {
    this.plugins =
        settings
            .pluginDirectory()
            .map(dir -> PluginJars.open(dir, settings.classLoader()))
            .orElseGet(PluginJars::none);
    try {
      this.drivers =
          ProviderRegistry.load(
              "driver",
              "code",
              PowerDriver.class,
              PowerDriver::code,
              embeddedDrivers,
              settings.classLoader(),
              settings.loadServices(),
              plugins);
      this.transports =
          ProviderRegistry.load(
              "transport",
              "scheme",
              TransportProvider.class,
              TransportProvider::scheme,
              embeddedTransports,
              settings.classLoader(),
              settings.loadServices(),
              plugins);
      this.discoverers =
          ProviderRegistry.load(
              "discoverer",
              "driver code",
              DeviceDiscoverer.class,
              DeviceDiscoverer::driver,
              Set.of(),
              settings.classLoader(),
              settings.loadServices(),
              plugins);
    } catch (RuntimeException e) {
      plugins.close();
      throw e;
    }
  }

  /** The drivers, by code. */
  public ProviderRegistry<PowerDriver> drivers() {
    return drivers;
  }

  /** The transports, by scheme. */
  public ProviderRegistry<TransportProvider> transports() {
    return transports;
  }

  /** The discoverers, by driver code. */
  public ProviderRegistry<DeviceDiscoverer> discoverers() {
    return discoverers;
  }

  /** What went wrong with plugin jars, in the order found. */
  public List<PluginJars.Problem> pluginProblems() {
    return plugins.problems();
  }

  /**
   * Closes the providers ServiceLoader made (a transport's own threads), then the plugin jars;
   * embedded providers belong to whoever made them.
   */
  public void close() {
    closeLoaded(drivers.entries());
    closeLoaded(transports.entries());
    closeLoaded(discoverers.entries());
    plugins.close();
  }

  private static void closeLoaded(List<? extends ProviderRegistry.Entry<?>> entries) {
    for (ProviderRegistry.Entry<?> e : entries) {
      if (!e.embedded() && e.provider() instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Throwable ex) { // a plugin's close() must not stop the runtime's
          LOG.warn("closing {} failed: {}", e.origin(), ex.toString());
        }
      }
    }
  }

  @Override
  public String toString() {
    return drivers.describeKnown() + ", " + transports.describeKnown();
  }
}
