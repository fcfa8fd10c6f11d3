package io.pdu4j.spi;

/**
 * What the runtime gives a {@link DeviceDiscoverer} to look with: datagram links of its {@code udp}
 * transport, like the link of any device, so that a discoverer needs no socket of its own.
 */
public interface DiscoveryContext {

  /**
   * A closed {@link Link.Kind#DATAGRAM} link bound (when opened) on every interface at {@code
   * port}, or at any free port for 0 (a link that sends a request and takes the answers); broadcast
   * is allowed. A port another link of the runtime listens on is shared (SO_REUSEADDR): each gets
   * every datagram. The link calls its listener on {@link Link#executor()}; the discoverer closes
   * it ({@link DatagramWindow} does).
   *
   * @throws io.pdu4j.api.InvalidArgumentException when the port is not 0..65535
   * @throws io.pdu4j.api.UnsupportedCapabilityException when the runtime has no {@code udp}
   *     transport
   */
  Link datagramLink(int port);
}
