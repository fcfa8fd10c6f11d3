package io.pdu4j.bench.fleet;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Free loopback ports, found by binding port 0 and closing again. */
final class FreePorts {
  private FreePorts() {}

  /** A UDP port that was free a moment ago. */
  static int udp() throws IOException {
    try (DatagramSocket s = new DatagramSocket(null)) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }
}
