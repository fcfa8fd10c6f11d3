package io.pdu4j.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP relay on loopback between a driver and a simulator that cannot inject a fault itself: it
 * makes the device silent or slow, answers the next request with a rejection, drops or resets the
 * connection on the next request, cuts the next reply in the middle, puts bytes inside the next
 * reply, leaves connections half-open, or sends a flood of bytes to the driver, while the simulator
 * behind it stays as it is.
 *
 * <p>A "request" is what one read from the driver's side returns: drivers write a command in one
 * piece, and the relay acts on the first piece that arrives after the fault was armed. Use it where
 * the simulator lacks the switch; a simulator's own fault injection is closer to the device.
 *
 * <p>Lifecycle: {@link #start(int)} binds an ephemeral port on 127.0.0.1 and relays every
 * connection to the target port there; {@link #close()} closes every socket and returns once its
 * threads (daemons named {@value #THREAD_PREFIX}...) have ended. Thread-safe.
 */
public final class TcpFaultProxy implements AutoCloseable {
  /** The start of the names of the threads a relay starts. */
  public static final String THREAD_PREFIX = "testkit-proxy-";

  private static final int BUFFER = 8192;

  private final ServerSocket server;
  private final int target;
  private final List<Pair> pairs = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final AtomicReference<byte[]> rejectNext = new AtomicReference<>();
  private final AtomicBoolean dropNext = new AtomicBoolean();
  private final AtomicBoolean resetNext = new AtomicBoolean();
  private final AtomicBoolean cutNextReply = new AtomicBoolean();
  private final AtomicReference<byte[]> insertNext = new AtomicReference<>();
  private volatile Duration latency = Duration.ZERO;
  private volatile Duration replyLatency = Duration.ZERO;
  private final AtomicInteger inDelay = new AtomicInteger();
  private final AtomicLong heldBack = new AtomicLong();
  private volatile boolean silent;
  private volatile boolean running = true;

  private TcpFaultProxy(ServerSocket server, int target) {
    this.server = server;
    this.target = target;
  }

  /** Starts relaying connections made to {@link #port()} to {@code 127.0.0.1:targetPort}. */
  public static TcpFaultProxy start(int targetPort) {
    try {
      ServerSocket s = new ServerSocket();
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      TcpFaultProxy proxy = new TcpFaultProxy(s, targetPort);
      proxy.thread("accept", proxy::acceptLoop).start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the fault proxy", e);
    }
  }

  /** The port the driver connects to. */
  public int port() {
    return server.getLocalPort();
  }

  /**
   * While set, nothing is relayed in either direction: requests and the device's pushes are read
   * and dropped, as a device that has stopped answering.
   */
  public void silent(boolean silent) {
    this.silent = silent;
  }

  /**
   * Answers the next request with {@code reply} (sent exactly as given, line ends included) instead
   * of passing it on.
   */
  public void rejectNextRequest(String reply) {
    rejectNext.set(Objects.requireNonNull(reply, "reply").getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Closes the connection when the next request arrives, instead of passing it on. */
  public void dropOnNextRequest() {
    dropNext.set(true);
  }

  /**
   * Resets the connection (TCP RST, not an orderly close) when the next request arrives, instead of
   * passing it on.
   */
  public void resetOnNextRequest() {
    resetNext.set(true);
  }

  /**
   * Passes the next request on, then cuts the device's answer to it: the first half of the next
   * bytes the device sends on that connection go to the driver (which may end mid-line), then the
   * connection is closed.
   */
  public void closeMidNextReply() {
    cutNextReply.set(true);
  }

  /**
   * Passes the next request on and puts {@code bytes} inside the device's answer to it: after the
   * first line end (LF) of the next bytes the device sends on that connection, or before them when
   * they hold none. For garbage, an over-long line or an unasked message arriving mid-reply.
   */
  public void insertIntoNextReply(byte[] bytes) {
    insertNext.set(Objects.requireNonNull(bytes, "bytes").clone());
  }

  /**
   * Delays every piece relayed, in both directions, by {@code latency} (zero for none); order is
   * kept.
   */
  public void latency(Duration latency) {
    if (latency == null || latency.isNegative()) {
      throw new IllegalArgumentException("latency must be zero or more, was " + latency);
    }
    this.latency = latency;
  }

  /**
   * Delays what the device sends (only that direction) by {@code latency} (zero for none), on top
   * of {@link #latency(Duration)}: a request reaches the device at once, its answer comes late.
   */
  public void replyLatency(Duration latency) {
    if (latency == null || latency.isNegative()) {
      throw new IllegalArgumentException("latency must be zero or more, was " + latency);
    }
    this.replyLatency = latency;
  }

  /**
   * How many pieces are being held back by a latency now: once it is 0 after the latency was
   * cleared, everything delayed has been relayed.
   */
  public int piecesInDelay() {
    return inDelay.get();
  }

  /**
   * Leaves the connections now relayed half-open: the sockets stay open, but the relay stops
   * reading what the driver sends on them (it piles up in the socket buffers) and drops what the
   * device sends, as a peer that hung or vanished without closing. Connections made afterwards are
   * relayed as usual, so a driver that gives up on the dead connection and connects again works.
   * {@link #clearFaults()} does not revive them.
   *
   * @return how many connections were left half-open
   */
  public int halfOpen() {
    int n = 0;
    for (Pair p : pairs) {
      p.stalled = true;
      n++;
    }
    return n;
  }

  /** Clears every armed fault, latency and silence (half-open connections stay dead). */
  public void clearFaults() {
    silent = false;
    latency = Duration.ZERO;
    replyLatency = Duration.ZERO;
    rejectNext.set(null);
    dropNext.set(false);
    resetNext.set(false);
    cutNextReply.set(false);
    insertNext.set(null);
  }

  /** Sends {@code bytes} to every connected driver now, between whatever the device sends. */
  public void sendToClients(byte[] bytes) {
    for (Pair p : pairs) {
      p.toClient(bytes, 0, bytes.length);
    }
  }

  /**
   * How many requests the relay has not passed on so far (read while silent, rejected, or dropped
   * on): a test can wait for it to know a fault has taken effect.
   */
  public long requestsHeldBack() {
    return heldBack.get();
  }

  /** The connections now relayed. */
  public int connections() {
    return pairs.size();
  }

  @Override
  public void close() {
    running = false;
    closeQuietly(server);
    pairs.forEach(Pair::close);
    for (Thread t : threads) {
      if (t != Thread.currentThread()) {
        try {
          t.join(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private Thread thread(String name, Runnable body) {
    Thread t = new Thread(body, THREAD_PREFIX + server.getLocalPort() + "-" + name);
    t.setDaemon(true);
    threads.removeIf(old -> !old.isAlive());
    threads.add(t);
    return t;
  }

  private void acceptLoop() {
    while (running) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Socket device = new Socket();
      try {
        device.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5000);
        client.setTcpNoDelay(true);
        device.setTcpNoDelay(true);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(device);
        continue;
      }
      Pair p = new Pair(client, device);
      pairs.add(p);
      thread("up-" + client.getPort(), p::requests).start();
      thread("down-" + client.getPort(), p::replies).start();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing on the way out: nothing left to tell
    }
  }

  /** One relayed connection. */
  private final class Pair {
    private final Socket client;
    private final Socket device;
    private final Object clientWrite = new Object();
    private final Object closing = new Object();
    private volatile boolean stalled;
    private volatile boolean cut;
    private volatile byte[] inserting;
    private boolean closed;

    Pair(Socket client, Socket device) {
      this.client = client;
      this.device = device;
    }

    void requests() {
      byte[] buf = new byte[BUFFER];
      try (InputStream in = client.getInputStream();
          OutputStream out = device.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (stalled) {
            heldBack.incrementAndGet();
            awaitClose();
            return;
          }
          if (dropNext.getAndSet(false)) {
            heldBack.incrementAndGet();
            return;
          }
          if (resetNext.getAndSet(false)) {
            heldBack.incrementAndGet();
            client.setSoLinger(true, 0); // close() then sends RST
            return;
          }
          byte[] reply = rejectNext.getAndSet(null);
          if (reply != null) {
            heldBack.incrementAndGet();
            toClient(reply, 0, reply.length);
          } else if (silent) {
            heldBack.incrementAndGet();
          } else {
            delay(latency);
            if (cutNextReply.getAndSet(false)) {
              cut = true;
            }
            byte[] insert = insertNext.getAndSet(null);
            if (insert != null) {
              inserting = insert;
            }
            out.write(buf, 0, n);
            out.flush();
          }
        }
      } catch (IOException e) {
        // either side closed: the pair ends
      } finally {
        close();
      }
    }

    void replies() {
      byte[] buf = new byte[BUFFER];
      try (InputStream in = device.getInputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (silent || stalled) {
            continue;
          }
          delay(latency.plus(replyLatency));
          byte[] insert = inserting;
          if (insert != null) {
            inserting = null;
            int at = lineEnd(buf, n);
            toClient(buf, 0, at);
            toClient(insert, 0, insert.length);
            toClient(buf, at, n - at);
          } else if (cut) {
            toClient(buf, 0, n / 2);
            return;
          } else {
            toClient(buf, 0, n);
          }
        }
      } catch (IOException e) {
        // either side closed: the pair ends
      } finally {
        close();
      }
    }

    void toClient(byte[] bytes, int offset, int length) {
      synchronized (clientWrite) {
        try {
          OutputStream out = client.getOutputStream();
          out.write(bytes, offset, length);
          out.flush();
        } catch (IOException e) {
          close();
        }
      }
    }

    /** Where to insert into {@code buf}: after its first LF, or at its start. */
    private static int lineEnd(byte[] buf, int n) {
      for (int i = 0; i < n; i++) {
        if (buf[i] == '\n') {
          return i + 1;
        }
      }
      return 0;
    }

    /** Holds a piece back for {@code d}, counted in {@link #piecesInDelay()}. */
    private void delay(Duration d) throws IOException {
      if (!d.isZero()) {
        inDelay.incrementAndGet();
        try {
          Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        } finally {
          inDelay.decrementAndGet();
        }
      }
    }

    /** A half-open connection's reader: reads nothing more until the relay closes it. */
    private void awaitClose() {
      synchronized (closing) {
        while (!closed && running) {
          try {
            closing.wait(1000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }

    void close() {
      pairs.remove(this);
      closeQuietly(client);
      closeQuietly(device);
      synchronized (closing) {
        closed = true;
        closing.notifyAll();
      }
    }
  }
}
