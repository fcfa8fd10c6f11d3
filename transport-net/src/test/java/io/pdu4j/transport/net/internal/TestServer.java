package io.pdu4j.transport.net.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A plain-JDK TCP server on loopback that accepts connections and lets a test drive them. */
final class TestServer implements AutoCloseable {
  private final ServerSocket server;
  private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
  private final List<Socket> all = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private TestServer(int backlog, boolean accept) throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
    if (accept) {
      acceptor = new Thread(this::acceptLoop, "test-server-" + server.getLocalPort());
      acceptor.setDaemon(true);
      acceptor.start();
    } else {
      acceptor = null;
    }
  }

  /** A server that accepts every connection. */
  static TestServer start() throws IOException {
    return new TestServer(50, true);
  }

  /** A server that never accepts, with a tiny backlog: a queue that fills up. */
  static TestServer notAccepting() throws IOException {
    return new TestServer(1, false);
  }

  /** A loopback port on which nobody listens (it was just free). */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    try {
      while (!server.isClosed()) {
        Socket s = server.accept();
        s.setSoTimeout(10_000);
        all.add(s);
        accepted.add(s);
      }
    } catch (IOException e) {
      // closed
    }
  }

  /** The next accepted connection, waiting up to five seconds. */
  Socket awaitConnection() throws InterruptedException {
    Socket s = accepted.poll(5, TimeUnit.SECONDS);
    if (s == null) {
      throw new AssertionError("no connection accepted within 5 s on port " + port());
    }
    return s;
  }

  /** Connections accepted but not yet taken by {@link #awaitConnection()}. */
  int waitingConnections() {
    return accepted.size();
  }

  static byte[] readExactly(Socket s, int n) throws IOException {
    byte[] b = s.getInputStream().readNBytes(n);
    if (b.length != n) {
      throw new AssertionError("expected " + n + " bytes, got " + b.length + " before EOF");
    }
    return b;
  }

  /** Reads until end of stream, returning how many bytes came (-1 meaning reset). */
  static long readToEnd(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[8192];
    long total = 0;
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        total += n;
      }
    } catch (SocketException e) {
      return -1;
    }
    return total;
  }

  /** Closes a connection with an RST instead of a FIN. */
  static void reset(Socket s) throws IOException {
    s.setSoLinger(true, 0);
    s.close();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : all) {
      s.close();
    }
    if (acceptor != null) {
      try {
        acceptor.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
