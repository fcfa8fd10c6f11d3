package io.pdu4j.sim.isotek.internal;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.pdu4j.sim.internal.Endpoint;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's sockets and threads: a TCP acceptor, one {@link ClientConnection} per client, a
 * push timer, and optionally a UDP discovery listener.
 *
 * <p>Every thread is a daemon named {@code isotek-sim-<tcpPort>-...}. {@link #close()} closes every
 * socket and returns only after every one of those threads has ended (or a few seconds passed).
 */
public final class IsoTekServer {

  private static final Logger LOG = LoggerFactory.getLogger(IsoTekServer.class);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

  private final SimulatorCore core;
  private final InetAddress bindAddress;
  private final int requestedTcpPort;
  private final int requestedUdpPort;
  private final Duration pushInterval;
  private final int maxClients;
  private final Supplier<String> addressLine;
  private final Duration restartTime;
  private volatile Path serialDevice;

  private final Object lock = new Object();
  private final Set<ClientConnection> connections = new LinkedHashSet<>();
  private ServerSocket serverSocket;
  private DatagramSocket udpSocket;
  private Thread acceptThread;
  private Thread udpThread;
  private ScheduledExecutorService pushTimer;
  private String threadPrefix;
  private int clientSequence;
  private volatile boolean started;
  private volatile boolean closed;
  private volatile boolean restarting;
  private int boundTcpPort;

  /**
   * Creates the server; {@link #start()} binds it.
   *
   * @param core what all connections share
   * @param bindAddress the local address for the TCP (and UDP) sockets
   * @param tcpPort the TCP port, 0 for an ephemeral one
   * @param udpPort the UDP discovery port, 0 for an ephemeral one, -1 for no UDP listener
   * @param pushInterval the time between two status pushes
   * @param maxClients connections beyond this many are closed as soon as accepted
   * @param addressLine the {@code A=} line for UDP discovery answers (without ending)
   * @param restartTime how long {@code X} keeps the unit from accepting connections
   */
  public IsoTekServer(
      SimulatorCore core,
      InetAddress bindAddress,
      int tcpPort,
      int udpPort,
      Duration pushInterval,
      int maxClients,
      Supplier<String> addressLine,
      Duration restartTime) {
    this.core = core;
    this.bindAddress = bindAddress;
    this.requestedTcpPort = tcpPort;
    this.requestedUdpPort = udpPort;
    this.pushInterval = pushInterval;
    this.maxClients = maxClients;
    this.addressLine = addressLine;
    this.restartTime = restartTime;
    core.restart().setHandler(this::restart);
  }

  /**
   * {@code X}: drops every connection (the one that asked closes itself after its {@code OK}),
   * closes the listening socket so connections are refused, and listens again on the same port
   * after the restart time. Relay states, settings and the schedule survive.
   */
  private void restart(ClientConnection from) {
    List<ClientConnection> others;
    synchronized (lock) {
      if (closed || restarting) {
        return;
      }
      restarting = true;
      others = new ArrayList<>(connections);
      others.remove(from);
      closeQuietly(serverSocket);
    }
    LOG.info("restarting: refusing connections for {}", restartTime);
    others.forEach(ClientConnection::close);
    pushTimer.schedule(this::restarted, restartTime.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void restarted() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      try {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bindAddress, boundTcpPort), 50);
        serverSocket = server;
      } catch (IOException e) {
        LOG.warn("could not listen again after the restart: {}", e.toString());
        return;
      } finally {
        restarting = false;
      }
      acceptThread = daemon(this::acceptLoop, threadPrefix + "accept");
      acceptThread.start();
      LOG.info("restarted: accepting connections again");
      if (serialDevice != null) {
        try {
          openSerial();
        } catch (IOException e) {
          LOG.warn("could not reopen the serial device after the restart: {}", e.toString());
        }
      }
    }
  }

  /**
   * Also serves the protocol on a serial device (e.g. a pseudo-terminal), opened as a file when the
   * server starts; call before {@link #start()}.
   */
  public void serveSerial(Path device) {
    this.serialDevice = device;
  }

  private void openSerial() throws IOException {
    Path device = serialDevice;
    ClientConnection connection =
        new ClientConnection(Endpoint.serial(device), threadPrefix + "serial", core, this::removed);
    synchronized (lock) {
      connections.add(connection);
    }
    connection.start();
    LOG.debug("serving on serial device {}", device);
  }

  /** Binds the sockets and starts the threads. */
  public void start() throws IOException {
    synchronized (lock) {
      if (started || closed) {
        throw new IllegalStateException("a simulator starts once; it cannot be restarted");
      }
      ServerSocket server = new ServerSocket();
      try {
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bindAddress, requestedTcpPort), 50);
        if (requestedUdpPort >= 0) {
          udpSocket = new DatagramSocket(new InetSocketAddress(bindAddress, requestedUdpPort));
        }
      } catch (IOException | RuntimeException e) {
        server.close();
        throw e;
      }
      serverSocket = server;
      boundTcpPort = server.getLocalPort();
      threadPrefix = "isotek-sim-" + server.getLocalPort() + "-";
      acceptThread = daemon(this::acceptLoop, threadPrefix + "accept");
      pushTimer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, threadPrefix + "push"));
      long periodNanos = pushInterval.toNanos();
      pushTimer.scheduleAtFixedRate(this::pushTick, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
      pushTimer.scheduleAtFixedRate(this::scheduleTick, 200, 200, TimeUnit.MILLISECONDS);
      acceptThread.start();
      if (serialDevice != null) {
        openSerial();
      }
      if (udpSocket != null) {
        udpThread = daemon(this::udpLoop, threadPrefix + "udp");
        udpThread.start();
      }
      started = true;
    }
  }

  /** The bound TCP port. */
  public int tcpPort() {
    if (!started) {
      throw new IllegalStateException("not started");
    }
    return boundTcpPort;
  }

  /** The bound UDP discovery port, empty when there is no UDP listener. */
  public OptionalInt udpPort() {
    if (!started) {
      throw new IllegalStateException("not started");
    }
    return udpSocket == null ? OptionalInt.empty() : OptionalInt.of(udpSocket.getLocalPort());
  }

  /** Whether {@link #start()} succeeded and {@link #close()} has not been called. */
  public boolean running() {
    return started && !closed;
  }

  /** How many TCP clients are connected now. */
  public int connectedClients() {
    synchronized (lock) {
      return connections.size();
    }
  }

  /** Queues {@code text} to every connected client, unchanged. */
  public void sendToAll(String text, String what) {
    for (ClientConnection c : connectionsSnapshot()) {
      c.offer(text, what);
    }
  }

  /** Closes every socket and waits for every thread to end. */
  public void close() {
    List<ClientConnection> toClose;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(connections);
    }
    if (!started) {
      return;
    }
    synchronized (lock) {
      closeQuietly(serverSocket);
    }
    if (udpSocket != null) {
      udpSocket.close();
    }
    pushTimer.shutdownNow();
    toClose.forEach(ClientConnection::close);
    try {
      acceptThread.join(JOIN_TIMEOUT.toMillis());
      if (udpThread != null) {
        udpThread.join(JOIN_TIMEOUT.toMillis());
      }
      if (!pushTimer.awaitTermination(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("push timer did not stop within {}", JOIN_TIMEOUT);
      }
      for (ClientConnection c : toClose) {
        c.join(JOIN_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private List<ClientConnection> connectionsSnapshot() {
    synchronized (lock) {
      return new ArrayList<>(connections);
    }
  }

  private void acceptLoop() {
    ServerSocket listening;
    synchronized (lock) {
      listening = serverSocket;
    }
    while (!closed) {
      Socket socket;
      try {
        socket = listening.accept();
      } catch (IOException e) {
        if (!closed && !restarting) {
          LOG.warn("accept failed, no more clients will be accepted: {}", e.toString());
        }
        return;
      }
      synchronized (lock) {
        if (closed) {
          closeQuietly(socket);
          return;
        }
        if (connections.size() >= maxClients) {
          LOG.info(
              "refusing client {}: already {} clients",
              socket.getRemoteSocketAddress(),
              maxClients);
          closeQuietly(socket);
          continue;
        }
        try {
          socket.setTcpNoDelay(true);
        } catch (SocketException e) {
          LOG.debug("could not set TCP_NODELAY", e);
        }
        String name = threadPrefix + "client-" + ++clientSequence;
        ClientConnection connection = new ClientConnection(socket, name, core, this::removed);
        connections.add(connection);
        connection.start();
        LOG.debug("{}: connected from {}", name, socket.getRemoteSocketAddress());
      }
    }
  }

  private void removed(ClientConnection connection) {
    synchronized (lock) {
      connections.remove(connection);
    }
  }

  private void scheduleTick() {
    try {
      core.device().runSchedule();
    } catch (RuntimeException e) {
      LOG.warn("schedule run failed", e);
    }
  }

  private void pushTick() {
    try {
      if (core.faults().pushesPaused()) {
        return;
      }
      List<ClientConnection> targets = connectionsSnapshot();
      if (targets.isEmpty()) {
        return;
      }
      // under the model's lock, like a command and its reply (see ClientConnection)
      synchronized (core.device()) {
        String block =
            core.renderer().renderPush(StatusFormat.statusLines(core.device().snapshot()));
        for (ClientConnection c : targets) {
          c.offer(block, "push");
        }
      }
    } catch (RuntimeException e) {
      // an exception would cancel the periodic task: log it and keep pushing
      LOG.warn("status push failed", e);
    }
  }

  private void udpLoop() {
    byte[] buffer = new byte[512];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udpSocket.receive(packet);
        String text =
            new String(packet.getData(), packet.getOffset(), packet.getLength(), ISO_8859_1);
        if (text.strip().equals("A?")) {
          answerDiscovery(packet);
        } else {
          LOG.debug("udp: ignored '{}' from {}", Escapes.visible(text), packet.getSocketAddress());
        }
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("UDP discovery listener failed: {}", e.toString());
        }
        return;
      }
    }
  }

  private void answerDiscovery(DatagramPacket request) {
    byte[] answer = core.renderer().renderLine(addressLine.get()).getBytes(ISO_8859_1);
    try {
      udpSocket.send(new DatagramPacket(answer, answer.length, request.getSocketAddress()));
      LOG.debug("udp: answered A? from {}", request.getSocketAddress());
    } catch (IOException e) {
      // one unreachable asker must not stop the listener
      if (!closed) {
        LOG.debug("udp: answer to {} failed: {}", request.getSocketAddress(), e.toString());
      }
    }
  }

  private static Thread daemon(Runnable body, String name) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("close failed", e);
    }
  }
}
