package io.pdu4j.bench.fleet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The floor: the least any program can do with the fleet's load. One thread, one {@link Selector},
 * a connection to every unit of a {@link LoadGenerator}, and nothing done with the bytes but
 * splitting them into lines (each copied out of the read buffer, as a real reader must before it
 * parses) and counting them and the status blocks ({@code RTC=} lines).
 *
 * <p>Run as its own process: {@code FloorReader ADDRESS_FILE} (the generator's, one {@code
 * host:port} a line). Prints {@code CONNECTED n} once every unit is connected, then {@code STATS
 * lines L blocks B} once a second; runs until its standard input closes. At most {@value
 * #CONNECTS_IN_FLIGHT} connects are in flight at once.
 */
public final class FloorReader {
  private static final int CONNECTS_IN_FLIGHT = 256;
  private static final int MAX_LINE = 1024;

  private long lines;
  private long blocks;

  private FloorReader() {}

  /** One connection's unfinished line. */
  private static final class Conn {
    final byte[] line = new byte[MAX_LINE];
    int length;
  }

  /** Runs the reader; see the class comment. */
  public static void main(String[] args) throws IOException {
    List<InetSocketAddress> units = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (!line.isBlank()) {
        units.add(parse(line.trim()));
      }
    }
    Child.exitWhenStdinCloses("floor-stdin");
    new FloorReader().run(units);
  }

  /** {@code host:port}, the host a literal IPv4 address. */
  static InetSocketAddress parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("not host:port: '" + hostPort + "'");
    }
    return new InetSocketAddress(
        hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private void run(List<InetSocketAddress> ports) throws IOException {
    Selector selector = Selector.open();
    int opened = 0;
    int connecting = 0;
    int connected = 0;
    boolean announced = false;
    ByteBuffer read = ByteBuffer.allocateDirect(64 * 1024);
    long nextStats = System.nanoTime() + 1_000_000_000L;
    while (true) {
      while (opened < ports.size() && connecting < CONNECTS_IN_FLIGHT) {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        if (ch.connect(ports.get(opened++))) {
          ch.register(selector, SelectionKey.OP_READ, new Conn());
          connected++;
        } else {
          ch.register(selector, SelectionKey.OP_CONNECT, new Conn());
          connecting++;
        }
      }
      if (!announced && connected == ports.size()) {
        announced = true;
        System.out.println("CONNECTED " + connected);
        System.out.flush();
      }
      selector.select(200);
      for (SelectionKey key : selector.selectedKeys()) {
        SocketChannel ch = (SocketChannel) key.channel();
        if (key.isValid() && key.isConnectable()) {
          connecting--;
          try {
            ch.finishConnect();
            key.interestOps(SelectionKey.OP_READ);
            connected++;
          } catch (IOException e) {
            System.out.println("CONNECT_FAILED " + e.getMessage());
            key.cancel();
            ch.close();
          }
        } else if (key.isValid() && key.isReadable()) {
          read.clear();
          int n;
          try {
            n = ch.read(read);
          } catch (IOException e) {
            n = -1;
          }
          if (n < 0) {
            key.cancel();
            ch.close();
            continue;
          }
          read.flip();
          split(read, (Conn) key.attachment());
        }
      }
      selector.selectedKeys().clear();
      long now = System.nanoTime();
      if (now >= nextStats) {
        nextStats += 1_000_000_000L;
        System.out.printf(Locale.ROOT, "STATS lines %d blocks %d%n", lines, blocks);
        System.out.flush();
      }
    }
  }

  private void split(ByteBuffer read, Conn c) {
    while (read.hasRemaining()) {
      byte b = read.get();
      if (b == '\n' || b == '\r') {
        if (c.length > 0) {
          lines++;
          if (c.length > 4 && c.line[0] == 'R' && c.line[1] == 'T' && c.line[2] == 'C') {
            blocks++;
          }
        }
        c.length = 0;
      } else if (c.length < MAX_LINE) {
        c.line[c.length++] = b;
      }
    }
  }
}
