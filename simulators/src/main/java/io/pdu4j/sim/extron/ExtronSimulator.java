package io.pdu4j.sim.extron;

import io.pdu4j.sim.internal.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated Extron IPCP 505 serving SIS on a Telnet (plain TCP) port, whose serial ports may each
 * lead to a TCP server standing in for the serial device (such as an {@code IsoTekSimulator}).
 *
 * <p>Lifecycle: {@link #builder()}, {@link Builder#build()}, {@link #start()} binds 127.0.0.1 and
 * starts the threads (daemons named {@code extron-sim-...}), {@link #close()} closes every socket
 * and waits for them.
 *
 * <p>Wire behaviour (choices where the guide is silent, see {@code docs/extron.md}):
 *
 * <ul>
 *   <li>On connect: the copyright banner and the date, each ended by CR LF; with a password, CR LF
 *       {@code Password:}, and the answer (ended by CR) gets {@code Login Administrator} or {@code
 *       Login User}, or the prompt again.
 *   <li>{@code Q} answers the firmware version; {@code Esc 3CV CR} answers {@code Vrb3}; relays
 *       1..8: {@code n*1O}, {@code n*0O}, {@code n*2O} answer {@code Cpn0n Rlyx}, {@code nO} reads
 *       0 or 1; {@code Esc nn*baud,parity,data,stopCP CR} answers {@code Cpnnn Ccp...}; anything
 *       else ended by CR answers {@code E10}.
 *   <li>Send data string {@code Esc nn*t1*t2*xxRS CR} then the data (up to and including the first
 *       LF, or what arrives within 100 ms): what the serial device sent since the last command is
 *       discarded, the data is written to it, and its answer is read with the t1, t2 and {@code
 *       nL}/{@code nD} rules. The reply is that answer followed by CR LF; with nothing before t1,
 *       CR LF alone (or nothing, see {@link Builder#emptyReplyOnTimeout(boolean)}); with {@link
 *       Builder#echoData(boolean)} the data sent comes first, and before everything the {@link
 *       Builder#replyPrefix(String)}. The data may also come inline, before the CR, with CR, LF and
 *       {@code %} %-encoded ({@code Esc 03*10*2*62DRSS2=1%0A CR}); it is decoded first.
 *   <li>The web form {@code GET /?cmd=W03%2A10%2A2%2A62DRS|data} (or with the data inline, before
 *       the {@code |}), with HTTP Basic authentication for {@link Builder#webUser(String)}.
 *   <li>With {@link Builder#maxConnections(int)}, one Telnet client too many gets {@code E26} and
 *       is closed.
 *   <li>With {@link Builder#sendDataError(String)} every send-data-string is answered with that
 *       error; with {@link Builder#relayError(String)} every relay command.
 *   <li>A session silent for the idle timeout (default 300 s) is closed.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class ExtronSimulator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExtronSimulator.class);
  private static final byte ESC = 0x1b;
  private static final Pattern RELAY_SET = Pattern.compile("(\\d{1,2})\\*([012])O");
  private static final Pattern RELAY_GET = Pattern.compile("(\\d{1,2})O");
  private static final Pattern SERIAL_SET =
      Pattern.compile("(\\d{1,2})\\*(\\d{3,6}),([NOEMS]),([78]),([12])CP");
  private static final Pattern SERIAL_GET = Pattern.compile("(\\d{1,2})CP");
  // group 6: data placed inline, before the CR, with CR, LF and % %-encoded
  private static final Pattern SEND_DATA =
      Pattern.compile(
          "(\\d{1,2})(?:\\*(\\d{1,5})\\*(\\d{1,5})\\*(\\d{1,5})([LD]))?RS(.*)", Pattern.DOTALL);
  private static final List<Integer> BAUDS =
      List.of(
          300, 600, 1200, 1800, 2400, 3600, 4800, 7200, 9600, 14400, 19200, 28800, 38400, 57600,
          115200);
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss", Locale.US);

  private final Builder config;
  private final boolean[] relays = new boolean[9];
  private final Map<Integer, String> serialSettings = new ConcurrentHashMap<>();
  private final Map<Integer, SerialPortSim> serialPorts = new TreeMap<>();
  private final List<Client> clients = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  /** The most command lines kept: a long-running simulator keeps the latest only. */
  static final int COMMANDS_KEPT = 10_000;

  private final ArrayDeque<String> commands = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<String> sendDataReplies = new ConcurrentLinkedQueue<>();
  private ServerSocket server;
  private ServerSocket http;
  private final List<Socket> webSockets = new CopyOnWriteArrayList<>();
  private volatile boolean running;

  private ExtronSimulator(Builder config) {
    this.config = config;
    config.serialDevices.forEach(
        (com, device) -> serialPorts.put(com, new SerialPortSim(com, device)));
  }

  /** A builder: ephemeral port, no password, 300 s idle timeout, CR LF appended to replies. */
  public static Builder builder() {
    return new Builder();
  }

  /** Binds the port and starts serving. */
  public synchronized ExtronSimulator start() {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    try {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the Extron simulator: " + e, e);
    }
    running = true;
    if (config.httpPort >= 0) {
      try {
        startHttp();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot bind the Extron simulator's web port: " + e, e);
      }
    }
    Thread accept = thread("accept", this::acceptLoop);
    accept.start();
    LOG.info("Extron IPCP simulator on 127.0.0.1:{}", port());
    return this;
  }

  /** The bound Telnet port. */
  public int port() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return server.getLocalPort();
  }

  /** The bound HTTP port (the web form of send-data-string). */
  public int httpPort() {
    if (http == null) {
      throw new IllegalStateException("no web port: see Builder.httpPort");
    }
    return http.getLocalPort();
  }

  /** Whether relay {@code n} (1..8) is closed. */
  public boolean relay(int n) {
    synchronized (relays) {
      return relays[n];
    }
  }

  /**
   * Sets relay {@code n} (1..8) as a front panel or another controller would: no session sees it.
   */
  public void setRelay(int n, boolean closed) {
    if (n < 1 || n > 8) {
      throw new IllegalArgumentException("relays are 1..8");
    }
    synchronized (relays) {
      relays[n] = closed;
    }
  }

  /** The serial settings of port {@code com} as last set ({@code 115200,N,8,1}), if any. */
  public java.util.Optional<String> serialSettings(int com) {
    return java.util.Optional.ofNullable(serialSettings.get(com));
  }

  /** The sessions now open. */
  public int connectedClients() {
    return clients.size();
  }

  /**
   * The command lines received so far, oldest first, at most the latest {@value #COMMANDS_KEPT}
   * (Esc shown as {@code Esc}, data left out).
   */
  public List<String> commandsReceived() {
    synchronized (commands) {
      return List.copyOf(commands);
    }
  }

  private void record(String command) {
    synchronized (commands) {
      if (commands.size() == COMMANDS_KEPT) {
        commands.removeFirst();
      }
      commands.addLast(command);
    }
  }

  /**
   * Answers the next send-data-strings with these replies (e.g. {@code "E14"}, {@code "E22"}) one
   * each, instead of forwarding them.
   */
  public void failNextSendData(String... replies) {
    sendDataReplies.addAll(List.of(replies));
  }

  /** Closes every open session, as the IPCP does on a restart. */
  public void dropClients() {
    for (Client c : clients) {
      c.close();
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      if (server != null) {
        server.close();
      }
    } catch (IOException e) {
      LOG.debug("close: {}", e.toString());
    }
    dropClients();
    if (http != null) {
      try {
        http.close();
      } catch (IOException e) {
        LOG.debug("close: {}", e.toString());
      }
      for (Socket w : webSockets) {
        try {
          w.close();
        } catch (IOException e) {
          LOG.debug("close: {}", e.toString());
        }
      }
    }
    synchronized (serialPorts) {
      serialPorts.values().forEach(SerialPortSim::close);
    }
    for (Thread t : threads) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Thread thread(String name, Runnable body) {
    Thread[] self = new Thread[1];
    Runnable run =
        () -> {
          try {
            body.run();
          } finally {
            threads.remove(self[0]); // a long-running simulator holds only the threads that run
          }
        };
    Thread t =
        new Thread(run, "extron-sim-" + (server == null ? 0 : server.getLocalPort()) + "-" + name);
    self[0] = t;
    t.setDaemon(true);
    threads.add(t);
    return t;
  }

  private void acceptLoop() {
    while (running) {
      try {
        Socket s = server.accept();
        if (config.maxConnections > 0 && clients.size() >= config.maxConnections) {
          refuse(s);
          continue;
        }
        Client c = new Client(s);
        clients.add(c);
        thread("client-" + s.getPort(), c::serve).start();
      } catch (IOException e) {
        if (running) {
          LOG.debug("accept: {}", e.toString());
        }
      }
    }
  }

  /** E26 (maximum connections exceeded), then the connection is closed. */
  private static void refuse(Socket s) {
    try (s) {
      s.getOutputStream().write(ascii("E26\r\n"));
      s.getOutputStream().flush();
    } catch (IOException e) {
      LOG.debug("refuse: {}", e.toString());
    }
  }

  // ------------------------------------------------------------------ a Telnet session

  private final class Client {
    private final Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean admin = true;
    private boolean verbose;

    Client(Socket socket) {
      this.socket = socket;
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        LOG.debug("close: {}", e.toString());
      }
    }

    void serve() {
      try (socket) {
        socket.setSoTimeout((int) config.idleTimeout.toMillis());
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        write(
            "(c) Copyright 2013, Extron Electronics, "
                + config.model
                + ", V"
                + config.firmware
                + ", 60-1071-02\r\n"
                + DATE.format(LocalDateTime.now())
                + "\r\n");
        if (config.adminPassword != null && !login()) {
          return;
        }
        commandLoop();
      } catch (SocketTimeoutException e) {
        LOG.debug("idle timeout: closing the session");
      } catch (IOException e) {
        LOG.debug("session ended: {}", e.toString());
      } finally {
        clients.remove(this);
      }
    }

    private boolean login() throws IOException {
      while (true) {
        write("\r\nPassword:");
        String answer = readUntilCr();
        if (answer == null) {
          return false;
        }
        if (answer.equals(config.adminPassword)) {
          write("\r\nLogin Administrator\r\n");
          admin = true;
          return true;
        }
        if (config.userPassword != null && answer.equals(config.userPassword)) {
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
          record("Esc" + line);
          escCommand(line);
          continue;
        }
        if (c == '\r' || c == '\n') {
          if (cmd.length() > 0) {
            record(cmd.toString());
            write("E10\r\n");
            cmd.setLength(0);
          }
          continue;
        }
        cmd.append((char) c);
        String t = cmd.toString();
        if (t.equalsIgnoreCase("Q")) {
          record(t);
          write(config.firmware + "\r\n");
          cmd.setLength(0);
        } else if (matchesRelay(t)) {
          record(t);
          cmd.setLength(0);
        } else if (cmd.length() > 64) {
          write("E10\r\n");
          cmd.setLength(0);
        }
      }
    }

    private boolean matchesRelay(String t) throws IOException {
      Matcher set = RELAY_SET.matcher(t);
      Matcher get = RELAY_GET.matcher(t);
      if (!set.matches() && !get.matches()) {
        return false;
      }
      int n = Integer.parseInt(set.matches() ? set.group(1) : get.group(1));
      if (n < 1 || n > 8) {
        write("E12\r\n");
        return true;
      }
      if (config.relayError != null) {
        write(config.relayError + "\r\n");
        return true;
      }
      if (get.matches()) {
        write((relay(n) ? "1" : "0") + "\r\n");
        return true;
      }
      if (!admin) {
        write("E24\r\n");
        return true;
      }
      boolean now;
      synchronized (relays) {
        int action = Integer.parseInt(set.group(2));
        relays[n] = action == 2 ? !relays[n] : action == 1;
        now = relays[n];
      }
      write(String.format("Cpn%02d Rly%d\r\n", n, now ? 1 : 0));
      return true;
    }

    private void escCommand(String line) throws IOException {
      Matcher m;
      if (line.matches("[0-3]CV")) {
        verbose = line.charAt(0) != '0';
        write("Vrb" + line.charAt(0) + "\r\n");
      } else if (line.equals("CV")) {
        write((verbose ? "3" : "0") + "\r\n");
      } else if (SERIAL_SET.matcher(line).matches() || SERIAL_GET.matcher(line).matches()) {
        write(serialCommand(line));
      } else if ((m = SEND_DATA.matcher(line)).matches()) {
        sendData(m);
      } else {
        write("E10\r\n");
      }
    }

    private void sendData(Matcher m) throws IOException {
      String inline = m.group(6);
      byte[] data = inline.isEmpty() ? readData() : decodeInline(inline);
      write(forward(m, data));
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
      write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private void write(byte[] b) throws IOException {
      synchronized (this) {
        out.write(b);
        out.flush();
      }
    }
  }

  /** The answer to a serial port command (set or read), {@code line} being what follows Esc. */
  private String serialCommand(String line) {
    Matcher m = SERIAL_SET.matcher(line);
    if (m.matches()) {
      int port = Integer.parseInt(m.group(1));
      if (port < 1 || port > 16) {
        return "E12\r\n";
      }
      if (!BAUDS.contains(Integer.parseInt(m.group(2)))) {
        return "E13\r\n";
      }
      String s = m.group(2) + "," + m.group(3) + "," + m.group(4) + "," + m.group(5);
      serialSettings.put(port, s);
      return String.format("Cpn%02d Ccp%s\r\n", port, s);
    }
    m = SERIAL_GET.matcher(line);
    if (m.matches()) {
      return serialSettings.getOrDefault(Integer.parseInt(m.group(1)), "9600,N,8,1") + "\r\n";
    }
    return "E10\r\n";
  }

  /**
   * A send-data-string: the bytes to answer with (none at all when the port stays silent and empty
   * replies are switched off). Groups of {@code m}: port, t1, t2, n, L or D.
   */
  private byte[] forward(Matcher m, byte[] data) {
    int port = Integer.parseInt(m.group(1));
    if (port < 1 || port > 16) {
      return ascii("E12\r\n");
    }
    int t1 = m.group(2) == null ? 10 : Integer.parseInt(m.group(2));
    int t2 = m.group(3) == null ? 2 : Integer.parseInt(m.group(3));
    int n = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
    boolean delimiter = "D".equals(m.group(5));
    if ((t1 == 0) != (t2 == 0) || t1 > 32767 || t2 > 32767 || (delimiter && n > 255)) {
      return ascii("E13\r\n");
    }
    String injected = sendDataReplies.poll();
    if (injected != null) {
      return ascii(injected + "\r\n");
    }
    if (config.sendDataError != null) {
      return ascii(config.sendDataError + "\r\n");
    }
    if (data.length == 0 || data.length >= 200) {
      return ascii("E13\r\n");
    }
    SerialPortSim serial;
    synchronized (serialPorts) {
      serial = serialPorts.get(port);
    }
    byte[] answer =
        serial == null ? new byte[0] : serial.exchange(data, t1 * 10L, t2 * 10L, n, delimiter);
    if (answer.length == 0 && !config.emptyReplyOnTimeout && !config.echoData) {
      return new byte[0];
    }
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    reply.writeBytes(ascii(config.replyPrefix));
    if (config.echoData) {
      reply.writeBytes(data);
    }
    reply.writeBytes(answer);
    if (config.crlfAppended) {
      reply.writeBytes(new byte[] {'\r', '\n'});
    }
    return reply.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  // ------------------------------------------------------------------ the web form

  // group 6: data inline (before the '|'), group 7: data after it
  private static final Pattern WEB_SEND_DATA =
      Pattern.compile(
          "W(\\d{1,2})(?:%2A(\\d{1,5})%2A(\\d{1,5})%2A(\\d{1,5})([LD]))?RS([^|]*)\\|(.*)",
          Pattern.DOTALL);

  // a raw server: the web form's '|' is not legal in a java.net.URI, so the JDK's HttpServer drops
  // it
  private void startHttp() throws IOException {
    http = new ServerSocket();
    http.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.httpPort));
    thread(
            "http",
            () -> {
              while (running) {
                try {
                  Socket s = http.accept();
                  webSockets.add(s);
                  thread("http-" + s.getPort(), () -> webSession(s)).start();
                } catch (IOException e) {
                  if (running) {
                    LOG.debug("http accept: {}", e.toString());
                  }
                }
              }
            })
        .start();
  }

  private void webSession(Socket socket) {
    try (socket) {
      socket.setSoTimeout((int) config.idleTimeout.toMillis());
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
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
        String expected =
            config.adminPassword == null
                ? null
                : "Basic "
                    + java.util.Base64.getEncoder()
                        .encodeToString(
                            (config.webUser + ":" + config.adminPassword)
                                .getBytes(StandardCharsets.UTF_8));
        if (expected != null && !expected.equals(authorization)) {
          status = "401 Unauthorized";
        } else if (parts.length < 2 || !parts[1].startsWith("/?cmd=")) {
          body = ascii("E10\r\n");
        } else {
          String cmd = parts[1].substring(6);
          record("web " + cmd);
          Matcher m = WEB_SEND_DATA.matcher(cmd);
          body = m.matches() ? webSendData(m) : webCommand(cmd);
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
      webSockets.remove(socket);
    }
  }

  private byte[] webSendData(Matcher m) {
    String inline = m.group(6);
    String after = m.group(7);
    if (!inline.isEmpty() && !after.isEmpty()) {
      return ascii("E13\r\n"); // data on both sides of the '|'
    }
    byte[] data =
        inline.isEmpty()
            ? percentDecode(after)
            : decodeInline(new String(percentDecode(inline), StandardCharsets.ISO_8859_1));
    return forward(m, data);
  }

  /** Another command in the web form: {@code W03%2A115200%2CN%2C8%2C1CP|}. */
  private byte[] webCommand(String cmd) {
    if (!cmd.startsWith("W") || !cmd.endsWith("|")) {
      return ascii("E10\r\n");
    }
    String line =
        new String(percentDecode(cmd.substring(1, cmd.length() - 1)), StandardCharsets.ISO_8859_1);
    return ascii(serialCommand(line));
  }

  /** Inline data: {@code %0D}, {@code %0A}, {@code %25} (any {@code %XX}) back to their bytes. */
  private static byte[] decodeInline(String s) {
    return percentDecode(s);
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

  private static byte[] percentDecode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }

  // ------------------------------------------------------------------ a COM port

  /** How a COM port reaches its device: a TCP server on loopback, or a serial device file. */
  private interface DeviceLine {
    Endpoint open() throws IOException;
  }

  /** A serial port and its device; what the device sends outside a command is discarded. */
  private final class SerialPortSim {
    private final int com;
    private final DeviceLine line;
    private final BlockingQueue<Integer> received = new LinkedBlockingQueue<>(65536);
    private Endpoint endpoint;
    private volatile Endpoint ended; // the last endpoint whose device closed its end

    SerialPortSim(int com, DeviceLine line) {
      this.com = com;
      this.line = line;
    }

    synchronized byte[] exchange(
        byte[] data, long t1Millis, long t2Millis, int n, boolean delimiter) {
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
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
          used.output().write(data);
          used.output().flush();
          c = received.poll(Math.max(t1Millis, 1), TimeUnit.MILLISECONDS);
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
          c = received.poll(Math.max(t2Millis, 1), TimeUnit.MILLISECONDS);
        }
      } catch (IOException e) {
        LOG.debug("COM{}: {}", com, e.toString());
        close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return answer.toByteArray();
    }

    private void connect() throws IOException {
      Endpoint opened = line.open();
      endpoint = opened;
      InputStream in = opened.input();
      thread(
              "com" + com,
              () -> {
                byte[] buf = new byte[1024];
                try {
                  int r;
                  while ((r = in.read(buf)) > 0) {
                    for (int i = 0; i < r; i++) {
                      received.offer(buf[i] & 0xff);
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

    synchronized void close() {
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

  // ------------------------------------------------------------------ builder

  /** Configures a simulator. */
  public static final class Builder {
    private int port;
    private String adminPassword;
    private String userPassword;
    private String model = "IPCP 505";
    private String firmware = "1.03";
    private Duration idleTimeout = Duration.ofSeconds(300);
    private boolean crlfAppended = true;
    private boolean emptyReplyOnTimeout = true;
    private boolean echoData;
    private int httpPort = -1;
    private String replyPrefix = "";
    private int maxConnections;
    private String webUser = "admin";
    private String sendDataError;
    private String relayError;
    private final Map<Integer, DeviceLine> serialDevices = new TreeMap<>();

    private Builder() {}

    /** The Telnet port, 0 (the default) for an ephemeral one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Asks for a password at login; this one logs in as administrator. */
    public Builder adminPassword(String password) {
      this.adminPassword = Objects.requireNonNull(password);
      return this;
    }

    /** With an admin password: this one logs in as user (relays cannot be switched). */
    public Builder userPassword(String password) {
      this.userPassword = Objects.requireNonNull(password);
      return this;
    }

    /** The firmware version in the banner and the {@code Q} answer. */
    public Builder firmware(String firmware) {
      this.firmware = Objects.requireNonNull(firmware);
      return this;
    }

    /** Closes a session silent this long (default 300 s). */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** Whether CR LF is added after each send-data-string reply (default true). */
    public Builder crlfAppended(boolean appended) {
      this.crlfAppended = appended;
      return this;
    }

    /** Whether a send-data-string without answer gets an (empty) reply (default true). */
    public Builder emptyReplyOnTimeout(boolean reply) {
      this.emptyReplyOnTimeout = reply;
      return this;
    }

    /** Also serves the web form, {@code GET /?cmd=W03%2A...RS|data}, on this port (0: any). */
    public Builder httpPort(int port) {
      this.httpPort = port;
      return this;
    }

    /** Whether a send-data-string reply starts with an echo of the data sent (default false). */
    public Builder echoData(boolean echo) {
      this.echoData = echo;
      return this;
    }

    /**
     * Puts this fixed text before every send-data-string reply (before an echo and the device's
     * data; not before an {@code Enn}). Default none.
     */
    public Builder replyPrefix(String prefix) {
      this.replyPrefix = Objects.requireNonNull(prefix);
      return this;
    }

    /**
     * Takes at most this many Telnet sessions at once; one more client gets {@code E26} and is
     * closed. 0 (the default) for no limit.
     */
    public Builder maxConnections(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxConnections must be 0 (no limit) or more");
      }
      this.maxConnections = max;
      return this;
    }

    /**
     * Answers every send-data-string (Telnet and web) with this error, e.g. {@code "E13"}, as an
     * IPCP does that refuses the header or the port's configuration; null (the default) forwards
     * them. {@link ExtronSimulator#failNextSendData} replies still come first.
     */
    public Builder sendDataError(String code) {
      this.sendDataError = errorCode(code);
      return this;
    }

    /**
     * Answers every relay command (reads and switches) with this error, e.g. {@code "E24"}; null
     * (the default) answers them.
     */
    public Builder relayError(String code) {
      this.relayError = errorCode(code);
      return this;
    }

    private static String errorCode(String code) {
      if (code != null && !code.matches("E\\d\\d")) {
        throw new IllegalArgumentException("an error code is E and two digits, e.g. E13");
      }
      return code;
    }

    /** The user name the web form's HTTP Basic authentication expects (default {@code admin}). */
    public Builder webUser(String user) {
      this.webUser = Objects.requireNonNull(user);
      return this;
    }

    /**
     * Puts a serial device on port {@code com} (1..16): a TCP server on 127.0.0.1 (the IsoTek
     * simulator's port, say), connected on first use and again after it closed.
     */
    public Builder serialDevice(int com, int tcpPort) {
      if (tcpPort < 1 || tcpPort > 65535) {
        throw new IllegalArgumentException("tcpPort must be 1..65535");
      }
      return serialDevice(
          com,
          () -> {
            Socket s = new Socket();
            try {
              s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort), 2000);
              s.setTcpNoDelay(true);
            } catch (IOException e) {
              s.close();
              throw e;
            }
            return Endpoint.of(s);
          });
    }

    /**
     * Puts a serial device on port {@code com} (1..16) behind a real serial line: {@code tty} is
     * opened as a file on first use, e.g. one end of a pseudo-terminal pair made by {@code socat
     * pty,raw,echo=0,link=A pty,raw,echo=0,link=B} whose other end a serial device (the IsoTek
     * simulator in serial mode) has open.
     */
    public Builder serialDevice(int com, Path tty) {
      Objects.requireNonNull(tty, "tty");
      return serialDevice(com, () -> Endpoint.serial(tty));
    }

    private Builder serialDevice(int com, DeviceLine line) {
      if (com < 1 || com > 16) {
        throw new IllegalArgumentException("com must be 1..16");
      }
      serialDevices.put(com, line);
      return this;
    }

    /** The simulator, not yet started. */
    public ExtronSimulator build() {
      if (userPassword != null && adminPassword == null) {
        throw new IllegalStateException("a user password needs an admin password");
      }
      return new ExtronSimulator(this);
    }
  }
}
