package io.pdu4j.example.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A line relay board on loopback, for tests and demos: a thread per client, one shared set of
 * relays. {@link #silent(boolean)} makes it read and not answer; {@link #dropClients()} closes
 * every connection.
 *
 * <p>Run it alone with {@code java -cp pdu4j-example-driver.jar
 * io.pdu4j.example.relay.LineRelaySimulator [port] [relays]}; it prints {@code listening on port
 * N}.
 */
public final class LineRelaySimulator implements AutoCloseable {
  private final ServerSocket server;
  private final boolean[] relays;
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
  private final List<String> received = new ArrayList<>(); // guarded by itself
  private volatile boolean silent;
  private volatile boolean dropNext;

  /** Starts listening on {@code port} of loopback (0: any free port). */
  public LineRelaySimulator(int port, int relayCount) {
    if (relayCount < 1 || relayCount > 64) {
      throw new IllegalArgumentException("relays must be 1..64");
    }
    this.relays = new boolean[relayCount];
    try {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread accept = new Thread(this::accept, "line-relay-sim-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** Runs a simulator until killed. */
  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 7000;
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    LineRelaySimulator sim = new LineRelaySimulator(port, count);
    System.out.println("listening on port " + sim.port());
    System.out.flush();
    Thread.currentThread().join();
  }

  /** The port it listens on. */
  public int port() {
    return server.getLocalPort();
  }

  /** Whether relay {@code n} (from 1) is on. */
  public synchronized boolean relay(int n) {
    return relays[n - 1];
  }

  /** Switches a relay by hand, as a person at the board would. */
  public synchronized void setRelay(int n, boolean on) {
    relays[n - 1] = on;
  }

  /** Whether to read commands and answer none (a hung board). */
  public void silent(boolean silent) {
    this.silent = silent;
  }

  /** Makes it close the connection instead of answering the next command it receives. */
  public void dropOnNextCommand() {
    this.dropNext = true;
  }

  /** Every command line received, in order. */
  public List<String> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** Closes every client connection; it keeps listening. */
  public void dropClients() {
    clients.forEach(LineRelaySimulator::closeQuietly);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        clients.add(s);
        Thread t = new Thread(() -> serve(s), "line-relay-sim-client");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket;
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))) {
      OutputStream out = socket.getOutputStream();
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (received) {
          received.add(line);
        }
        if (dropNext) {
          dropNext = false;
          return; // closes the socket
        }
        if (silent) {
          continue;
        }
        out.write((answer(line.strip()) + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    } finally {
      clients.remove(socket);
    }
  }

  private synchronized String answer(String command) {
    String[] f = command.split(" +");
    if (f.length == 1 && f[0].equals("STATUS")) {
      return states();
    }
    if (f.length == 2 && (f[0].equals("ON") || f[0].equals("OFF"))) {
      int n;
      try {
        n = Integer.parseInt(f[1]);
      } catch (NumberFormatException e) {
        return "ERR not a relay number: " + f[1];
      }
      if (n < 1 || n > relays.length) {
        return "ERR no relay " + n;
      }
      relays[n - 1] = f[0].equals("ON");
      return states();
    }
    return "ERR unknown command";
  }

  private String states() {
    StringBuilder b = new StringBuilder("RELAYS");
    for (boolean r : relays) {
      b.append(r ? " 1" : " 0");
    }
    return b.toString();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    dropClients();
  }
}
