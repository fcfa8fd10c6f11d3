package io.pdu4j.transport.serial.internal;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkLifecycle;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.TransportContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serial port {@link Link} on jSerialComm. Not a Netty channel: a reader thread and a writer
 * thread per open port, handing everything to the device's executor.
 *
 * <p>Threading: the link's state lives on the device's executor ({@link
 * TransportContext#executor()}). Each {@link #open} creates a {@link Port} whose reader thread
 * ({@code pdu4j-serial-<path>}) opens the port (blocking I/O, kept off the executor), then reads it
 * with a short timeout so it notices a close within {@value #READ_TIMEOUT_MILLIS} ms; its writer
 * thread ({@code pdu4j-serial-<path>-writer}) writes queued sends. Events of an old port are
 * recognised by identity and dropped, which is what makes {@code onDown} happen exactly once per
 * {@code onUp}. The reader thread releases the port when it ends: it stops the writer, closes the
 * port and joins the writer with a bounded wait; a later open of the same link waits (bounded) for
 * the previous port to be released first.
 *
 * <p>Detecting loss: jSerialComm keeps {@code isOpen()} true when the device vanishes, so loss is
 * read from the reads: a read error (a pseudo-terminal whose other end closed reads EIO; a hung-up
 * tty fails its byte count), or the port's path no longer existing while the line is idle.
 */
public final class SerialLink implements Link {
  private static final Logger log = LoggerFactory.getLogger(SerialLink.class);

  /** Outbound bytes above which the link reports busy. */
  static final int WRITE_HIGH = 64 * 1024;

  /** Inbound bytes waiting for the executor above which reading pauses. */
  static final int READ_HIGH = 64 * 1024;

  /** Inbound bytes waiting for the executor below which reading resumes. */
  static final int READ_LOW = 16 * 1024;

  /** How long one read waits for a byte, so the reader notices a close in time. */
  static final int READ_TIMEOUT_MILLIS = 100;

  /** The most bytes read at once. */
  static final int CHUNK = 4096;

  /** How long closing waits for the threads to end, and opening for a previous port's release. */
  static final Duration JOIN_WAIT = Duration.ofSeconds(2);

  /** Ports open in this process, by real path: a second opener is told the port is busy. */
  private static final ConcurrentHashMap<String, Port> OPEN_PORTS = new ConcurrentHashMap<>();

  private final SerialSettings settings;
  private final String description;
  private final ScheduledExecutorService executor;
  private final Duration connectTimeout;

  private final LinkLifecycle lifecycle;

  // Confined to the executor.
  private ScheduledFuture<?> openTimer;
  private Port current;

  // Read from any thread.
  private volatile Port upPort;
  private volatile Port lastPort;

  /**
   * Creates a closed link; does no I/O.
   *
   * @param settings the port's path and line settings
   * @param context the device's executor and options
   */
  public SerialLink(SerialSettings settings, TransportContext context) {
    this.settings = Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(context, "context");
    this.executor = Objects.requireNonNull(context.executor(), "context.executor()");
    this.connectTimeout = context.options().connectTimeout();
    this.description = settings.describe();
    this.lifecycle = new LinkLifecycle(description, executor, () -> false);
  }

  @Override
  public Kind kind() {
    return Kind.STREAM;
  }

  @Override
  public boolean carriesUnsolicited() {
    return true;
  }

  /** The port and its settings, e.g. {@code serial:///dev/ttyUSB0?baud=115200&…}. */
  @Override
  public String describe() {
    return description;
  }

  @Override
  public ScheduledExecutorService executor() {
    return executor;
  }

  @Override
  public boolean isOpen() {
    return upPort != null;
  }

  /** Bytes read from the latest port that wait for the executor (for tests). */
  int inboundWaiting() {
    Port p = lastPort;
    return p == null ? 0 : p.inbound.get();
  }

  @Override
  public String toString() {
    return "SerialLink[" + description + "]";
  }

  // ---------------------------------------------------------------------------------- open

  @Override
  public CompletionStage<Void> open(LinkListener newListener) {
    return lifecycle.open(newListener, this::doOpen);
  }

  private void doOpen() {
    Port port = new Port(lastPort);
    current = port;
    lastPort = port;
    openTimer =
        executor.schedule(
            () -> {
              if (current == port && lifecycle.isOpening()) {
                current = null;
                port.stop();
                failOpen(
                    new DeviceUnreachableException(
                        cannotOpen(
                            "opening timed out after " + connectTimeout.toMillis() + " ms")));
              }
            },
            connectTimeout.toNanos(),
            TimeUnit.NANOSECONDS);
    try {
      port.start();
    } catch (RuntimeException | OutOfMemoryError e) {
      current = null;
      port.released.complete(null);
      failOpen(new DeviceUnreachableException(cannotOpen("cannot start its thread: " + e), e));
    }
  }

  private void opened(Port port) {
    if (port != current || !lifecycle.isOpening()) {
      port.stop();
      return;
    }
    cancelOpenTimer();
    upPort = port;
    log.debug("{} up ({})", description, port.realPath);
    lifecycle.opened();
  }

  private void openFailed(Port port, PowerDeviceException error) {
    if (port != current || !lifecycle.isOpening()) {
      return;
    }
    current = null;
    failOpen(error);
  }

  private void failOpen(PowerDeviceException error) {
    cancelOpenTimer();
    lifecycle.failOpen(error);
  }

  private void cancelOpenTimer() {
    if (openTimer != null) {
      openTimer.cancel(false);
      openTimer = null;
    }
  }

  // ---------------------------------------------------------------------------------- events

  private void data(Port port, byte[] bytes) {
    if (port == upPort) {
      lifecycle.data(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
    }
  }

  private void lost(Port port, LinkLostException reason) {
    port.stop();
    if (port != upPort) {
      return;
    }
    upPort = null;
    current = null;
    lifecycle.down(reason);
  }

  // ---------------------------------------------------------------------------------- send

  @Override
  public CompletionStage<Void> send(ByteBuffer data) {
    Objects.requireNonNull(data, "data");
    Port port = upPort;
    if (port == null) {
      return lifecycle.failed(new LinkLostException(description + ": not open"));
    }
    long waiting = port.queued.get();
    if (waiting > WRITE_HIGH) {
      return lifecycle.failed(
          new DeviceBusyException(
              description + ": outbound buffer full (" + waiting + " bytes wait to be written)"));
    }
    byte[] copy = new byte[data.remaining()];
    data.duplicate().get(copy);
    CompletableFuture<Void> stage = new CompletableFuture<>();
    if (!port.enqueue(new Write(copy, stage))) {
      return lifecycle.failed(new LinkLostException(description + ": not open"));
    }
    return stage.minimalCompletionStage();
  }

  /** Completes a stage on the executor (or here when the executor is gone). */
  private void complete(CompletableFuture<Void> stage, Throwable error) {
    Runnable task =
        error == null ? () -> stage.complete(null) : () -> stage.completeExceptionally(error);
    lifecycle.execute(task, task);
  }

  // ---------------------------------------------------------------------------------- close

  @Override
  public CompletionStage<Void> close() {
    CompletableFuture<Void> stage = new CompletableFuture<>();
    lifecycle.execute(
        () -> doClose(stage),
        () -> {
          // The executor is gone, so nobody can be told; still release the port.
          Port last = lastPort;
          if (last != null) {
            last.stop();
          }
          stage.complete(null);
        });
    return stage.minimalCompletionStage();
  }

  private void doClose(CompletableFuture<Void> stage) {
    current = null;
    cancelOpenTimer();
    upPort = null;
    lifecycle.closed();
    Port last = lastPort;
    if (last == null) {
      stage.complete(null);
      return;
    }
    last.stop();
    if (last.released.isDone()) {
      stage.complete(null);
      return;
    }
    ScheduledFuture<?> giveUp =
        executor.schedule(
            () -> {
              if (stage.complete(null)) {
                log.warn(
                    "{}: its threads did not end within {} ms of closing",
                    description,
                    JOIN_WAIT.toMillis());
              }
            },
            JOIN_WAIT.toNanos(),
            TimeUnit.NANOSECONDS);
    last.released.whenComplete(
        (v, t) -> {
          giveUp.cancel(false);
          lifecycle.completeOnExecutor(stage);
        });
  }

  // ---------------------------------------------------------------------------------- threads

  private record Write(byte[] bytes, CompletableFuture<Void> stage) {}

  /** One opening of the port: its threads, its outbound queue and its inbound backlog. */
  private final class Port {
    private final Port previous;
    private final String threadName = "pdu4j-serial-" + settings.path();
    private final LinkedBlockingQueue<Write> writes = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicInteger inbound = new AtomicInteger();
    private final AtomicBoolean lostReported = new AtomicBoolean();
    private final Object readGate = new Object();
    private final Object writeLock = new Object();
    final CompletableFuture<Void> released = new CompletableFuture<>();
    private volatile boolean stopped;
    private volatile Thread writer;
    private volatile String realPath;
    private SerialPort port; // reader thread only, and the release it runs
    private boolean acceptWrites = true; // guarded by writeLock

    Port(Port previous) {
      this.previous = previous;
    }

    void start() {
      Thread reader = new Thread(this::run, threadName);
      reader.setDaemon(true);
      reader.start();
    }

    /** Asks the threads to end; the reader notices within a read timeout and releases the port. */
    void stop() {
      stopped = true;
      synchronized (readGate) {
        readGate.notifyAll();
      }
      Thread w = writer;
      if (w != null) {
        w.interrupt();
      }
    }

    boolean enqueue(Write write) {
      synchronized (writeLock) {
        if (!acceptWrites || stopped) {
          return false;
        }
        queued.addAndGet(write.bytes.length);
        writes.add(write);
        return true;
      }
    }

    // ------------------------------------------------------------------ reader thread

    private void run() {
      try {
        if (previous != null) {
          try {
            previous.released.get(JOIN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            DeviceUnreachableException error =
                new DeviceUnreachableException(
                    cannotOpen("its previous opening has not released the port yet"), e);
            post(() -> openFailed(this, error));
            return;
          }
        }
        if (stopped) {
          return;
        }
        try {
          openPort();
        } catch (DeviceUnreachableException e) {
          post(() -> openFailed(this, e));
          return;
        }
        if (stopped) {
          return;
        }
        Thread w = new Thread(this::writeLoop, threadName + "-writer");
        w.setDaemon(true);
        writer = w;
        w.start();
        post(() -> opened(this));
        readLoop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception | Error e) {
        log.debug("{}: reader failed", description, e);
        if (port == null) {
          DeviceUnreachableException error =
              new DeviceUnreachableException(cannotOpen("unexpected failure: " + e), e);
          post(() -> openFailed(this, error));
        } else {
          reportLost("read failed (" + e + ")");
        }
      } finally {
        release();
      }
    }

    private void openPort() {
      String path = settings.path();
      boolean isFile = path.indexOf('/') >= 0;
      String real = path;
      if (isFile) {
        try {
          real = Path.of(path).toRealPath().toString();
        } catch (NoSuchFileException e) {
          throw new DeviceUnreachableException(cannotOpen("no such port"), e);
        } catch (IOException | RuntimeException e) {
          throw new DeviceUnreachableException(cannotOpen("cannot resolve the path: " + e), e);
        }
      }
      Port holder = OPEN_PORTS.putIfAbsent(real, this);
      if (holder != null) {
        throw new DeviceUnreachableException(
            cannotOpen("port busy: already open in this process (" + real + ")"));
      }
      realPath = real;
      SerialPort p;
      try {
        p = SerialPort.getCommPort(path);
      } catch (SerialPortInvalidPortException e) {
        throw new DeviceUnreachableException(cannotOpen("no such port"), e);
      }
      p.setComPortParameters(
          settings.baud(), settings.dataBits(), stopBits(settings), parity(settings));
      p.setFlowControl(flow(settings));
      p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, READ_TIMEOUT_MILLIS, 0);
      // safety sleep 0: the driver's backoff already spaces reopenings out
      if (!p.openPort(0)) {
        throw new DeviceUnreachableException(cannotOpen(openFailure(p.getLastErrorCode())));
      }
      port = p;
    }

    private void readLoop() throws InterruptedException {
      byte[] buffer = new byte[CHUNK];
      Path file = settings.path().indexOf('/') >= 0 ? Path.of(settings.path()) : null;
      while (!stopped) {
        if (inbound.get() >= READ_HIGH) {
          synchronized (readGate) {
            while (!stopped && inbound.get() >= READ_LOW) {
              readGate.wait(READ_TIMEOUT_MILLIS);
            }
          }
          continue;
        }
        int n = port.readBytes(buffer, buffer.length);
        if (stopped) {
          return;
        }
        if (n > 0) {
          byte[] copy = Arrays.copyOf(buffer, n);
          inbound.addAndGet(n);
          post(
              () -> {
                data(this, copy);
                consumed(n);
              });
        } else if (n == 0) {
          if (file != null && !Files.exists(file)) {
            reportLost("port removed: " + settings.path() + " no longer exists");
            return;
          }
        } else {
          reportLost("port closed/removed: " + readFailure(port.getLastErrorCode()));
          return;
        }
      }
    }

    /** On the executor, after a chunk was delivered: resumes a paused reader. */
    private void consumed(int n) {
      int after = inbound.addAndGet(-n);
      if (after < READ_LOW && after + n >= READ_LOW) {
        synchronized (readGate) {
          readGate.notifyAll();
        }
      }
    }

    private void reportLost(String why) {
      if (lostReported.compareAndSet(false, true)) {
        LinkLostException reason = new LinkLostException(description + ": " + why);
        post(() -> lost(this, reason));
      }
      stop();
    }

    /** Hands a task to the executor; when it is gone, there is no one to deliver to: stop. */
    private void post(Runnable task) {
      try {
        executor.execute(task);
      } catch (RejectedExecutionException e) {
        stop();
      }
    }

    /** Stops the writer, closes the port, fails what was not written, forgets the port. */
    private void release() {
      stopped = true;
      Thread w = writer;
      try {
        if (w != null) {
          w.interrupt();
          joinQuietly(w, Duration.ofMillis(200));
        }
        if (port != null) {
          // also unblocks a write stuck on flow control
          port.closePort();
        }
        if (w != null) {
          joinQuietly(w, JOIN_WAIT);
          if (w.isAlive()) {
            log.warn("{}: writer thread did not end in time", description);
          }
        }
      } finally {
        List<Write> left = new ArrayList<>();
        synchronized (writeLock) {
          acceptWrites = false;
          writes.drainTo(left);
        }
        for (Write write : left) {
          queued.addAndGet(-write.bytes.length);
          complete(write.stage, new LinkLostException(description + ": closed before written"));
        }
        if (realPath != null) {
          OPEN_PORTS.remove(realPath, this);
        }
        log.debug("{}: port released", description);
        released.complete(null);
      }
    }

    private void joinQuietly(Thread t, Duration wait) {
      try {
        t.join(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    // ------------------------------------------------------------------ writer thread

    private void writeLoop() {
      while (!stopped) {
        Write w;
        try {
          w = writes.poll(READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          continue; // stop() interrupts; the loop condition decides
        }
        if (w == null) {
          continue;
        }
        int n = w.bytes.length == 0 ? 0 : port.writeBytes(w.bytes, w.bytes.length);
        queued.addAndGet(-w.bytes.length);
        if (n == w.bytes.length) {
          complete(w.stage, null);
        } else if (stopped) {
          complete(w.stage, new LinkLostException(description + ": closed before written"));
        } else {
          String why = writeFailure(n, w.bytes.length, port.getLastErrorCode());
          complete(w.stage, new LinkLostException(description + ": write failed: " + why));
          reportLost("port closed/removed: write failed: " + why);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------- messages

  private String cannotOpen(String why) {
    return "cannot open " + description + ": " + why;
  }

  /** Why jSerialComm could not open a port that exists, from the errno it reports. */
  String openFailure(int errno) {
    return switch (errno) {
      case 1, 13 -> "permission denied (is the user in the port's group, e.g. dialout?)";
      case 11 -> "port busy: locked by another process";
      case 16 -> "port busy";
      case 2 ->
          Files.exists(Path.of(settings.path()))
              ? "port busy: already open in this process"
              : "no such port";
      case 6, 19 -> "no such device (unplugged?)";
      case 5 -> "I/O error (EIO)";
      default -> "open failed (errno " + errno + ")";
    };
  }

  static String readFailure(int errno) {
    return switch (errno) {
      case 5 -> "I/O error (EIO)";
      case 6, 19 -> "no such device (ENODEV)";
      case 9 -> "port closed (EBADF)";
      case 0 -> "end of stream";
      default -> "read error (errno " + errno + ")";
    };
  }

  static String writeFailure(int written, int wanted, int errno) {
    if (written >= 0) {
      return "wrote " + written + " of " + wanted + " bytes" + (errno == 0 ? "" : errno(errno));
    }
    return readFailure(errno).replace("read error", "write error");
  }

  private static String errno(int errno) {
    return " (errno " + errno + ")";
  }

  private static int parity(SerialSettings s) {
    return switch (s.parity()) {
      case NONE -> SerialPort.NO_PARITY;
      case EVEN -> SerialPort.EVEN_PARITY;
      case ODD -> SerialPort.ODD_PARITY;
      case MARK -> SerialPort.MARK_PARITY;
      case SPACE -> SerialPort.SPACE_PARITY;
    };
  }

  private static int stopBits(SerialSettings s) {
    return switch (s.stopBits()) {
      case ONE -> SerialPort.ONE_STOP_BIT;
      case ONE_POINT_FIVE -> SerialPort.ONE_POINT_FIVE_STOP_BITS;
      case TWO -> SerialPort.TWO_STOP_BITS;
    };
  }

  private static int flow(SerialSettings s) {
    return switch (s.flow()) {
      case NONE -> SerialPort.FLOW_CONTROL_DISABLED;
      case RTSCTS -> SerialPort.FLOW_CONTROL_RTS_ENABLED | SerialPort.FLOW_CONTROL_CTS_ENABLED;
      case XONXOFF ->
          SerialPort.FLOW_CONTROL_XONXOFF_IN_ENABLED | SerialPort.FLOW_CONTROL_XONXOFF_OUT_ENABLED;
    };
  }
}
