package io.pdu4j.transport.serial.internal;

import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.transport.LinkLifecycle;
import io.pdu4j.spi.transport.TransportContext;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serial port {@link Link} on jSerialComm. Not a Netty channel: a reader thread and a writer
 * thread per open port, handing everything to the device's executor. This class is the link's state
 * (opening, up, closed); one opening of the port is an {@link OpenPort}, its sends a {@link
 * PortWriter}, its read back-pressure an {@link InboundGate}, and jSerialComm's port setup and
 * error numbers {@link SerialPorts}.
 *
 * <p>Threading: the link's state lives on the device's executor ({@link
 * TransportContext#executor()}). Each {@link #open} creates an {@link OpenPort} whose reader thread
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

  private final SerialSettings settings;
  private final String description;
  private final ScheduledExecutorService executor;
  private final Duration connectTimeout;

  private final LinkLifecycle lifecycle;
  private final PortEvents events = new PortEvents();

  // Confined to the executor.
  private ScheduledFuture<?> openTimer;
  private OpenPort current;

  // Read from any thread.
  private volatile OpenPort upPort;
  private volatile OpenPort lastPort;

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
    OpenPort p = lastPort;
    return p == null ? 0 : p.inboundWaiting();
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
    OpenPort port = new OpenPort(lastPort, settings, description, executor, this::complete, events);
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

  private void opened(OpenPort port) {
    if (port != current || !lifecycle.isOpening()) {
      port.stop();
      return;
    }
    cancelOpenTimer();
    upPort = port;
    log.debug("{} up ({})", description, port.realPath());
    lifecycle.opened();
  }

  private void openFailed(OpenPort port, PowerDeviceException error) {
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

  private void data(OpenPort port, byte[] bytes) {
    if (port == upPort) {
      lifecycle.data(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
    }
  }

  private void lost(OpenPort port, LinkLostException reason) {
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
    OpenPort port = upPort;
    if (port == null) {
      return lifecycle.failed(new LinkLostException(description + ": not open"));
    }
    long waiting = port.outboundWaiting();
    if (waiting > WRITE_HIGH) {
      return lifecycle.failed(
          new DeviceBusyException(
              description + ": outbound buffer full (" + waiting + " bytes wait to be written)"));
    }
    byte[] copy = new byte[data.remaining()];
    data.duplicate().get(copy);
    CompletableFuture<Void> stage = new CompletableFuture<>();
    if (!port.enqueue(new PortWriter.Write(copy, stage))) {
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
          OpenPort last = lastPort;
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
    OpenPort last = lastPort;
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

  /** The opening's events, handed to the link on its executor. */
  private final class PortEvents implements OpenPort.Events {
    @Override
    public void opened(OpenPort port) {
      SerialLink.this.opened(port);
    }

    @Override
    public void openFailed(OpenPort port, PowerDeviceException error) {
      SerialLink.this.openFailed(port, error);
    }

    @Override
    public void data(OpenPort port, byte[] bytes) {
      SerialLink.this.data(port, bytes);
    }

    @Override
    public void lost(OpenPort port, LinkLostException reason) {
      SerialLink.this.lost(port, reason);
    }
  }

  private String cannotOpen(String why) {
    return SerialPorts.cannotOpen(description, why);
  }
}
