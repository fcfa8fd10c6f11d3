package io.pdu4j.sim.isotek.internal;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.pdu4j.sim.internal.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP client: a reader thread that handles its commands strictly in order, and a writer thread
 * that sends replies and pushes from a bounded queue.
 *
 * <p>Everything written goes through the queue as whole items (a complete reply, a complete push
 * block), so a push never lands inside a reply unless a fault puts it there. Pushes are offered and
 * dropped when the queue is full (a client that does not read must not stall the others); replies
 * wait for room, which stops the reader and lets TCP push back on the client.
 */
public final class ClientConnection {

  private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
  private static final int QUEUE_CAPACITY = 64;

  private record Outbound(byte[] bytes, boolean closeAfter, String what) {}

  private final Endpoint socket;
  private final String name;
  private final SimulatorCore core;
  private final Consumer<ClientConnection> onClosed;
  private final LineDecoder decoder;
  private final BlockingQueue<Outbound> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closeQueued;
  private final Thread reader;
  private final Thread writer;

  /**
   * Creates the connection; {@link #start()} starts its threads.
   *
   * @param socket the accepted socket
   * @param threadName the base name of its two threads ({@code -reader}, {@code -writer} appended)
   * @param core what all connections share
   * @param onClosed called once when the connection closes, whatever closed it
   */
  public ClientConnection(
      Socket socket, String threadName, SimulatorCore core, Consumer<ClientConnection> onClosed) {
    this(Endpoint.of(socket), threadName, core, onClosed);
  }

  /**
   * Creates a connection on any endpoint (a serial device, for example).
   *
   * @param endpoint where the client's bytes come from and go to
   * @param threadName the base name of its two threads
   * @param core what all connections share
   * @param onClosed called once when the connection closes, whatever closed it
   */
  public ClientConnection(
      Endpoint endpoint,
      String threadName,
      SimulatorCore core,
      Consumer<ClientConnection> onClosed) {
    this.socket = endpoint;
    this.name = threadName;
    this.core = core;
    this.onClosed = onClosed;
    this.decoder = new LineDecoder(core.maxLineLength());
    this.reader = new Thread(this::readLoop, threadName + "-reader");
    this.writer = new Thread(this::writeLoop, threadName + "-writer");
    reader.setDaemon(true);
    writer.setDaemon(true);
  }

  /** Starts the reader and writer threads. */
  public void start() {
    writer.start();
    reader.start();
  }

  /** Whether the connection has been closed. */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * Queues raw text (a push, injected garbage) without waiting.
   *
   * @return false when the connection is closed or its queue is full, and the text was dropped
   */
  public boolean offer(String text, String what) {
    if (closed.get()) {
      return false;
    }
    if (!queue.offer(new Outbound(text.getBytes(ISO_8859_1), false, what))) {
      long n = dropped.incrementAndGet();
      if (n == 1 || n % 100 == 0) {
        LOG.debug("{}: client is not reading, {} dropped so far ({})", name, n, what);
      }
      return false;
    }
    return true;
  }

