package io.pdu4j.driver.extron;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.driver.extron.internal.ExtronHttpLink;
import io.pdu4j.driver.extron.internal.TunnelSettings;
import io.pdu4j.spi.Link;
import java.util.Set;

/**
 * The {@code extron+http} transport: the web form of the {@code extron} tunnel, one HTTP GET {@code
 * /?cmd=W03%2A10%2A2%2A62DRS|<data>} per request on a kept-alive connection, e.g. {@code
 * isotek:extron+http://10.0.0.9:80/3}. Same path and options as {@code extron} except {@code
 * keepalive} and with {@code user}; the port defaults to 80; a {@code password} is sent as HTTP
 * Basic authentication for {@code user} (default {@code admin}), an assumption not checked against
 * a real unit.
 */
public final class ExtronHttpTunnelProvider extends TunnelTransport {
  private static final int HTTP_PORT = 80;

  /** Found by {@link java.util.ServiceLoader}. */
  public ExtronHttpTunnelProvider() {
    super("extron+http", "HTTP", HTTP_PORT);
  }

  @Override
  public Set<String> optionNames() {
    return TunnelSettings.HTTP_OPTIONS;
  }

  @Override
  Link tunnel(Link inner, TunnelSettings settings, DeviceOptions options) {
    return new ExtronHttpLink(inner, settings, options);
  }
}
