package io.pdu4j.transport.net;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import io.pdu4j.transport.net.internal.TcpLink;
import io.pdu4j.transport.net.internal.TcpResources;
import java.util.Objects;

/**
 * The {@code tcp} transport: a TCP client connection to {@code host:port}, on Netty (epoll where
 * available, NIO otherwise). Found through {@link java.util.ServiceLoader}.
 *
 * <p>The port is the address's, or the driver's {@link
 * io.pdu4j.spi.LinkRequirements#defaultPort()}. Links are stream links that carry unsolicited
 * bytes, with TCP_NODELAY and SO_KEEPALIVE on, a connect timeout of {@link
 * io.pdu4j.api.DeviceOptions#connectTimeout()}, and a bounded outbound buffer: {@link Link#send}
 * fails with {@link io.pdu4j.api.DeviceBusyException} while more than 64 KiB wait to be written.
 *
 * <p>Threads: when the device's executor ({@link TransportContext#executor()}) is a Netty epoll or
 * NIO event loop, as the runtime passes, each connection is registered on that very loop and this
 * provider starts no event loop threads. Otherwise (standalone use) connections run on the event
 * loop group the context offers as {@code resource(io.netty.channel.EventLoopGroup.class)}, or
 * failing that on one group this provider creates on first need (daemon threads, at most four), and
 * every callback is handed to the executor. Host names (not address literals) are looked up on at
 * most two daemon threads of this provider, which end after ten idle seconds. {@link #close()}
 * stops this provider's threads; call it when done with a provider used standalone. The provider
 * stays usable after it and starts threads again if needed.
 */
public final class TcpTransportProvider implements TransportProvider, AutoCloseable {
  private final TcpResources resources = new TcpResources();

  /** Creates the provider; starts no threads. */
  public TcpTransportProvider() {}

  @Override
  public String scheme() {
    return "tcp";
  }

  @Override
  public String description() {
    return "TCP client connection (Netty, epoll where available)";
  }

  /**
   * Creates a closed link to the address's host and port (or the driver's default port). Does no
   * I/O: host names are looked up when the link opens.
   *
   * @throws InvalidArgumentException when the address has no host, or neither it nor the driver
   *     gives a port
   */
  @Override
  public Link create(DeviceAddress address, TransportContext context) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(context, "context");
    String host = address.requireHost();
    if (address.port().isEmpty() && context.requirements().defaultPort().isEmpty()) {
      throw new InvalidArgumentException(
          "device address "
              + address
              + " needs a port (e.g. "
              + address.driver()
              + ":tcp://"
              + host
              + ":501); the driver has no default port");
    }
    int port = address.portOr(context.requirements().defaultPort().orElse(0));
    return new TcpLink(host, port, context, resources);
  }

  /**
   * Stops the threads this provider started (event loops for standalone links, host lookups) and
   * waits up to a few seconds for them to end. Links running on them go down. Links registered on
   * the runtime's event loops are not affected.
   */
  @Override
  public void close() {
    resources.close();
  }

  @Override
  public String toString() {
    return "TcpTransportProvider";
  }
}
