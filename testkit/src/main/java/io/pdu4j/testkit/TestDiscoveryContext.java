package io.pdu4j.testkit;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DiscoveryContext;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.transport.TransportProvider;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A {@link DiscoveryContext} for tests that run a discoverer by hand, as the runtime would: its
 * datagram links come from {@code udp} (the project's {@code UdpTransportProvider}) on {@code
 * executor}.
 *
 * @param driver the driver code the links' addresses carry
 * @param udp the transport that makes the links
 * @param executor the links' thread
 */
public record TestDiscoveryContext(
    String driver, TransportProvider udp, ScheduledExecutorService executor)
    implements DiscoveryContext {

  /** Validates that nothing is null. */
  public TestDiscoveryContext {
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(udp, "udp");
    Objects.requireNonNull(executor, "executor");
  }

  @Override
  public Link datagramLink(int port) {
    if (port < 0 || port > 65535) {
      throw new InvalidArgumentException("a discovery port must be 0..65535, got " + port);
    }
    return udp.create(
        DeviceAddress.parse(driver + ":udp://0.0.0.0:" + port),
        new TestTransportContext(
            executor,
            DeviceOptions.defaults(),
            new LinkRequirements(Link.Kind.DATAGRAM, OptionalInt.empty(), OptionalInt.empty())));
  }
}
