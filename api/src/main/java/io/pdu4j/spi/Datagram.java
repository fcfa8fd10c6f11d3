package io.pdu4j.spi;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * One UDP datagram: its payload and the peer it came from or goes to.
 *
 * @param peer the sender of a received datagram, or the destination of one to send
 * @param payload the bytes (copied in and out: the record stays immutable)
 */
public record Datagram(InetSocketAddress peer, byte[] payload) {
  /** Copies the payload. */
  public Datagram {
    Objects.requireNonNull(peer, "peer");
    payload = payload.clone();
  }

  /** A copy of the payload. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Datagram d && peer.equals(d.peer) && Arrays.equals(payload, d.payload);
  }

  @Override
  public int hashCode() {
    return 31 * peer.hashCode() + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "Datagram[" + peer + ", " + payload.length + " bytes]";
  }
}
