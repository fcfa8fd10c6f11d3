package io.pdu4j.sim.extron.internal;

import io.pdu4j.sim.internal.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the IPCP's serial ports: its settings (baud, parity, data and stop bits) as last set, and
 * the serial device behind it, if any. What the device sends outside a send-data-string is
 * discarded, as on the real unit.
 *
 * <p>Thread-safe: one exchange at a time; the device's bytes are read by a thread of its own.
 */
public final class ComPort {
  private static final Logger LOG = LoggerFactory.getLogger(ComPort.class);

  /**
   * The most an exchange collects, in bytes: a device that streams without a pause and never sends
   * the delimiter ends its answer here instead of filling the simulator's memory.
   */
  static final int MAX_ANSWER = 64 * 1024;

  private final int com;
  private final DeviceLine line;
  private final SimThreads threads;
  // what the device sent, as it was read: one read is one chunk, handed over whole, so that
  // clearing
  // before an exchange drops a chunk whole or not at all, never the first bytes of a status line
  // with its rest left to pass for the start of the answer
  private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>(1024);
  private byte[] chunk = new byte[0]; // the chunk an exchange is reading, and where
  private int at;
  private volatile String settings;
  private Endpoint endpoint;
  private volatile Endpoint ended; // the last endpoint whose device closed its end

  /**
   * A port.
   *
   * @param com its number, 1..16
   * @param line how to reach its device, null for none (an exchange then gets no answer)
   * @param threads where the thread reading the device comes from
   */
  public ComPort(int com, DeviceLine line, SimThreads threads) {
    this.com = com;
    this.line = line;
    this.threads = threads;
  }

  /** The settings as last set ({@code 115200,N,8,1}), empty if never set. */
  public Optional<String> settings() {
    return Optional.ofNullable(settings);
  }

  /** Sets the port up: {@code baud,parity,data,stop}, already checked. */
  void configure(String settings) {
    this.settings = settings;
  }

  /**
   * Writes {@code data} to the device and reads its answer: the first byte within {@code t1Millis},
   * each next one within {@code t2Millis}, until {@code n} bytes (or, with {@code delimiter}, the
   * byte {@code n}) came, or {@value #MAX_ANSWER} bytes. Empty when there is no device or it stayed
   * silent.
   */
  synchronized byte[] exchange(
      byte[] data, long t1Millis, long t2Millis, int n, boolean delimiter) {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    if (line == null) {
      return answer.toByteArray();
    }
    try {
      Integer c = null;
      for (int attempt = 0; attempt < 2; attempt++) {
        if (endpoint != null && endpoint == ended) {
          close();
        }
        if (endpoint == null) {
          connect();
        }
        Endpoint used = endpoint;
        received.clear(); // what the device sent unasked is lost, as on the real unit
        chunk = new byte[0];
        used.output().write(data);
        used.output().flush();
        c = next(t1Millis);
        if (c != null || ended != used) {
          break;
        }
        // the device had closed its end before the data reached it: connect again, send again
      }
      while (c != null) {
        answer.write(c);
        if (delimiter ? c == n : n > 0 && answer.size() >= n) {
          break;
        }
        if (answer.size() >= MAX_ANSWER) {
          LOG.debug("COM{}: answer cut at {} bytes", com, MAX_ANSWER);
          break;
        }
        c = next(t2Millis);
      }
    } catch (IOException e) {
      LOG.debug("COM{}: {}", com, e.toString());
      close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return answer.toByteArray();
  }

  /** The device's next byte, waiting at most {@code millis} for it; null when none came. */
  private Integer next(long millis) throws InterruptedException {
    if (at >= chunk.length) {
      byte[] more = received.poll(Math.max(millis, 1), TimeUnit.MILLISECONDS);
      if (more == null) {
        return null;
      }
      chunk = more;
      at = 0;
    }
    return chunk[at++] & 0xff;
  }

  private void connect() throws IOException {
    Endpoint opened = line.open();
    endpoint = opened;
    InputStream in = opened.input();
    threads
        .thread(
            "com" + com,
            () -> {
              byte[] buf = new byte[1024];
              try {
                int r;
                while ((r = in.read(buf)) > 0) {
                  if (!received.offer(Arrays.copyOf(buf, r))) {
                    LOG.debug("COM{}: {} bytes dropped, nobody reads the port", com, r);
                  }
                }
              } catch (IOException e) {
                LOG.debug("COM{} device: {}", com, e.toString());
              } finally {
                ended = opened;
                lineEnded(opened);
              }
            })
        .start();
  }

  /**
   * The device closed its end (a TCP device restarting): the next exchange connects again, as a
   * serial line that was never cut would simply carry on.
   */
  private synchronized void lineEnded(Endpoint ended) {
    if (endpoint == ended) {
      close();
    }
  }

  /** Closes the line to the device, if open; the next exchange opens it again. */
  public synchronized void close() {
    if (endpoint != null) {
      try {
        endpoint.close();
      } catch (IOException e) {
        LOG.debug("COM{}: {}", com, e.toString());
      }
      endpoint = null;
    }
  }
}
