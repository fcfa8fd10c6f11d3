package io.pdu4j.transport.serial.internal;

import com.fazecast.jSerialComm.SerialPort;
import io.pdu4j.api.LinkLostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The outbound side of one opening of a port: the queue of sends, the count of bytes waiting (which
 * the link's back-pressure reads), and the writer thread that writes them in order.
 */
final class PortWriter {
  /** A send waiting to be written, and the stage it completes. */
  record Write(byte[] bytes, CompletableFuture<Void> stage) {}

  /** Completes a send's stage (on the device's executor): {@code null} error when written. */
  interface Completer {
    void complete(CompletableFuture<Void> stage, Throwable error);
  }

  private final String description;
  private final Completer completer;
  private final LinkedBlockingQueue<Write> writes = new LinkedBlockingQueue<>();
  private final AtomicLong queued = new AtomicLong();
  private final Object writeLock = new Object();
  private boolean acceptWrites = true; // guarded by writeLock

  PortWriter(String description, Completer completer) {
    this.description = description;
    this.completer = completer;
  }

  /** Bytes queued and not yet written. */
  long queued() {
    return queued.get();
  }

  /** Queues a send; false once the port is stopped or drained. */
  boolean enqueue(Write write, boolean stopped) {
    synchronized (writeLock) {
      if (!acceptWrites || stopped) {
        return false;
      }
      queued.addAndGet(write.bytes().length);
      writes.add(write);
      return true;
    }
  }

  /**
   * The writer thread's loop: writes queued sends to {@code port} until {@code stopped}; a short
   * write while running is a lost port, reported to {@code lost}.
   */
  void run(SerialPort port, BooleanSupplier stopped, int pollMillis, Consumer<String> lost) {
    while (!stopped.getAsBoolean()) {
      Write w;
      try {
        w = writes.poll(pollMillis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        continue; // stopping interrupts; the loop condition decides
      }
      if (w == null) {
        continue;
      }
      byte[] bytes = w.bytes();
      int n = bytes.length == 0 ? 0 : port.writeBytes(bytes, bytes.length);
      queued.addAndGet(-bytes.length);
      if (n == bytes.length) {
        completer.complete(w.stage(), null);
      } else if (stopped.getAsBoolean()) {
        completer.complete(w.stage(), closedBeforeWritten());
      } else {
        String why = SerialPorts.writeFailure(n, bytes.length, port.getLastErrorCode());
        completer.complete(
            w.stage(), new LinkLostException(description + ": write failed: " + why));
        lost.accept("port closed/removed: write failed: " + why);
      }
    }
  }

  /** Refuses further sends and fails those not written. */
  void drain() {
    List<Write> left = new ArrayList<>();
    synchronized (writeLock) {
      acceptWrites = false;
      writes.drainTo(left);
    }
    for (Write write : left) {
      queued.addAndGet(-write.bytes().length);
      completer.complete(write.stage(), closedBeforeWritten());
    }
  }

  private LinkLostException closedBeforeWritten() {
    return new LinkLostException(description + ": closed before written");
  }
}
