package io.pdu4j.driver.extron;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.driver.extron.internal.ExtronHttpLink;
import io.pdu4j.driver.extron.internal.TunnelSettings;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DeviceOptions;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.TransportContext;
import io.pdu4j.spi.TransportProvider;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The {@code extron+http} transport: the web form of the {@code extron} tunnel, one HTTP GET {@code
 * /?cmd=W03%2A10%2A2%2A62DRS|<data>} per request on a kept-alive connection, e.g. {@code
 * isotek:extron+http://10.0.0.9:80/3}. Same path and options as {@code extron} except {@code
 * keepalive}; the port defaults to 80; a {@code password} is sent as HTTP Basic authentication
 * (user {@code admin}), an assumption not checked against a real unit.
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

  @Override
  public Set<String> optionNames() {
    return Set.of("password", "t1", "t2", "crlf"); // no keep-alive: HTTP needs none
  }

  @Override
  public Link create(DeviceAddress address, TransportContext context) {
    if (context.requirements().kind() != Link.Kind.STREAM) {
      throw new InvalidArgumentException(
          "the extron+http tunnel carries byte streams only; "
              + address.driver()
              + " needs datagrams");
    }
    TunnelSettings settings =
        TunnelSettings.from(address, context.requirements().replyTerminator(), HTTP_PORT);
    TransportProvider tcp =
        context
            .transport("tcp")
            .orElseThrow(
                () ->
                    new InvalidArgumentException(
                        "the extron+http tunnel needs the tcp transport (pdu4j-transport-net)"));
    String host = settings.host().indexOf(':') >= 0 ? "[" + settings.host() + "]" : settings.host();
    DeviceAddress telnet = DeviceAddress.parse("extron:tcp://" + host + ":" + settings.ipcpPort());
    Link inner = tcp.create(telnet, new TelnetContext(context));
    return new ExtronHttpLink(inner, settings, context.options());
  }

  /** The device's context, asking for a plain stream on port 80. */
  private static final class TelnetContext implements TransportContext {
    private final TransportContext outer;

    TelnetContext(TransportContext outer) {
      this.outer = outer;
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
      return LinkRequirements.stream(HTTP_PORT);
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
