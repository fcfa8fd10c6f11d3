package io.pdu4j.sim.extron.internal;

import static io.pdu4j.sim.extron.internal.SisCommands.ascii;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IPCP's web form on 127.0.0.1: {@code GET /?cmd=W03%2A10%2A2%2A62DRS|data} (or the data
 * inline, before the {@code |}) and the other commands as {@code GET /?cmd=W...|}, with HTTP Basic
 * authentication when a password is set; each answer has a {@code Content-Length}, and the
 * connection stays open for the next request.
 *
 * <p>A raw server: the web form's {@code |} is not legal in a {@link java.net.URI}, so the JDK's
 * HttpServer drops it. Thread-safe.
 */
public final class WebFormServer {
  private static final Logger LOG = LoggerFactory.getLogger(WebFormServer.class);

  private final SisCommands commands;
  private final IpcpConfig config;
  private final SimThreads threads;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private ServerSocket http;
  private volatile boolean running;

  /** A server answering with {@code commands}, its threads from {@code threads}. */
  public WebFormServer(SisCommands commands, SimThreads threads) {
    this.commands = commands;
    this.config = commands.config();
    this.threads = threads;
  }

  /** Binds the configured port and starts accepting. */
  public synchronized void start() throws IOException {
    http = new ServerSocket();
    http.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.httpPort()));
    running = true;
    ServerSocket bound = http;
    threads
        .thread(
            "http",
            () -> {
              while (running) {
                try {
                  Socket s = bound.accept();
                  sockets.add(s);
                  threads.thread("http-" + s.getPort(), () -> session(s)).start();
                } catch (IOException e) {
                  if (running) {
                    LOG.debug("http accept: {}", e.toString());
                  }
                }
              }
            })
        .start();
  }

  /** The bound port, -1 if not bound. */
  public synchronized int port() {
    return http == null ? -1 : http.getLocalPort();
  }

  /** Stops accepting and closes every connection. */
  public synchronized void close() {
    running = false;
    if (http == null) {
      return;
    }
    try {
      http.close();
    } catch (IOException e) {
      LOG.debug("close: {}", e.toString());
    }
    for (Socket w : sockets) {
      try {
        w.close();
      } catch (IOException e) {
        LOG.debug("close: {}", e.toString());
      }
    }
  }

  private void session(Socket socket) {
    try (socket) {
      socket.setSoTimeout((int) config.idleTimeout().toMillis());
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      String expected =
          config.adminPassword() == null
              ? null
              : "Basic "
                  + Base64.getEncoder()
                      .encodeToString(
                          (config.webUser() + ":" + config.adminPassword())
                              .getBytes(StandardCharsets.UTF_8));
      while (true) {
        String requestLine = httpLine(in);
        if (requestLine == null) {
          return;
        }
        String authorization = null;
        String header;
        while ((header = httpLine(in)) != null && !header.isEmpty()) {
          if (header.toLowerCase(Locale.ROOT).startsWith("authorization:")) {
            authorization = header.substring(14).trim();
          }
        }
        if (header == null) {
          return;
        }
        String[] parts = requestLine.split(" ");
        String status = "200 OK";
        byte[] body = new byte[0];
        if (expected != null && !expected.equals(authorization)) {
          status = "401 Unauthorized";
        } else if (parts.length < 2 || !parts[1].startsWith("/?cmd=")) {
          body = ascii("E10\r\n");
        } else {
          String cmd = parts[1].substring(6);
          commands.state().record("web " + cmd);
          Matcher m = SisCommands.WEB_SEND_DATA.matcher(cmd);
          body = m.matches() ? sendData(m) : command(cmd);
        }
        out.write(
            ascii(
                "HTTP/1.1 "
                    + status
                    + "\r\nContent-Type: text/plain\r\nContent-Length: "
                    + body.length
                    + "\r\n\r\n"));
        out.write(body);
        out.flush();
      }
    } catch (IOException e) {
      LOG.debug("web session ended: {}", e.toString());
    } finally {
      sockets.remove(socket);
    }
  }

  private byte[] sendData(Matcher m) {
    String inline = m.group(6);
    String after = m.group(7);
    if (!inline.isEmpty() && !after.isEmpty()) {
      return ascii("E13\r\n"); // data on both sides of the '|'
    }
    byte[] data =
        inline.isEmpty()
            ? SisCommands.percentDecode(after)
            : SisCommands.percentDecode(
                new String(SisCommands.percentDecode(inline), StandardCharsets.ISO_8859_1));
    return commands.sendData(m, data);
  }

  /** Another command in the web form: {@code W03%2A115200%2CN%2C8%2C1CP|}. */
  private byte[] command(String cmd) {
    if (!cmd.startsWith("W") || !cmd.endsWith("|")) {
      return ascii("E10\r\n");
    }
    String line =
        new String(
            SisCommands.percentDecode(cmd.substring(1, cmd.length() - 1)),
            StandardCharsets.ISO_8859_1);
    return ascii(commands.serial(line));
  }

  private static String httpLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      if (c == '\n') {
        return b.toString();
      }
      if (c != '\r' && b.length() < 4096) {
        b.append((char) c);
      }
    }
  }
}
