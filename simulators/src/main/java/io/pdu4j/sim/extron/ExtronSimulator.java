package io.pdu4j.sim.extron;

import io.pdu4j.sim.extron.internal.DeviceLine;
import io.pdu4j.sim.extron.internal.IpcpConfig;
import io.pdu4j.sim.extron.internal.IpcpState;
import io.pdu4j.sim.extron.internal.SimThreads;
import io.pdu4j.sim.extron.internal.SisCommands;
import io.pdu4j.sim.extron.internal.SisServer;
import io.pdu4j.sim.extron.internal.WebFormServer;
import io.pdu4j.sim.internal.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
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
 * <p>The parts live in {@code io.pdu4j.sim.extron.internal}: the Telnet server and its SIS
 * sessions, the web form server, the commands both answer, the COM ports and the unit's state.
 *
 * <p>Thread-safe.
 */
public final class ExtronSimulator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExtronSimulator.class);

  /** The most command lines kept: a long-running simulator keeps the latest only. */
  static final int COMMANDS_KEPT = 10_000;

  private final IpcpConfig config;
  private final SimThreads threads = new SimThreads();
  private final IpcpState state;
  private final SisServer telnet;
  private final WebFormServer web;

  private ExtronSimulator(Builder builder) {
    this.config = builder.config();
    this.state = new IpcpState(builder.serialDevices, COMMANDS_KEPT, threads);
    SisCommands commands = new SisCommands(config, state);
    this.telnet = new SisServer(commands, threads);
    this.web = new WebFormServer(commands, threads);
  }

  /** A builder: ephemeral port, no password, 300 s idle timeout, CR LF appended to replies. */
  public static Builder builder() {
    return new Builder();
  }

  /** Binds the port and starts serving. */
  public synchronized ExtronSimulator start() {
    if (telnet.bound()) {
      throw new IllegalStateException("already started");
    }
    try {
      telnet.bind();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the Extron simulator: " + e, e);
    }
    threads.namePort(telnet.port());
    if (config.httpPort() >= 0) {
      try {
        web.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot bind the Extron simulator's web port: " + e, e);
      }
    }
    telnet.serve();
    LOG.info("Extron IPCP simulator on 127.0.0.1:{}", port());
    return this;
  }

  /** The bound Telnet port. */
  public int port() {
    return telnet.port();
  }

  /** The bound HTTP port (the web form of send-data-string). */
  public int httpPort() {
    int port = web.port();
    if (port < 0) {
      throw new IllegalStateException("no web port: see Builder.httpPort");
    }
    return port;
  }

  /** Whether relay {@code n} (1..8) is closed. */
  public boolean relay(int n) {
    return state.relay(n);
  }

  /**
   * Sets relay {@code n} (1..8) as a front panel or another controller would: no session sees it.
   */
  public void setRelay(int n, boolean closed) {
    state.setRelay(n, closed);
  }

  /** The serial settings of port {@code com} as last set ({@code 115200,N,8,1}), if any. */
  public Optional<String> serialSettings(int com) {
    return state.serialSettings(com);
  }

  /** The sessions now open. */
  public int connectedClients() {
    return telnet.sessions();
  }

  /**
   * The command lines received so far, oldest first, at most the latest {@value #COMMANDS_KEPT}
   * (Esc shown as {@code Esc}, data left out).
   */
  public List<String> commandsReceived() {
    return state.commandsReceived();
  }

  /**
   * Answers the next send-data-strings with these replies (e.g. {@code "E14"}, {@code "E22"}) one
   * each, instead of forwarding them.
   */
  public void failNextSendData(String... replies) {
    state.failNextSendData(List.of(replies));
  }

  /** Closes every open session, as the IPCP does on a restart. */
  public void dropClients() {
    telnet.dropSessions();
  }

  @Override
  public void close() {
    telnet.close();
    web.close();
    state.closeComPorts();
    threads.joinAll();
  }

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

    private IpcpConfig config() {
      return new IpcpConfig(
          port,
          httpPort,
          adminPassword,
          userPassword,
          model,
          firmware,
          idleTimeout,
          crlfAppended,
          emptyReplyOnTimeout,
          echoData,
          replyPrefix,
          maxConnections,
          webUser,
          sendDataError,
          relayError);
    }
  }
}
