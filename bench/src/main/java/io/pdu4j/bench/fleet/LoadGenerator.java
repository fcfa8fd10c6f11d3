package io.pdu4j.bench.fleet;

import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.sim.isotek.IsoTekUnit;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fleet's load: N IsoTek units behind one listening socket, all served by one thread with a
 * plain {@link Selector}. Unit {@code i} is the loopback address {@link #address(int)} (Linux
 * routes all of 127.0.0.0/8 to the loopback interface) at the generator's one port: the socket is
 * bound to the wildcard address, and an accepted connection belongs to the unit of its local
 * address, so N units cost one listening descriptor instead of N. A connection to any other address
 * (another interface, or a loopback address that is no unit) is closed at once. Each unit pushes
 * its status block once a second to every client connected to it, the units' pushes spread evenly
 * over the second, and answers commands ({@code ?}, {@code Sx=s}, {@code C?}, ...) with the text of
 * {@link IsoTekUnit}, the simulator's own model and formatting. A unit takes several clients, each
 * with its own pushes.
 *
 * <p>Run as its own process: {@code LoadGenerator UNITS ADDRESS_FILE [CLIENTS_PER_UNIT]}. It checks
 * the file descriptor limit first (exit 3 when too low), writes each unit's {@code host:port} to
 * {@code ADDRESS_FILE} (one a line, in unit order), prints {@code READY n}, and runs until its
 * standard input closes. Bounded: a client's unsent output over {@value #MAX_QUEUED} bytes loses
 * its next pushes, never a reply; a push more than half a second late (the generator starved of
 * CPU) is skipped rather than sent in a burst; both are counted in the once-a-second {@code STATS}
 * line, with the connections refused for not naming a unit.
 */
public final class LoadGenerator {
  static final int MAX_QUEUED = 64 * 1024;
  private static final int MAX_LINE = 1024;
  private static final int ACCEPTS_PER_TURN = 256;
  private static final long SECOND = 1_000_000_000L;

  /** Units per /24 of the loopback range: hosts 1 to 250, never a network or broadcast host. */
  private static final int PER_BLOCK = 250;

  /** At most this many units: their addresses stay inside 127.0.0.0/8. */
  static final int MAX_UNITS = 100_000;

  private final Selector selector;
  private final Unit[] units;
  private long pushes;
  private long pushesDropped;
  private long pushesLate;
  private long commands;
  private int clients;
  private long refused;

  private LoadGenerator(Selector selector, Unit[] units) {
    this.selector = selector;
    this.units = units;
  }

  /** One unit: its model and the clients connected to it. */
  private static final class Unit {
    final IsoTekUnit model;
    final List<Client> clients = new ArrayList<>(2);

    Unit(IsoTekUnit model) {
      this.model = model;
    }
  }

  /** One connection: the line being read and what waits to be written. */
  private static final class Client {
    final Unit unit;
    final SocketChannel channel;
    final byte[] line = new byte[MAX_LINE];
    int lineLength;
    boolean overlong;
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    int queued;

    Client(Unit unit, SocketChannel channel) {
      this.unit = unit;
      this.channel = channel;
    }
  }

