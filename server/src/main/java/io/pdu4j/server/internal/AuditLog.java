package io.pdu4j.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.runtime.json.DeviceJson;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The audit file: one JSON line per control request, allowed or refused. Lines are queued (at most
 * {@link #QUEUE} waiting) and written by one thread of its own, so a slow or failing disk never
 * holds a request, let alone a device's thread. A line that finds the queue full, or whose write
 * fails, is lost and counted; the first failure of a burst is logged, the next ones only counted
 * until a write succeeds again.
 */
final class AuditLog implements AutoCloseable {
  /** Lines waiting to be written at most. */
  static final int QUEUE = 4096;

  /** One control request, as the audit file records it. */
  record Entry(
      Instant time,
      Optional<String> token,
      String remote,
      Optional<String> device,
      Optional<String> outlet,
      Optional<String> group,
      String action,
      int status,
      String outcome,
      Duration duration) {
    String json() {
      ObjectNode n = DeviceJson.object();
      n.put("time", time.toString());
      n.put("token", token.orElse(null));
      n.put("remote", remote);
      n.put("device", device.orElse(null));
      n.put("outlet", outlet.orElse(null));
      group.ifPresent(g -> n.put("group", g));
      n.put("action", action);
      n.put("status", status);
      n.put("outcome", outcome);
      n.put("durationMs", duration.toMillis());
      return DeviceJson.write(n);
    }
  }

  private final Path file;
  private final Consumer<String> log;
  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final Thread writer;
  private volatile boolean closed;
  private boolean failing;

  private AuditLog(Path file, Consumer<String> log) {
    this.file = file;
    this.log = log;
    this.writer = new Thread(this::run, "pdu4j-audit");
    writer.setDaemon(true);
  }

  /**
   * Opens the file for appending (created when missing) and starts the writer.
   *
   * @throws InvalidArgumentException when the file cannot be opened for writing
   */
  static AuditLog open(Path file, Consumer<String> log) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.newBufferedWriter(
              file,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND,
              StandardOpenOption.WRITE)
          .close();
    } catch (IOException | RuntimeException e) {
      throw new InvalidArgumentException(
          "api.audit: cannot write the audit file " + file + ": " + e.getMessage(), e);
    }
    AuditLog a = new AuditLog(file, log);
    a.writer.start();
    return a;
  }

  /** Queues one line; never blocks. */
  void record(Entry e) {
    if (closed || !queue.offer(e.json())) {
      fail("the audit queue is full (" + QUEUE + " lines); a line was lost");
    }
  }

  /** Lines lost: the queue was full or a write failed. */
  long failures() {
    return failures.get();
  }

  /** Lines written. */
  long written() {
    return written.get();
  }

  private void run() {
    List<String> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        String first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
      } catch (InterruptedException e) {
        if (closed) {
          queue.drainTo(batch);
          write(batch);
          return;
        }
        continue;
      }
      queue.drainTo(batch, 255);
      write(batch);
      batch.clear();
    }
  }

  private void write(List<String> lines) {
    if (lines.isEmpty()) {
      return;
    }
    try (Writer w =
        Files.newBufferedWriter(
            file,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND,
            StandardOpenOption.WRITE)) {
      for (String l : lines) {
        w.write(l);
        w.write('\n');
      }
      w.flush();
      written.addAndGet(lines.size());
      synchronized (this) {
        if (failing) {
          failing = false;
          log.accept("audit file " + file + " is written again");
        }
      }
    } catch (IOException | RuntimeException e) {
      failures.addAndGet(lines.size() - 1L);
      fail("cannot write the audit file " + file + ": " + e.getMessage());
    }
  }

  private void fail(String why) {
    failures.incrementAndGet();
    synchronized (this) {
      if (failing) {
        return;
      }
      failing = true;
    }
    log.accept("WARNING: " + why + " (further failures are counted until a write succeeds)");
  }

  /** Writes what is queued (within 2 s), then stops the writer. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.interrupt();
  }
}