  /** Closes the socket and stops both threads; safe to call more than once, from any thread. */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("{}: closing socket failed", name, e);
    }
    reader.interrupt();
    writer.interrupt();
    onClosed.accept(this);
    LOG.debug("{}: disconnected", name);
  }

  /** Waits for both threads to end. */
  public void join(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread t : List.of(reader, writer)) {
      if (t.isAlive() && t != Thread.currentThread()) {
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        t.join(left);
      }
    }
  }

  private void readLoop() {
    List<LineDecoder.Line> lines = new ArrayList<>();
    byte[] buffer = new byte[512];
    try {
      InputStream in = socket.input();
      while (!closed.get()) {
        int n = in.read(buffer);
        if (n < 0) {
          LOG.debug("{}: client closed the connection", name);
          break;
        }
        decoder.feed(buffer, 0, n, lines::add);
        for (LineDecoder.Line line : lines) {
          if (!handle(line)) {
            return;
          }
        }
        lines.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      if (!closed.get()) {
        LOG.debug("{}: read failed: {}", name, e.toString());
      }
    } finally {
      // a close-mid-reply leaves the closing to the writer, after the partial reply is out
      if (!closeQueued) {
        close();
      }
    }
  }

  /** Handles one line; returns false when the connection is to stop reading. */
  private boolean handle(LineDecoder.Line line) throws InterruptedException {
    String text = line.text();
    if (line.overlong()) {
      core.log().add("<discarded over-long line of " + line.length() + " characters>");
      LOG.debug("{}: rx over-long line of {} characters, discarded", name, line.length());
    } else if (text.isEmpty()) {
      return true;
    } else {
      core.log().add(text);
      if (LOG.isDebugEnabled()) {
        LOG.debug("{}: rx {}", name, Escapes.visible(text));
      }
    }
    Faults faults = core.faults();
    Duration latency = faults.replyLatency();
    if (!latency.isZero()) {
      TimeUnit.NANOSECONDS.sleep(latency.toNanos());
    }
    // the model's lock also covers the push timer's snapshot-and-offer: a push taken before this
    // command ran can then never be queued after its reply (it would look like a later status)
    synchronized (core.device()) {
      return reply(text, line.overlong(), faults);
    }
  }

  private boolean reply(String text, boolean overlong, Faults faults) throws InterruptedException {
    Reply reply = overlong ? Reply.error() : core.processor().handle(text);
    if (faults.silent()) {
      LOG.debug("{}: silent, no reply", name);
      return true;
    }
    if (reply.rejected() && core.silentOnError()) {
      LOG.debug("{}: rejected, no reply (silent on error)", name);
      return true;
    }
    List<String> push =
        faults.takePushDuringReply()
            ? StatusFormat.statusLines(core.device().snapshot())
            : List.of();
    String rendered = core.renderer().render(reply, push);
    if (faults.takePushBeforeReply()) {
      // one write: the push lands right before the reply, every time, not by luck of timing
      rendered =
          core.renderer().renderPush(StatusFormat.statusLines(core.device().snapshot())) + rendered;
    }
    byte[] bytes = rendered.getBytes(ISO_8859_1);
    if (faults.takeCloseMidReply()) {
      int cut = Math.max(1, bytes.length / 2);
      closeQueued = true;
      queue.put(new Outbound(Arrays.copyOf(bytes, cut), true, "partial reply, then close"));
      return false;
    }
    if (faults.takeTruncateReply()) {
      // a line that stays up after a torn reply: the rest of it is never sent
      queue.put(
          new Outbound(
              Arrays.copyOf(bytes, Math.max(1, bytes.length / 2)), false, "truncated reply"));
      return true;
    }
    if (reply.restart()) {
      // X: the OK goes out, this connection closes, the others are dropped by the server
      closeQueued = true;
      queue.put(new Outbound(bytes, true, "reply, then restart"));
      core.restart().trigger(this);
      return false;
    }
    queue.put(new Outbound(bytes, false, "reply"));
    return true;
  }

  private void writeLoop() {
    try {
      OutputStream out = socket.output();
      while (!closed.get()) {
        Outbound item = queue.take();
        out.write(item.bytes());
        out.flush();
        if (LOG.isTraceEnabled()) {
          LOG.trace(
              "{}: tx {}: {}",
              name,
              item.what(),
              Escapes.visible(new String(item.bytes(), ISO_8859_1)));
        } else if (LOG.isDebugEnabled() && !item.what().equals("push")) {
          LOG.debug(
              "{}: tx {}: {}",
              name,
              item.what(),
              Escapes.visible(new String(item.bytes(), ISO_8859_1)));
        }
        if (item.closeAfter()) {
          LOG.debug("{}: closing after {}", name, item.what());
          socket.shutdownOutput();
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      if (!closed.get()) {
        LOG.debug("{}: write failed: {}", name, e.toString());
      }
    } finally {
      close();
    }
  }
}
