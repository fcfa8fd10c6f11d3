package io.pdu4j.transport.serial.internal;

import com.fazecast.jSerialComm.SerialPort;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One opening of a serial port: its reader thread (which opens the port, reads it, and releases it
 * when it ends), its {@link PortWriter} thread, and its inbound backlog. Everything it learns goes
 * to the device's executor as {@link Events}, tagged with this opening, so that the link drops the
 * events of an old one.
 */
final class OpenPort {
  private static final Logger log = LoggerFactory.getLogger(OpenPort.class);

  /** What an opening tells its link, always on the device's executor. */
  interface Events {
    void opened(OpenPort port);

    void openFailed(OpenPort port, PowerDeviceException error);

    void data(OpenPort port, byte[] bytes);

    void lost(OpenPort port, LinkLostException reason);
  }

  private final OpenPort previous;
  private final SerialSettings settings;
  private final String description;
  private final Executor executor;
  private final Events events;
  private final String threadName;
  private final InboundGate inbound = new InboundGate(SerialLink.READ_HIGH, SerialLink.READ_LOW);
  private final PortWriter writer;
  private final AtomicBoolean lostReported = new AtomicBoolean();
  final CompletableFuture<Void> released = new CompletableFuture<>();
  private volatile boolean stopped;
  private volatile Thread writerThread;
  private volatile String realPath;
  private SerialPort port; // reader thread only, and the release it runs

  OpenPort(
      OpenPort previous,
      SerialSettings settings,
      String description,
      Executor executor,
      PortWriter.Completer completer,
      Events events) {
    this.previous = previous;
    this.settings = settings;
    this.description = description;
    this.executor = executor;
    this.events = events;
    this.threadName = "pdu4j-serial-" + settings.path();
    this.writer = new PortWriter(description, completer);
  }

  /** Starts the reader thread, which opens the port. */
  void start() {
    Thread reader = new Thread(this::run, threadName);
    reader.setDaemon(true);
    reader.start();
  }

  /** Asks the threads to end; the reader notices within a read timeout and releases the port. */
  void stop() {
    stopped = true;
    inbound.wake();
    Thread w = writerThread;
    if (w != null) {
      w.interrupt();
    }
  }

  /** The real path of the port once claimed, for messages. */
  String realPath() {
    return realPath;
  }

  /** Bytes read that wait for the executor. */
  int inboundWaiting() {
    return inbound.waiting();
  }

  /** Bytes queued to be written. */
  long outboundWaiting() {
    return writer.queued();
  }

  /** Queues a send; false once stopping. */
  boolean enqueue(PortWriter.Write write) {
    return writer.enqueue(write, stopped);
  }

  // ------------------------------------------------------------------ reader thread

  private void run() {
    try {
      if (previous != null) {
        try {
          previous.released.get(SerialLink.JOIN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          DeviceUnreachableException error =
              new DeviceUnreachableException(
                  SerialPorts.cannotOpen(
                      description, "its previous opening has not released the port yet"),
                  e);
          post(() -> events.openFailed(this, error));
          return;
        }
      }
      if (stopped) {
        return;
      }
      try {
        port =
            SerialPorts.open(
                settings, description, this, SerialLink.READ_TIMEOUT_MILLIS, p -> realPath = p);
      } catch (DeviceUnreachableException e) {
        post(() -> events.openFailed(this, e));
        return;
      }
      if (stopped) {
        return;
      }
      SerialPort p = port;
      Thread w =
          new Thread(
              () -> writer.run(p, () -> stopped, SerialLink.READ_TIMEOUT_MILLIS, this::reportLost),
              threadName + "-writer");
      w.setDaemon(true);
      writerThread = w;
      w.start();
      post(() -> events.opened(this));
      readLoop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception | Error e) {
      log.debug("{}: reader failed", description, e);
      if (port == null) {
        DeviceUnreachableException error =
            new DeviceUnreachableException(
                SerialPorts.cannotOpen(description, "unexpected failure: " + e), e);
        post(() -> events.openFailed(this, error));
      } else {
        reportLost("read failed (" + e + ")");
      }
    } finally {
      release();
    }
  }

  private void readLoop() throws InterruptedException {
    byte[] buffer = new byte[SerialLink.CHUNK];
    Path file = settings.path().indexOf('/') >= 0 ? Path.of(settings.path()) : null;
    while (!stopped) {
      if (inbound.full()) {
        inbound.awaitRoom(() -> stopped, SerialLink.READ_TIMEOUT_MILLIS);
        continue;
      }
      int n = port.readBytes(buffer, buffer.length);
      if (stopped) {
        return;
      }
      if (n > 0) {
        byte[] copy = Arrays.copyOf(buffer, n);
        inbound.read(n);
        post(
            () -> {
              events.data(this, copy);
              inbound.consumed(n);
            });
      } else if (n == 0) {
        if (file != null && !Files.exists(file)) {
          reportLost("port removed: " + settings.path() + " no longer exists");
          return;
        }
      } else {
        reportLost("port closed/removed: " + SerialPorts.readFailure(port.getLastErrorCode()));
        return;
      }
    }
  }

  private void reportLost(String why) {
    if (lostReported.compareAndSet(false, true)) {
      LinkLostException reason = new LinkLostException(description + ": " + why);
      post(() -> events.lost(this, reason));
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
    Thread w = writerThread;
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
        joinQuietly(w, SerialLink.JOIN_WAIT);
        if (w.isAlive()) {
          log.warn("{}: writer thread did not end in time", description);
        }
      }
    } finally {
      writer.drain();
      if (realPath != null) {
        SerialPorts.release(realPath, this);
      }
      log.debug("{}: port released", description);
      released.complete(null);
    }
  }

  private static void joinQuietly(Thread t, Duration wait) {
    try {
      t.join(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
