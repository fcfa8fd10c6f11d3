package io.pdu4j.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for a test to give a process it starts, or to find nobody listening on.
 *
 * <p>Not {@code new ServerSocket(0)}: the kernel hands out that port again to the next socket bound
 * to port 0, a simulator's for one, so that two listeners the test meant apart could meet on one
 * port. These come from below the kernel's ephemeral range (Linux: {@code
 * /proc/sys/net/ipv4/ip_local_port_range}), which nothing bound to port 0 takes.
 */
final class Ports {
  private static final int LOWEST = 10_000;

  private Ports() {}

  /** A TCP port nothing listens on now, on any address, outside the ephemeral range. */
  static int unused() throws IOException {
    int below = ephemeralStart();
    if (below - LOWEST < 1000) {
      try (ServerSocket s = new ServerSocket(0)) { // an odd range: the ephemeral way after all
        return s.getLocalPort();
      }
    }
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
      try (ServerSocket s = new ServerSocket(port)) {
        return s.getLocalPort();
      } catch (IOException taken) {
        // another listener there: try another
      }
    }
    throw new IOException("no unused TCP port between " + LOWEST + " and " + below);
  }

  private static int ephemeralStart() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32768; // Linux's default
    }
  }
}
