package io.pdu4j.transport.net;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import io.pdu4j.transport.net.internal.UdpEndpoints;
import io.pdu4j.transport.net.internal.UdpLink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code udp} transport: a UDP endpoint listening on {@code host:port} of the address (the
 * wildcard {@code 0.0.0.0} when the address has no host, the driver's default port when it has no
 * port), sending unicast or broadcast datagrams with {@link Link#send(io.pdu4j.spi.Datagram)}.
 * Found through {@link java.util.ServiceLoader}.
 *
 * <p>Links are {@link Link.Kind#DATAGRAM} links that carry unsolicited datagrams. All links of this
 * provider bound to the same address and port share one socket (SO_REUSEADDR and SO_BROADCAST on):
 * each gets every datagram the socket receives, on its own executor, so that several devices (two
 * Enistic controllers on port 53005) can listen on one port. The socket closes when the last of its
 * links closes. Port 0 binds any free port, a socket of the link's own, never shared (a link that
 * sends requests and takes the answers, as a discovery does).
 *
 * <p>Options: {@code rcvbuf} (SO_RCVBUF in bytes, default {@value #DEFAULT_RCVBUF}, 4096..64 MiB);
 * {@code max-datagram} (default {@value #DEFAULT_MAX_DATAGRAM}, 64..65507): a bigger datagram is
 * counted and dropped. The host must be an IP address literal (the bind address): no lookups.
 *
 * <p>Reading: a socket is read when a datagram arrives until datagrams come fast (8 wakes within a
 * millisecond, or 32 datagrams waiting at once); then on a timer of 1 ms, stretched up to 4 ms at
 * lower rates so that a wake takes about 32 or more, its read interest off in between, so that a
 * wake takes what arrived meanwhile (about 50 datagrams at 50,000 a second) rather than one; back
 * on readiness when a timed read finds fewer than 2 a millisecond. Datagrams wait in the receive
 * buffer ({@code rcvbuf}) meanwhile: see docs/enistic.md, "Read mode".
 *
 * <p>Threads: a socket is registered on the executor of the link that binds it when that executor
 * is a Netty epoll or NIO loop (as the runtime passes); otherwise on the runtime's offered event
 * loop group or on one this provider starts (daemon threads), released by {@link #close()}.
 */
public final class UdpTransportProvider implements TransportProvider, AutoCloseable {
  /** SO_RCVBUF unless the address sets {@code rcvbuf}: 1 MiB. */
  public static final int DEFAULT_RCVBUF = 1 << 20;

  /** The largest datagram delivered unless the address sets {@code max-datagram}. */
  public static final int DEFAULT_MAX_DATAGRAM = 2048;

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final UdpEndpoints endpoints = new UdpEndpoints();

  /** Creates the provider; starts no threads. */
  public UdpTransportProvider() {}

  @Override
  public String scheme() {
    return "udp";
  }

  @Override
  public String description() {
    return "UDP endpoint: listen, unicast, broadcast (Netty, shared per port)";
  }

  @Override
  public Set<String> optionNames() {
    return Set.of("rcvbuf", "max-datagram");
  }

  /**
   * Creates a closed link bound (when opened) to the address's host and port. Does no I/O.
   *
   * @throws InvalidArgumentException when the host is not an IP literal, there is no port, or an
   *     option is out of range
   */
  @Override
  public Link create(DeviceAddress address, TransportContext context) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(context, "context");
    String host = address.host().orElse("0.0.0.0");
    if (address.port().isEmpty() && context.requirements().defaultPort().isEmpty()) {
      throw new InvalidArgumentException(
          "device address " + address + " needs a port; the driver has no default port");
    }
    // port 0: any free port, for a link that sends requests and takes the answers (discovery)
    int port =
        address.port().orElse(-1) == 0
            ? 0
            : address.portOr(context.requirements().defaultPort().orElse(0));
    InetAddress ip = literal(host, address);
    int rcvbuf = intOption(address, "rcvbuf", DEFAULT_RCVBUF, 4096, 64 << 20);
    int maxDatagram = intOption(address, "max-datagram", DEFAULT_MAX_DATAGRAM, 64, 65_507);
    return new UdpLink(endpoints, new InetSocketAddress(ip, port), context, rcvbuf, maxDatagram);
  }

  private static InetAddress literal(String host, DeviceAddress address) {
    boolean v4 = IPV4.matcher(host).matches();
    boolean v6 = host.indexOf(':') >= 0;
    if (!v4 && !v6) {
      throw new InvalidArgumentException(
          "device address " + address + ": the UDP bind host must be an IP address, got " + host);
    }
    try {
      return InetAddress.getByName(host); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new InvalidArgumentException(
          "device address " + address + ": bad IP address " + host, e);
    }
  }

  private static int intOption(DeviceAddress address, String name, int dflt, int min, int max) {
    String v = address.option(name).orElse(null);
    if (v == null) {
      return dflt;
    }
    int n;
    try {
      n = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(
          "device address " + address + ": " + name + " must be a whole number, got '" + v + "'",
          e);
    }
    if (n < min || n > max) {
      throw new InvalidArgumentException(
          "device address "
              + address
              + ": "
              + name
              + " must be "
              + min
              + ".."
              + max
              + ", got "
              + n);
    }
    return n;
  }

  /** How many sockets are bound (or binding) now. */
  public int openSockets() {
    return endpoints.size();
  }

  /** Stops the event loop threads this provider started; links on them go down. */
  @Override
  public void close() {
    endpoints.close();
  }

  @Override
  public String toString() {
    return "UdpTransportProvider";
  }
}
