package io.pdu4j.sim.isotek;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A raw TCP client on loopback that records everything it receives, with arrival times. */
final class TestClient implements AutoCloseable {

  /** One complete LF-ended line and when its last byte arrived. */
  record TimedLine(long nanos, String text) {}

  private final Socket socket;
  private final OutputStream out;
  private final Thread reader;
  private final StringBuilder received = new StringBuilder();
  private final StringBuilder partialLine = new StringBuilder();
  private final List<TimedLine> lines = new ArrayList<>();
  private int consumed;
  private volatile boolean eof;

  private TestClient(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    reader = new Thread(this::readLoop, "test-client-reader");
    reader.setDaemon(true);
    reader.start();
  }

  static TestClient connect(int port) {
    try {
      return new TestClient(port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code raw} exactly. */
  void send(String raw) {
    try {
      out.write(raw.getBytes(ISO_8859_1));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code command} and {@code \n}. */
  void sendLine(String command) {
    send(command + "\n");
  }

  /** Everything received so far and not yet taken by {@link #awaitThrough(String)}. */
  synchronized String received() {
    return received.substring(consumed);
  }

  /** Every complete LF-ended line received since connecting. */
  synchronized List<TimedLine> lines() {
    return List.copyOf(lines);
  }

  boolean eof() {
    return eof;
  }

  /**
   * Waits until {@code terminator} has arrived, then returns everything up to and including its
   * first occurrence and forgets it.
   */
  String awaitThrough(String terminator) {
    await().atMost(Duration.ofSeconds(10)).until(() -> received().contains(terminator));
    synchronized (this) {
      String pending = received.substring(consumed);
      int end = pending.indexOf(terminator) + terminator.length();
      consumed += end;
      return pending.substring(0, end);
    }
  }

  /** Sends {@code command} + LF and returns the reply through the LF-ended prompt. */
  String request(String command) {
    sendLine(command);
    return awaitThrough(">\n");
  }

  private void readLoop() {
    byte[] buffer = new byte[4096];
    try {
      InputStream in = socket.getInputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        long now = System.nanoTime();
        String chunk = new String(buffer, 0, n, ISO_8859_1);
        synchronized (this) {
          received.append(chunk);
          for (char c : chunk.toCharArray()) {
            if (c == '\n') {
              lines.add(new TimedLine(now, partialLine.toString()));
              partialLine.setLength(0);
            } else {
              partialLine.append(c);
            }
          }
        }
      }
    } catch (IOException e) {
      // closed by us or reset by the peer: both end the stream for the test
    } finally {
      eof = true;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
      reader.join(5000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
