package io.pdu4j.runtime.internal;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DiscoveryContext;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.transport.TransportProvider;
import java.time.Clock;
import java.util.OptionalInt;

/**
 * The {@link DiscoveryContext} of one driver's discovery: datagram links of the runtime's {@code
 * udp} transport, each on an event loop of the shared group, as a device's link would be.
 */
final class RuntimeDiscoveryContext implements DiscoveryContext {
  private static final LinkRequirements DATAGRAM =
      new LinkRequirements(Link.Kind.DATAGRAM, OptionalInt.empty(), OptionalInt.empty());

  private final String driver;
  private final ProviderRegistry<TransportProvider> transports;
  private final IoThreads io;
  private final DeviceOptions options;
  private final Clock clock;

  RuntimeDiscoveryContext(
      String driver,
      ProviderRegistry<TransportProvider> transports,
      IoThreads io,
      DeviceOptions options,
      Clock clock) {
    this.driver = driver;
    this.transports = transports;
    this.io = io;
    this.options = options;
    this.clock = clock;
  }

  @Override
  public Link datagramLink(int port) {
    if (port < 0 || port > 65535) {
      throw new InvalidArgumentException("a discovery port must be 0..65535, got " + port);
    }
    TransportProvider udp =
        transports
            .find("udp")
            .orElseThrow(
                () ->
                    new UnsupportedCapabilityException(
                        "discovery needs the udp transport; " + transports.describeKnown()));
    DeviceAddress address = DeviceAddress.parse(driver + ":udp://0.0.0.0:" + port);
    return udp.create(
        address,
        new RuntimeTransportContext(io.next(), options, DATAGRAM, clock, transports, io.group()));
  }

  @Override
  public String toString() {
    return "RuntimeDiscoveryContext[" + driver + "]";
  }
}