  /**
   * The loopback address of unit {@code i}: {@code 127.0.x.y} with {@code y} from 1 to 250 and
   * {@code x} from 1 up (past 255 the count carries into the second octet, still loopback).
   */
  static InetAddress address(int i) {
    if (i < 0 || i >= MAX_UNITS) {
      throw new IllegalArgumentException("no unit " + i + " (0.." + (MAX_UNITS - 1) + ")");
    }
    int v = (1 + i / PER_BLOCK) << 8 | (1 + i % PER_BLOCK);
    try {
      return InetAddress.getByAddress(
          new byte[] {127, (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    } catch (IOException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }

  /** The unit whose address is {@code a}, or -1 when {@code a} is no unit's. */
  static int unitOf(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length != 4 || b[0] != 127) {
      return -1;
    }
    int block = (b[1] & 0xff) << 8 | (b[2] & 0xff);
    int host = b[3] & 0xff;
    if (block < 1 || host < 1 || host > PER_BLOCK) {
      return -1;
    }
    long i = (long) (block - 1) * PER_BLOCK + host - 1;
    return i < MAX_UNITS ? (int) i : -1;
  }

  /** Runs the generator; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: LoadGenerator UNITS ADDRESS_FILE [CLIENTS_PER_UNIT]");
      System.exit(2);
    }
    int n = Integer.parseInt(args[0]);
    if (n < 1 || n > MAX_UNITS) {
      System.err.println("LoadGenerator: UNITS must be 1.." + MAX_UNITS + ", not " + n);
      System.exit(2);
    }
    Path addressFile = Path.of(args[1]);
    int clientsPerUnit = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    long needed = descriptorsNeeded(n, clientsPerUnit);
    long limit = ProcessStats.openFileLimit();
    if (limit >= 0 && limit < needed) {
      System.out.printf(
          Locale.ROOT,
          "FD_LIMIT %d units with %d clients each need about %d file descriptors; the limit"
              + " (ulimit -n) is %d%n",
          n,
          clientsPerUnit,
          needed,
          limit);
      System.out.flush();
      System.exit(3);
    }
    Selector selector = Selector.open();
    Unit[] units = new Unit[n];
    for (int i = 0; i < n; i++) {
      units[i] =
          new Unit(
              IsoTekSimulator.builder()
                  .serialNumber(String.format(Locale.ROOT, "FLEET%05d", i))
                  .buildUnit());
    }
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
    server.bind(new InetSocketAddress(0), 4096);
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
    int port = server.socket().getLocalPort();
    StringBuilder addresses = new StringBuilder();
    for (int i = 0; i < n; i++) {
      addresses.append(address(i).getHostAddress()).append(':').append(port).append('\n');
    }
    Files.writeString(addressFile, addresses, StandardCharsets.US_ASCII);
    System.out.println("READY " + n);
    System.out.flush();
    Child.exitWhenStdinCloses("generator-stdin");
    new LoadGenerator(selector, units).run(System.out);
  }

  /** Descriptors a generator of {@code n} units needs: a connection per client, and some. */
  static long descriptorsNeeded(int n, int clientsPerUnit) {
    return (long) n * clientsPerUnit + 64;
  }

  private void run(PrintStream out) throws IOException {
    ByteBuffer read = ByteBuffer.allocateDirect(64 * 1024);
    long start = System.nanoTime();
    long cycle = start; // the start of the current second of pushes
    int next = 0; // the next unit to push
    long nextStats = start + SECOND;
    while (true) {
      long due = cycle + (next * SECOND) / units.length;
      long wait = Math.max(0, due - System.nanoTime());
      if (wait > 0) {
        selector.select(Math.max(1, wait / 1_000_000));
      } else {
        selector.selectNow();
      }
      for (SelectionKey key : selector.selectedKeys()) {
        if (!key.isValid()) {
          continue;
        }
        if (key.isAcceptable()) {
          accept(key);
          continue;
        }
        Client c = (Client) key.attachment();
        if (key.isReadable()) {
          readFrom(c, key, read);
        }
        if (key.isValid() && key.isWritable()) {
          flush(c, key);
        }
      }
      selector.selectedKeys().clear();
      long now = System.nanoTime();
      while (now >= cycle + (next * SECOND) / units.length) {
        if (now - (cycle + (next * SECOND) / units.length) > SECOND / 2) {
          pushesLate++; // starved of CPU: skip it rather than burst, so no unit exceeds 1 Hz
        } else {
          push(units[next]);
        }
        next++;
        if (next == units.length) {
          next = 0;
          cycle += SECOND;
        }
      }
      if (now >= nextStats) {
        nextStats += SECOND;
        out.printf(
            Locale.ROOT,
            "STATS clients %d pushes %d dropped %d late %d commands %d refused %d%n",
            clients,
            pushes,
            pushesDropped,
            pushesLate,
            commands,
            refused);
        out.flush();
      }
    }
  }

  /** Accepts what waits, up to {@value #ACCEPTS_PER_TURN}, so that pushes are not held up. */
  private void accept(SelectionKey key) throws IOException {
    for (int k = 0; k < ACCEPTS_PER_TURN; k++) {
      SocketChannel ch = ((ServerSocketChannel) key.channel()).accept();
      if (ch == null) {
        return;
      }
      int i = unitOf(((InetSocketAddress) ch.getLocalAddress()).getAddress());
      if (i < 0 || i >= units.length) {
        refused++; // the wildcard socket answers only the units' loopback addresses
        ch.close();
        continue;
      }
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Unit unit = units[i];
      Client c = new Client(unit, ch);
      unit.clients.add(c);
      clients++;
      ch.register(selector, SelectionKey.OP_READ, c);
    }
  }

  private void readFrom(Client c, SelectionKey key, ByteBuffer read) {
    read.clear();
    int n;
    try {
      n = c.channel.read(read);
    } catch (IOException e) {
      n = -1;
    }
    if (n < 0) {
      close(c, key);
      return;
    }
    read.flip();
    while (read.hasRemaining()) {
      byte b = read.get();
      if (b == '\n' || b == '\r') {
        if (c.overlong) {
          c.overlong = false;
          send(c, key, c.unit.model.answer("\u0000overlong"));
        } else if (c.lineLength > 0) {
          String line = new String(c.line, 0, c.lineLength, StandardCharsets.ISO_8859_1);
          commands++;
          send(c, key, c.unit.model.answer(line));
        }
        c.lineLength = 0;
      } else if (c.lineLength < MAX_LINE) {
        c.line[c.lineLength++] = b;
      } else {
        c.overlong = true; // answered with the error reply at its end, like the simulator
      }
    }
  }

  private void push(Unit unit) {
    if (unit.clients.isEmpty()) {
      return;
    }
    byte[] block = unit.model.push();
    // a copy: a write that fails closes its client, which leaves the unit's list
    for (Client c : unit.clients.toArray(new Client[0])) {
      if (c.queued + block.length > MAX_QUEUED) {
        pushesDropped++;
        continue;
      }
      pushes++;
      send(c, c.channel.keyFor(selector), block);
    }
  }

  private void send(Client c, SelectionKey key, byte[] bytes) {
    if (bytes.length == 0 || key == null || !key.isValid()) {
      return;
    }
    c.out.add(ByteBuffer.wrap(bytes));
    c.queued += bytes.length;
    flush(c, key);
  }

  private void flush(Client c, SelectionKey key) {
    try {
      while (!c.out.isEmpty()) {
        ByteBuffer head = c.out.peek();
        int written = c.channel.write(head);
        c.queued -= written;
        if (head.hasRemaining()) {
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          return;
        }
        c.out.poll();
      }
      key.interestOps(SelectionKey.OP_READ);
    } catch (IOException e) {
      close(c, key);
    }
  }

  private void close(Client c, SelectionKey key) {
    key.cancel();
    try {
      c.channel.close();
    } catch (IOException e) {
      // closing anyway
    }
    if (c.unit.clients.remove(c)) {
      clients--;
    }
    c.out.clear();
    c.queued = 0;
  }
}
