package io.pdu4j.bench.fleet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Locale;

/**
 * The floor of Enistic ingest: one thread on a blocking {@link DatagramChannel} that receives the
 * readings and counts their lines, nothing else. Its receive buffer is the Enistic transport's
 * default (1 MiB), so both see the same chance of loss.
 *
 * <p>Run as its own process: {@code DatagramFloor PORT}; prints {@code BOUND port}, then {@code
 * STATS datagrams D lines L} about once a second; runs until its standard input closes.
 */
public final class DatagramFloor {
  private DatagramFloor() {}

  /** Runs the reader; see the class comment. */
  public static void main(String[] args) throws IOException {
    DatagramChannel ch = DatagramChannel.open();
    ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
    ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])));
    long[] counts = new long[2];
    Child.exitWhenStdinCloses("floor-stdin");
    System.out.println("BOUND " + ((InetSocketAddress) ch.getLocalAddress()).getPort());
    System.out.flush();
    ByteBuffer buf = ByteBuffer.allocateDirect(2048);
    ch.configureBlocking(false);
    Selector selector = Selector.open();
    ch.register(selector, SelectionKey.OP_READ);
    long nextStats = System.nanoTime() + 1_000_000_000L;
    while (true) {
      selector.select(200);
      selector.selectedKeys().clear();
      while (true) {
        buf.clear();
        if (ch.receive(buf) == null) {
          break;
        }
        counts[0]++;
        buf.flip();
        boolean inLine = false;
        while (buf.hasRemaining()) {
          byte b = buf.get();
          if (b == '\r' || b == '\n') {
            if (inLine) {
              counts[1]++;
            }
            inLine = false;
          } else {
            inLine = true;
          }
        }
        if (inLine) {
          counts[1]++;
        }
      }
      long now = System.nanoTime();
      if (now >= nextStats) {
        nextStats = now + 1_000_000_000L;
        System.out.printf(Locale.ROOT, "STATS datagrams %d lines %d%n", counts[0], counts[1]);
        System.out.flush();
      }
    }
  }
}
