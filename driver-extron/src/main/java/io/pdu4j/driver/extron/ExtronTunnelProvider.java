package io.pdu4j.driver.extron;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.driver.extron.internal.ExtronTunnelLink;
import io.pdu4j.driver.extron.internal.TunnelSettings;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkRequirements;
import java.util.Set;

/**
 * The {@code extron} transport: a request/reply tunnel to a serial device on a COM port of an
 * Extron IPCP, through SIS send-data-string commands over Telnet, e.g. {@code
 * isotek:extron://10.0.0.9:23/3?password=env:IPCP_PW}.
 *
 * <p>The path is the IPCP port (1..16); the port defaults to 23. Options: {@code password} (a
 * reference, {@code env:NAME} or {@code file:PATH}, resolved at each open), {@code t1} and {@code
 * t2} (tens of ms, the IPCP's first-character and inter-character waits), {@code crlf} ({@code
 * appended}, the default, or {@code none}), {@code keepalive} (a duration, default 60s), {@code
 * data} ({@code after}, the default, or {@code inline}), {@code prefix} (a text the IPCP puts
 * before each reply, default none), {@code busy-retries} and {@code busy-pause} (E22 retries,
 * default 3 and 250ms) and {@code serial} ({@code 115200,N,8,1}: the port's settings, given after
 * login). The reply delimiter is the inner driver's {@link LinkRequirements#replyTerminator()};
 * without one a reply ends after CR LF and quiet. The link does not carry unsolicited data. Its
 * inner Telnet link comes from the {@code tcp} transport.
 */
public final class ExtronTunnelProvider extends TunnelTransport {
  /** Found by {@link java.util.ServiceLoader}. */
  public ExtronTunnelProvider() {
    super("extron", "Telnet", TunnelSettings.DEFAULT_PORT);
  }

  @Override
  public Set<String> optionNames() {
    return TunnelSettings.OPTIONS;
  }

  @Override
  Link tunnel(Link inner, TunnelSettings settings, DeviceOptions options) {
    return new ExtronTunnelLink(inner, settings, options);
  }
}
