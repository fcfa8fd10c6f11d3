package io.pdu4j.sim.extron.internal;

import static io.pdu4j.sim.extron.internal.SisCommands.ascii;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Telnet client: the banner and date, the password prompt, then commands read byte by byte
 * ({@code Q} and relay commands end without CR; Esc commands end with CR; anything else ended by CR
 * or LF answers {@code E10}) and answered in order. A session silent for the idle timeout is
 * closed.
 *
 * <p>{@link #serve()} runs on a thread of its own; {@link #close()} may be called from any thread.
 */
public final class SisSession {
  private static final Logger LOG = LoggerFactory.getLogger(SisSession.class);
  private static final byte ESC = 0x1b;
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss", Locale.US);

  private final Socket socket;
  private final SisCommands commands;
  private final IpcpConfig config;
  private final IpcpState state;
  private final Consumer<SisSession> onEnd;
  private InputStream in;
  private OutputStream out;
  private boolean admin = true;
  private boolean verbose;

  /**
   * A session on an accepted socket.
   *
   * @param onEnd called once when {@link #serve()} returns, whatever ended it
   */
  public SisSession(Socket socket, SisCommands commands, Consumer<SisSession> onEnd) {
    this.socket = socket;
    this.commands = commands;
    this.config = commands.config();
    this.state = commands.state();
    this.onEnd = onEnd;
  }

  /** Closes the socket, ending {@link #serve()}. */
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("close: {}", e.toString());
    }
  }

  /** Greets, logs in and answers commands until the client leaves, idles or is closed. */
  public void serve() {
    try (socket) {
      socket.setSoTimeout((int) config.idleTimeout().toMillis());
      socket.setTcpNoDelay(true);
      in = socket.getInputStream();
      out = socket.getOutputStream();
      write(
          "(c) Copyright 2013, Extron Electronics, "
              + config.model()
              + ", V"
              + config.firmware()
              + ", 60-1071-02\r\n"
              + DATE.format(LocalDateTime.now())
              + "\r\n");
      if (config.loginRequired() && !login()) {
        return;
      }
      commandLoop();
    } catch (SocketTimeoutException e) {
      LOG.debug("idle timeout: closing the session");
    } catch (IOException e) {
      LOG.debug("session ended: {}", e.toString());
    } finally {
      onEnd.accept(this);
    }
  }

  private boolean login() throws IOException {
    while (true) {
      write("\r\nPassword:");
      String answer = readUntilCr();
      if (answer == null) {
        return false;
      }
      if (answer.equals(config.adminPassword())) {
        write("\r\nLogin Administrator\r\n");
        admin = true;
        return true;
      }
      if (config.userPassword() != null && answer.equals(config.userPassword())) {
        write("\r\nLogin User\r\n");
        admin = false;
        return true;
      }
    }
  }

  private String readUntilCr() throws IOException {
    // long enough for a send-data-string with 199 bytes of data inline, each %-encoded
    StringBuilder b = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      if (c == '\r') {
        return b.toString();
      }
      if (c != '\n' && b.length() < 1024) {
        b.append((char) c);
      }
    }
  }

  private void commandLoop() throws IOException {
    StringBuilder cmd = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        return;
      }
      if (c == ESC) {
        cmd.setLength(0);
        String line = readUntilCr();
        if (line == null) {
          return;
        }
        state.record("Esc" + line);
        escCommand(line);
        continue;
      }
      if (c == '\r' || c == '\n') {
        if (cmd.length() > 0) {
          state.record(cmd.toString());
          write("E10\r\n");
          cmd.setLength(0);
        }
        continue;
      }
      cmd.append((char) c);
      String t = cmd.toString();
      String relayAnswer;
      if (t.equalsIgnoreCase("Q")) {
        state.record(t);
        write(config.firmware() + "\r\n");
        cmd.setLength(0);
      } else if ((relayAnswer = commands.relay(t, admin)) != null) {
        write(relayAnswer);
        state.record(t);
        cmd.setLength(0);
      } else if (cmd.length() > 64) {
        write("E10\r\n");
        cmd.setLength(0);
      }
    }
  }

  private void escCommand(String line) throws IOException {
    Matcher m;
    if (line.matches("[0-3]CV")) {
      verbose = line.charAt(0) != '0';
      write("Vrb" + line.charAt(0) + "\r\n");
    } else if (line.equals("CV")) {
      write((verbose ? "3" : "0") + "\r\n");
    } else if (SisCommands.isSerialCommand(line)) {
      write(commands.serial(line));
    } else if ((m = SisCommands.SEND_DATA.matcher(line)).matches()) {
      String inline = m.group(6);
      byte[] data = inline.isEmpty() ? readData() : SisCommands.percentDecode(inline);
      write(commands.sendData(m, data));
    } else {
      write("E10\r\n");
    }
  }

  /** The data after the header's CR: up to and including the first LF, or a 100 ms pause. */
  private byte[] readData() throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    int idle = socket.getSoTimeout();
    socket.setSoTimeout(100);
    try {
      while (data.size() < 256) {
        int c = in.read();
        if (c < 0) {
          break;
        }
        data.write(c);
        if (c == '\n') {
          break;
        }
      }
    } catch (SocketTimeoutException e) {
      // the data ended without a LF
    } finally {
      socket.setSoTimeout(idle);
    }
    return data.toByteArray();
  }

  private void write(String s) throws IOException {
    write(ascii(s));
  }

  private synchronized void write(byte[] b) throws IOException {
    out.write(b);
    out.flush();
  }
}
