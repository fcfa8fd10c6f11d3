package io.pdu4j.driver.extron;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.driver.extron.internal.InnerTcp;
import io.pdu4j.driver.extron.internal.TunnelSettings;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;

/**
 * What the Telnet and the web form of the IPCP tunnel share as transports: the path is the IPCP
 * port, the settings come from the address, and the inner link is the {@code tcp} transport's.
 */
abstract class TunnelTransport implements TransportProvider {
  private final String scheme;
  private final String over;
  private final int defaultPort;

  TunnelTransport(String scheme, String over, int defaultPort) {
    this.scheme = scheme;
    this.over = over;
    this.defaultPort = defaultPort;
  }

  @Override
  public final String scheme() {
    return scheme;
  }

  @Override
  public final String description() {
    return "a serial device on a port of an Extron IPCP, through SIS send-data-string over " + over;
  }

  /** The path is the IPCP port the device is on: {@code /3} for COM3. */
  @Override
  public final boolean readsPath() {
    return true;
  }

  @Override
  public final Link create(DeviceAddress address, TransportContext context) {
    InnerTcp.requireStream(scheme, address, context);
    TunnelSettings settings =
        TunnelSettings.from(address, context.requirements().replyTerminator(), defaultPort);
    Link inner = InnerTcp.create(scheme, context, settings, defaultPort);
    return tunnel(inner, settings, context.options());
  }

  /** The tunnel link over {@code inner}. */
  abstract Link tunnel(Link inner, TunnelSettings settings, DeviceOptions options);
}
