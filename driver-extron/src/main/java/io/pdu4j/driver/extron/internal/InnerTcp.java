package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The plain TCP link to the IPCP that both tunnel forms (Telnet and HTTP) run over, created through
 * the {@code tcp} transport with the device's own executor and options.
 */
public final class InnerTcp {
  private InnerTcp() {}

  /**
   * Refuses a driver that needs datagrams: a tunnel carries byte streams only.
   *
   * @param tunnel the tunnel's scheme, for the message
   */
  public static void requireStream(String tunnel, DeviceAddress address, TransportContext context) {
    if (context.requirements().kind() != Link.Kind.STREAM) {
      throw new InvalidArgumentException(
          "the "
              + tunnel
              + " tunnel carries byte streams only; "
              + address.driver()
              + " needs datagrams");
    }
  }

  /**
   * A closed TCP link to the IPCP at the settings' host and port.
   *
   * @param tunnel the tunnel's scheme, for the message when no tcp transport is loaded
   * @param defaultPort the IPCP service's port (23 for Telnet, 80 for HTTP)
   */
  public static Link create(
      String tunnel, TransportContext context, TunnelSettings settings, int defaultPort) {
    TransportProvider tcp =
        context
            .transport("tcp")
            .orElseThrow(
                () ->
                    new InvalidArgumentException(
                        "the " + tunnel + " tunnel needs the tcp transport (pdu4j-transport-net)"));
    String host = settings.host().indexOf(':') >= 0 ? "[" + settings.host() + "]" : settings.host();
    DeviceAddress ipcp = DeviceAddress.parse("extron:tcp://" + host + ":" + settings.ipcpPort());
    return tcp.create(ipcp, new PlainStream(context, defaultPort));
  }

  /** The device's context, asking for a plain stream on the IPCP service's port. */
  private static final class PlainStream implements TransportContext {
    private final TransportContext outer;
    private final int port;

    PlainStream(TransportContext outer, int port) {
      this.outer = outer;
      this.port = port;
    }

    @Override
    public ScheduledExecutorService executor() {
      return outer.executor();
    }

    @Override
    public DeviceOptions options() {
      return outer.options();
    }

    @Override
    public LinkRequirements requirements() {
      return LinkRequirements.stream(port);
    }

    @Override
    public Clock clock() {
      return outer.clock();
    }

    @Override
    public Optional<TransportProvider> transport(String scheme) {
      return outer.transport(scheme);
    }

    @Override
    public <T> Optional<T> resource(Class<T> type) {
      return outer.resource(type);
    }
  }
}
