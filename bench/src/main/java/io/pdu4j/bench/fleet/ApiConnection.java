package io.pdu4j.bench.fleet;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The command client of the fleet benchmark: one kept-alive HTTP/1.1 connection to serve's API,
 * written and read on the caller's thread, so that a command's latency is serve's and the loopback
 * round trip, not a client's thread hand-offs. The JDK's {@code HttpClient} hands each request to
 * its selector thread and back (about half a millisecond at the median on this machine, more before
 * its code is compiled), which is the benchmark's own cost, not pdu4j's.
 *
 * <p>It speaks only what serve answers: a status line, headers, and a body of {@code
 * Content-Length} bytes. A response without one, over-long header lines or bodies, and a server
 * that closes the connection fail with {@link IOException}; after {@code Connection: close} or a
 * failure the next request opens a new connection. Not thread-safe.
 */
final class ApiConnection implements AutoCloseable {
  /** The longest status or header line read. */
  static final int MAX_LINE = 8 * 1024;

  /** The largest body read. */
  static final int MAX_BODY = 1024 * 1024;

  /** A response: its status code and its body as UTF-8. */
  record Response(int status, String body) {}

  private final int port;
  private final Duration timeout;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  /** A client of the API at {@code 127.0.0.1:port}; connects at the first request. */
  ApiConnection(int port, Duration timeout) {
    this.port = port;
    this.timeout = timeout;
  }

  /** Sends {@code POST path} with no body and this bearer token; returns the response. */
  Response post(String path, String token) throws IOException {
    String request =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nAuthorization: Bearer "
            + token
            + "\r\nContent-Length: 0\r\n\r\n";
    if (socket == null) {
      connect();
    }
    try {
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return read();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout((int) timeout.toMillis());
      s.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) timeout.toMillis());
      in = new BufferedInputStream(s.getInputStream());
      out = s.getOutputStream();
      socket = s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  private Response read() throws IOException {
    String statusLine = line();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x status line: " + statusLine);
    }
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status: " + statusLine, e);
    }
    long length = -1;
    boolean closeAfter = false;
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        throw new IOException("not a header line: " + h);
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        try {
          length = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new IOException("not a length: " + h, e);
        }
      } else if (name.equals("transfer-encoding")) {
        throw new IOException("a body in " + value + " encoding is not read here");
      } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
        closeAfter = true;
      }
    }
    if (length < 0 || length > MAX_BODY) {
      throw new IOException(
          length < 0
              ? "a response without Content-Length"
              : "a body of " + length + " bytes (at most " + MAX_BODY + " read)");
    }
    byte[] body = in.readNBytes((int) length);
    if (body.length < length) {
      throw new EOFException("the server closed the connection inside a body");
    }
    if (closeAfter) {
      close();
    }
    return new Response(status, new String(body, StandardCharsets.UTF_8));
  }

  /** One line without its CR LF. */
  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("the server closed the connection");
      }
      if (c == '\n') {
        return b.toString(StandardCharsets.ISO_8859_1);
      }
      if (c != '\r') {
        if (b.size() >= MAX_LINE) {
          throw new IOException("a header line longer than " + MAX_LINE + " bytes");
        }
        b.write(c);
      }
    }
  }

  @Override
  public void close() throws IOException {
    Socket s = socket;
    socket = null;
    in = null;
    out = null;
    if (s != null) {
      s.close();
    }
  }
}
