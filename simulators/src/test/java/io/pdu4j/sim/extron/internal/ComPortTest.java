package io.pdu4j.sim.extron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.sim.internal.Endpoint;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** A COM port in front of a device that pushes status blocks all the time, as an IsoTek does. */
class ComPortTest {
  private static final String PUSH =
      "CH1=1|230|35|\r\nCH6=1|230|8|\r\nRTC=2026/03|04|05|06|07|\r\n";
  private static final String ANSWER = "OK\r\n>";

  /**
   * The device: each read of its output is one whole push (or, once a command came, its answer), as
   * a unit writes a status block in one go; between pushes it pauses a moment.
   */
  private static final class PushingDevice implements Endpoint {
    private final AtomicBoolean asked = new AtomicBoolean();
    private volatile boolean closed;

    @Override
    public InputStream input() {
      return new InputStream() {
        @Override
        public int read() {
          throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) throws InterruptedIOException {
          if (closed) {
            return -1;
          }
          boolean answer = asked.getAndSet(false);
          if (!answer) {
            // the pause between pushes: without it the port's reader fills its queue faster than
            // an exchange starting on a loaded machine clears it, and drops the answer
            LockSupport.parkNanos(1_000_000);
          }
          String next = answer ? ANSWER : PUSH;
          byte[] bytes = next.getBytes(StandardCharsets.ISO_8859_1);
          System.arraycopy(bytes, 0, b, off, bytes.length);
          return bytes.length;
        }
      };
    }

    @Override
    public OutputStream output() {
      return new OutputStream() {
        @Override
        public void write(int b) {
          if (b == '\n') {
            asked.set(true);
          }
        }
      };
    }

    @Override
    public void shutdownOutput() {}

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void aDeviceThatNeverSendsTheDelimiterEndsTheAnswerAtTheBound() {
    SimThreads threads = new SimThreads();
    PushingDevice device = new PushingDevice();
    ComPort port = new ComPort(3, () -> device, threads);
    try {
      // asks for a byte the device never sends, while it pushes every millisecond
      byte[] answer =
          port.exchange("X".getBytes(StandardCharsets.ISO_8859_1), 1000, 1000, '#', true);
      assertThat(answer.length).isEqualTo(ComPort.MAX_ANSWER);
    } finally {
      port.close();
      threads.joinAll();
    }
  }

  @Test
  void anAnswerNeverStartsInsideAStatusBlockTheDeviceSentBeforeTheCommand() {
    SimThreads threads = new SimThreads();
    PushingDevice device = new PushingDevice();
    ComPort port = new ComPort(3, () -> device, threads);
    try {
      for (int i = 0; i < 2000; i++) {
        String answer =
            new String(
                port.exchange("?\n".getBytes(StandardCharsets.ISO_8859_1), 1000, 1000, '>', true),
                StandardCharsets.ISO_8859_1);
        // whole blocks that came after the command, then the answer; never a block's tail
        assertThat(answer).as("exchange %d", i).endsWith(ANSWER);
        assertThat(answer.substring(0, answer.length() - ANSWER.length()).replace(PUSH, ""))
            .as("exchange %d: %s", i, answer)
            .isEmpty();
      }
    } finally {
      port.close();
      threads.joinAll();
    }
  }
}
