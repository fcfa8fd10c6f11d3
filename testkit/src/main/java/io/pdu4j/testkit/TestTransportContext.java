package io.pdu4j.testkit;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The least a transport needs, for tests that wire a real transport to a driver by hand as the
 * runtime would: the device's executor, its options and the driver's requirements; the system
 * clock; other transports by scheme (for tunnels), no shared resources.
 *
 * @param executor the device's thread
 * @param options the device's options
 * @param requirements what the driver asked of the link
 * @param transports transports a tunnel may open its own link with, by scheme
 */
public record TestTransportContext(
    ScheduledExecutorService executor,
    DeviceOptions options,
    LinkRequirements requirements,
    Map<String, TransportProvider> transports)
    implements TransportContext {

  /** Copies the map. */
  public TestTransportContext {
    transports = Map.copyOf(transports);
  }

  /** A context that offers no other transport. */
  public TestTransportContext(
      ScheduledExecutorService executor, DeviceOptions options, LinkRequirements requirements) {
    this(executor, options, requirements, Map.of());
  }

  @Override
  public Clock clock() {
    return Clock.systemUTC();
  }

  @Override
  public Optional<TransportProvider> transport(String scheme) {
    return Optional.ofNullable(transports.get(scheme));
  }

  @Override
  public <T> Optional<T> resource(Class<T> type) {
    return Optional.empty();
  }
}
