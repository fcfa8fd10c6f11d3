package io.pdu4j.sim.extron.internal;

import static io.pdu4j.sim.extron.internal.SisCommands.ascii;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Telnet port on 127.0.0.1: accepts clients, one {@link SisSession} and thread each; with a
 * connection limit, one client too many gets {@code E26} and is closed.
 *
 * <p>Thread-safe.
 */
public final class SisServer {
  private static final Logger LOG = LoggerFactory.getLogger(SisServer.class);

  private final SisCommands commands;
  private final SimThreads threads;
  private final List<SisSession> sessions = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;
  private volatile boolean running;

  /** A server answering with {@code commands}, its threads from {@code threads}. */
  public SisServer(SisCommands commands, SimThreads threads) {
    this.commands = commands;
    this.threads = threads;
  }

  /** Binds the configured port; {@link #serve()} starts accepting. */
  public void bind() throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), commands.config().telnetPort()));
    server = s;
    running = true;
  }

  /** Whether the port is bound. */
  public boolean bound() {
    return server != null;
  }

  /** Starts the thread accepting clients. */
  public void serve() {
    threads.thread("accept", this::acceptLoop).start();
  }

  /** The bound port. */
  public int port() {
    ServerSocket s = server;
    if (s == null) {
      throw new IllegalStateException("not started");
    }
    return s.getLocalPort();
  }

  /** The sessions now open. */
  public int sessions() {
    return sessions.size();
  }

  /** Closes every open session. */
  public void dropSessions() {
    for (SisSession s : sessions) {
      s.close();
    }
  }

  /** Stops accepting and closes every session. */
  public void close() {
    running = false;
    try {
      if (server != null) {
        server.close();
      }
    } catch (IOException e) {
      LOG.debug("close: {}", e.toString());
    }
    dropSessions();
  }

  private void acceptLoop() {
    int max = commands.config().maxConnections();
    while (running) {
      try {
        Socket s = server.accept();
        if (max > 0 && sessions.size() >= max) {
          refuse(s);
          continue;
        }
        SisSession session = new SisSession(s, commands, sessions::remove);
        sessions.add(session);
        threads.thread("client-" + s.getPort(), session::serve).start();
      } catch (IOException e) {
        if (running) {
          LOG.debug("accept: {}", e.toString());
        }
      }
    }
  }

  /** E26 (maximum connections exceeded), then the connection is closed. */
  private static void refuse(Socket s) {
    try (s) {
      s.getOutputStream().write(ascii("E26\r\n"));
      s.getOutputStream().flush();
    } catch (IOException e) {
      LOG.debug("refuse: {}", e.toString());
    }
  }
}
