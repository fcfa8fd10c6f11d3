package io.pdu4j.driver.extron;

import io.pdu4j.driver.extron.internal.ExtronHttpLink;
import io.pdu4j.driver.extron.internal.InnerTcp;
import io.pdu4j.driver.extron.internal.TunnelSettings;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.TransportContext;
import io.pdu4j.spi.TransportProvider;
import java.util.Set;

/**
 * The {@code extron+http} transport: the web form of the {@code extron} tunnel, one HTTP GET {@code
 * /?cmd=W03%2A10%2A2%2A62DRS|<data>} per request on a kept-alive connection, e.g. {@code
 * isotek:extron+http://10.0.0.9:80/3}. Same path and options as {@code extron} except {@code
 * keepalive} and with {@code user}; the port defaults to 80; a {@code password} is sent as HTTP
 * Basic authentication for {@code user} (default {@code admin}), an assumption not checked against
 * a real unit.
 */
public final class ExtronHttpTunnelProvider implements TransportProvider {

  /** Found by {@link java.util.ServiceLoader}. */
  public ExtronHttpTunnelProvider() {}

  private static final int HTTP_PORT = 80;

  @Override
  public String scheme() {
    return "extron+http";
  }

  @Override
  public String description() {
    return "a serial device on a port of an Extron IPCP, through SIS send-data-string over HTTP";
  }

  /** The path is the IPCP port the device is on: {@code /3} for COM3. */
  @Override
  public boolean readsPath() {
    return true;
  }

  @Override
  public Set<String> optionNames() {
    return TunnelSettings.HTTP_OPTIONS;
  }

  @Override
  public Link create(DeviceAddress address, TransportContext context) {
    InnerTcp.requireStream("extron+http", address, context);
    TunnelSettings settings =
        TunnelSettings.from(address, context.requirements().replyTerminator(), HTTP_PORT);
    Link inner = InnerTcp.create("extron+http", context, settings, HTTP_PORT);
    return new ExtronHttpLink(inner, settings, context.options());
  }
}
