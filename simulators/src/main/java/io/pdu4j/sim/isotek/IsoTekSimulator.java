package io.pdu4j.sim.isotek;

import io.pdu4j.sim.isotek.internal.CommandLog;
import io.pdu4j.sim.isotek.internal.CommandProcessor;
import io.pdu4j.sim.isotek.internal.DeviceModel;
import io.pdu4j.sim.isotek.internal.Faults;
import io.pdu4j.sim.isotek.internal.IsoTekServer;
import io.pdu4j.sim.isotek.internal.OutletConfig;
import io.pdu4j.sim.isotek.internal.ReplyRenderer;
import io.pdu4j.sim.isotek.internal.RestartSignal;
import io.pdu4j.sim.isotek.internal.ScheduleEntry;
import io.pdu4j.sim.isotek.internal.SimulatorCore;
import io.pdu4j.sim.isotek.internal.StatusFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated IsoTek SMART Power PDU (8 or 16 outlets) serving the vendor's text protocol on a TCP
 * port, with fault injection for tests.
 *
 * <p>Lifecycle: {@link #builder()} configures, {@link Builder#build()} creates the simulator
 * without binding anything, {@link #start()} binds the port and starts the threads, {@link
 * #close()} closes every socket and returns once every thread it started has ended. A simulator
 * starts at most once. All its threads are daemons named {@code isotek-sim-<port>-...}.
 *
 * <p>Wire behaviour (choices where the vendor document is silent):
 *
 * <ul>
 *   <li>Commands are lines ended by {@code \n}, {@code \r\n} or {@code \r}, handled strictly in
 *       order per connection; empty lines are ignored. Commands are matched exactly (no trimming,
 *       no lower case). Understood: {@code ?}, {@code A?}, {@code Sx=s}, {@code G}, {@code H},
 *       {@code T=yyyy/mm|dd|hh|min|ss|}, {@code C?}, {@code Cx=nnnnnnnn|t|d|}, {@code X}, {@code
 *       P?}, {@code P=nn}, {@code PW=id|type|name|hh:min|dd|power|operator|channel|sv|ss|setup|}.
 *   <li>{@code X} answers {@code OK}, then drops every connection and refuses new ones for the
 *       restart time (default 2 s); states, settings and schedule survive.
 *   <li>{@code P=nn} clears the schedule and allows {@code nn} records; each {@code PW=} appends
 *       one (beyond {@code nn}: the error reply). Time plans fire at their {@code hh:min} on the
 *       running device clock, every day when the day field is 0, else on that day of the month;
 *       power plans fire when the target outlet's load becomes greater (operator 1) or less
 *       (operator 2) than the threshold; actions on, off, restart (off, the outlet's reset delay,
 *       on).
 *   <li>A reply is its lines, {@code OK}, then the {@code >} prompt. Anything else (unknown
 *       command, outlet out of range, malformed argument, a line over 1024 characters) gets the
 *       error reply: {@code ERR} then {@code >} by default, or nothing at all with {@link
 *       Builder#silentOnError(boolean)}.
 *   <li>Every push interval each client receives the status block unasked: {@code CH0} .. {@code
 *       CHn} and {@code RTC=}, with no {@code OK} and no {@code >}, or with both, exactly as the
 *       answer to {@code ?}, when {@link Builder#pushWithOk(boolean)} says so (the vendor document
 *       leaves it open). A push never lands inside or right before a reply unless {@link
 *       #pushDuringNextReplies(int)} or {@link #pushBeforeNextReplies(int)} asks for it.
 *   <li>{@code CH0} is the whole unit: state 1, the mains voltage, the sum of the outlets' power.
 *       Volts and watts are integers; every outlet shows the mains voltage whatever its state, and
 *       0 W when off.
 *   <li>A locked outlet (type 3) keeps its state on {@code Sx=s}, {@code G} and {@code H}, and the
 *       command is still answered {@code OK}. {@link #setOutletState(int, boolean)} (the front
 *       panel) switches it anyway.
 *   <li>{@code A?} is answered on TCP and, if enabled, on the UDP discovery port: {@code
 *       A=serial|mac|bindAddress|tcpPort|0.0.0.0|0|}.
 *   <li>The device clock starts at the configured time (default: host local time) and runs; {@code
 *       T=} sets it.
 * </ul>
 *
 * <p>Thread-safe: every method may be called from any thread at any time, including the fault
 * setters while clients are connected. Outlets are numbered from 1.
 */
public final class IsoTekSimulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IsoTekSimulator.class);
  private static final int MAX_LINE_LENGTH = 1024;
  private static final int COMMAND_LOG_CAPACITY = 1000;
  private static final int[] DEFAULT_LOADS = {
    35, 120, 18, 65, 250, 8, 42, 90, 15, 150, 27, 55, 12, 75, 30, 5
  };

  private final InetAddress bindAddress;
  private final int outletCount;
  private final Duration pushInterval;
  private final String serialNumber;
  private final String mac;
  private final DeviceModel device;
  private final Faults faults = new Faults();
  private final CommandLog commandLog = new CommandLog(COMMAND_LOG_CAPACITY);
  private final ReplyRenderer renderer;
  private final IsoTekServer server;
  private final Path serialDevice;

  private IsoTekSimulator(Builder b, InetAddress bindAddress) {
    this.bindAddress = bindAddress;
    this.outletCount = b.outlets;
    this.pushInterval = b.pushInterval;
    this.serialNumber = b.serialNumber;
    this.mac = b.mac;
    this.device = model(b);
    this.renderer = renderer(b);
    CommandProcessor processor = new CommandProcessor(device, this::addressLine, b.refused);
    SimulatorCore core =
        new SimulatorCore(
            device,
            processor,
            renderer,
            faults,
            commandLog,
            b.silentOnError,
            MAX_LINE_LENGTH,
            new RestartSignal());
    this.server =
        new IsoTekServer(
            core,
            bindAddress,
            b.tcpPort,
            b.udpPort,
            b.pushInterval,
            b.maxClients,
            this::addressLine,
            b.restartTime);
    this.serialDevice = b.serialDevice;
    if (serialDevice != null) {
      server.serveSerial(serialDevice);
    }
  }

  /** The device model the builder describes; shared with {@link IsoTekUnit}. */
  static DeviceModel model(Builder b) {
    boolean[] on = new boolean[b.outlets];
    int[] loads = new int[b.outlets];
    OutletConfig[] configs = new OutletConfig[b.outlets];
    for (int n = 1; n <= b.outlets; n++) {
      on[n - 1] = b.initialStates.getOrDefault(n, true);
      loads[n - 1] = b.loads.getOrDefault(n, DEFAULT_LOADS[n - 1]);
      configs[n - 1] = b.configs.getOrDefault(n, OutletConfig.defaultFor(n));
    }
    DeviceModel model =
        new DeviceModel(
            on,
            loads,
            configs,
            b.mainsVolts,
            b.jitter,
            new Random(),
            b.clock != null ? b.clock : LocalDateTime.now(),
            System::nanoTime);
    model.dayOfWeek(b.dayField == DayField.DAY_OF_WEEK);
    return model;
  }

  /**
   * How the unit reads a schedule record's {@code dd} field, which the vendor document leaves open
   * (PROTOCOLS.md): a day of the month, or a day of the week.
   */
  public enum DayField {
    /** 0 every day, 1..31 that day of each month (the default). */
    DAY_OF_MONTH,
    /** 0 every day, 1..7 that day of each week, Monday = 1; 8..31 never fires. */
    DAY_OF_WEEK
  }

  /** The reply renderer the builder describes; shared with {@link IsoTekUnit}. */
  static ReplyRenderer renderer(Builder b) {
    return new ReplyRenderer(b.lineEnding.chars(), b.promptLineEnd, b.errorReply, b.pushWithOk);
  }

  /** A builder with the defaults: 16 outlets, ephemeral port on 127.0.0.1, 1 s pushes, LF. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the TCP port (and the UDP port if configured) and starts serving.
   *
   * @return this simulator, for chaining
   * @throws UncheckedIOException if a port cannot be bound
   * @throws IllegalStateException if already started or closed
   */
  public IsoTekSimulator start() {
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot bind the IsoTek simulator to " + bindAddress.getHostAddress() + ": " + e, e);
    }
    LOG.info("started: {}", describe());
    return this;
  }

  /**
   * Closes every socket and stops every thread; returns once they have ended. Idempotent; the
   * simulator cannot be started again.
   */
  @Override
  public void close() {
    boolean wasRunning = server.running();
    server.close();
    if (wasRunning) {
      LOG.info("stopped IsoTek simulator on port {}", server.tcpPort());
    }
  }

  /**
   * The bound TCP port.
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public int port() {
    return server.tcpPort();
  }

  /**
   * The bound UDP discovery port, empty if discovery was not enabled.
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public OptionalInt udpPort() {
    return server.udpPort();
  }

  /** A one-line human summary: address, port, outlets, push interval. */
  public String describe() {
    String where;
    if (server.running()) {
      where = "on " + bindAddress.getHostAddress() + ":" + server.tcpPort();
      OptionalInt udp = server.udpPort();
      if (udp.isPresent()) {
        where += " (UDP discovery on " + udp.getAsInt() + ")";
      }
      if (serialDevice != null) {
        where += " and on serial device " + serialDevice;
      }
    } else {
      where = "(not running)";
    }
    return "IsoTek SMART Power simulator "
        + where
        + ", "
        + outletCount
        + " outlets, status push every "
        + formatDuration(pushInterval)
        + (renderer.pushWithOk() ? " (ending with OK and the prompt)" : "")
        + ", serial "
        + serialNumber;
  }

  /** The number of outlets, 8 or 16. */
  public int outletCount() {
    return outletCount;
  }

  /**
   * Whether outlet {@code outlet} is on.
   *
   * @throws IllegalArgumentException if {@code outlet} is not 1..outletCount
   */
  public boolean outletState(int outlet) {
    return device.isOn(outlet);
  }

  /**
   * Switches an outlet out of band, as a person at the front panel would; works on locked outlets
   * too. Clients see it in the next status.
   *
   * @throws IllegalArgumentException if {@code outlet} is not 1..outletCount
   */
  public void setOutletState(int outlet, boolean on) {
    device.setOn(outlet, on);
  }

  /**
   * Sets the load an outlet draws when on, in watts (readings jitter around it if enabled).
   *
   * @throws IllegalArgumentException if {@code outlet} is out of range or {@code watts} negative
   */
  public void setLoadWatts(int outlet, int watts) {
    device.setLoadWatts(outlet, watts);
  }

  /** The device clock now. */
  public LocalDateTime deviceClock() {
    return device.clock();
  }

  /** How many TCP clients are connected now. */
  public int connectedClients() {
    return server.connectedClients();
  }

  /**
   * The last 1000 command lines received from all clients, oldest first, without line endings; an
   * over-long line appears as {@code <discarded over-long line of N characters>}.
   */
  public List<String> commandsReceived() {
    return commandLog.snapshot();
  }

  /** How many command lines were received in total since start (empty lines not counted). */
  public long commandCount() {
    return commandLog.total();
  }

  /**
   * Delays every reply by {@code latency} (zero for none). The command takes effect when its reply
   * is produced, after the delay; pushes keep coming meanwhile.
   */
  public void setReplyLatency(Duration latency) {
    faults.setReplyLatency(latency);
  }

  /**
   * Makes the simulator read and execute commands but never answer them. Pushes continue unless
   * paused too.
   */
  public void setSilent(boolean silent) {
    faults.setSilent(silent);
  }

  /** Stops the periodic status pushes until {@link #resumePushes()}. */
  public void pausePushes() {
    faults.setPushesPaused(true);
  }

  /** Resumes the periodic status pushes. */
  public void resumePushes() {
    faults.setPushesPaused(false);
  }

  /**
   * Puts a whole push block inside each of the next {@code count} replies (on any connection):
   * halfway through a multi-line reply (between two status lines for {@code ?}), otherwise just
   * before {@code OK} or the error line. 0 disarms.
   */
  public void pushDuringNextReplies(int count) {
    faults.setPushDuringReplies(count);
  }

  /**
   * Puts a whole push block (with its {@code OK} and prompt when pushes carry them) right before
   * each of the next {@code count} replies (on any connection), in the same write as the reply: the
   * race of a push landing just before an answer, made certain. 0 disarms.
   */
  public void pushBeforeNextReplies(int count) {
    faults.setPushBeforeReplies(count);
  }

  /**
   * Makes the next reply (on any connection) stop halfway: its first half of bytes is sent, which
   * may end mid-line, then the socket is closed. The command itself is executed.
   */
  public void closeMidNextReply() {
    faults.setCloseMidReply(true);
  }

  /**
   * Makes the next reply (on any connection) stop halfway without closing anything: its first half
   * of bytes is sent, which may end mid-line, and the rest never is, as a unit that lost part of an
   * answer on a serial line. The command itself is executed; later commands are answered as usual.
   */
  public void truncateNextReply() {
    faults.setTruncateReply(true);
  }

  /** Turns every injected fault off (latency, silent, paused pushes, armed one-shot faults). */
  public void clearFaults() {
    faults.clear();
  }

  /**
   * The schedule records stored with {@code P=nn}/{@code PW=}, each as {@code P?} lists it after
   * {@code Pn=}.
   */
  public List<String> scheduleRecords() {
    return device.schedule().stream().map(ScheduleEntry::wire).toList();
  }

  /** Sets the device clock, as {@code T=} would; it keeps running from there. */
  public void setDeviceClock(LocalDateTime time) {
    device.setClock(time);
  }

  /** Sends {@code line} followed by the configured line ending to every connected client now. */
  public void injectGarbage(String line) {
    server.sendToAll(renderer.renderLine(Objects.requireNonNull(line, "line")), "garbage");
  }

  /**
   * Sends {@code text} exactly as given (no line ending added) to every connected client now, e.g.
   * an over-long line or half a line.
   */
  public void injectRaw(String text) {
    server.sendToAll(Objects.requireNonNull(text, "text"), "raw");
  }

  private String addressLine() {
    int port = server.running() ? server.tcpPort() : 0;
    return StatusFormat.addressLine(
        serialNumber, mac, bindAddress.getHostAddress(), port, "0.0.0.0", 0);
  }

  private static String formatDuration(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  /**
   * Configures an {@link IsoTekSimulator}; every setter validates its argument at once and throws
   * {@link IllegalArgumentException} with the reason.
   *
   * <p>Not thread-safe; {@link #build()} may be called more than once, each time giving a new
   * simulator (which, if started, needs its own port unless the port is 0).
   */
  public static final class Builder {

    private int tcpPort;
    private int udpPort = -1;
    private String bindAddress = "127.0.0.1";
    private int outlets = 16;
    private Duration pushInterval = Duration.ofSeconds(1);
    private LineEnding lineEnding = LineEnding.LF;
    private boolean promptLineEnd = true;
    private boolean pushWithOk;
    private String serialNumber = "SIM0000001";
    private String mac = "02:15:07:00:00:01";
    private String errorReply = "ERR";
    private boolean silentOnError;
    private int mainsVolts = 230;
    private boolean jitter = true;
    private LocalDateTime clock;
    private int maxClients = 8;
    private final Map<Integer, Integer> loads = new HashMap<>();
    private final Map<Integer, Boolean> initialStates = new HashMap<>();
    private final Map<Integer, OutletConfig> configs = new HashMap<>();
    private final Set<String> refused = new HashSet<>();
    private Duration restartTime = Duration.ofSeconds(2);
    private Path serialDevice;
    private DayField dayField = DayField.DAY_OF_MONTH;

    /**
     * How the unit reads a schedule record's day field when it runs its time plans (default {@link
     * DayField#DAY_OF_MONTH}). Records are stored and read back as written either way.
     */
    public Builder dayField(DayField dayField) {
      this.dayField = Objects.requireNonNull(dayField, "dayField");
      return this;
    }

    /**
     * Also serves the protocol on this serial device, e.g. one end of a pseudo-terminal pair made
     * by {@code socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B}: it is opened as a file (once
     * for reading, once for writing) when the simulator starts, and gets the status push like a TCP
     * client. The TCP port is served as well.
     */
    public Builder serialDevice(Path device) {
      this.serialDevice = Objects.requireNonNull(device, "device");
      return this;
    }

    private Builder() {}

    /**
     * How long {@code X} keeps the unit from accepting connections (default 2 s): the {@code OK}
     * goes out, every connection is closed, the port refuses connections, then listens again.
     */
    public Builder restartTime(Duration restartTime) {
      if (restartTime == null || restartTime.isNegative()) {
        throw new IllegalArgumentException("restartTime must be zero or more, was " + restartTime);
      }
      this.restartTime = restartTime;
      return this;
    }

    /**
     * Answers these exact command lines (e.g. {@code "C?"}) with the error reply, as a unit whose
     * firmware lacks them would.
     */
    public Builder refuse(String... commandLines) {
      refused.addAll(List.of(commandLines));
      return this;
    }

    /** The TCP port, 0 (the default) for an ephemeral one; a real unit listens on 501. */
    public Builder tcpPort(int port) {
      this.tcpPort = checkPort("tcpPort", port);
      return this;
    }

    /** Enables the UDP discovery listener ({@code A?}) on {@code port}, 0 for an ephemeral one. */
    public Builder udpDiscoveryPort(int port) {
      this.udpPort = checkPort("udpDiscoveryPort", port);
      return this;
    }

    /** The local address to bind, default {@code 127.0.0.1}; {@code 0.0.0.0} for every one. */
    public Builder bindAddress(String address) {
      if (address == null || address.isBlank()) {
        throw new IllegalArgumentException("bindAddress must not be blank");
      }
      this.bindAddress = address;
      return this;
    }

    /** The number of outlets: 8 or 16 (the default). */
    public Builder outlets(int outlets) {
      if (outlets != 8 && outlets != 16) {
        throw new IllegalArgumentException(
            "outlets must be 8 or 16 (the IsoTek models), was " + outlets);
      }
      this.outlets = outlets;
      return this;
    }

    /** The time between two status pushes, at least 10 ms; default 1 s as on the real unit. */
    public Builder pushInterval(Duration interval) {
      if (interval == null || interval.compareTo(Duration.ofMillis(10)) < 0) {
        throw new IllegalArgumentException("pushInterval must be at least 10 ms, was " + interval);
      }
      this.pushInterval = interval;
      return this;
    }

    /** The ending written after each line, default {@link LineEnding#LF}. */
    public Builder lineEnding(LineEnding ending) {
      this.lineEnding = Objects.requireNonNull(ending, "lineEnding");
      return this;
    }

    /** Whether the {@code >} prompt is followed by the line ending (default true). */
    public Builder promptLineEnd(boolean promptLineEnd) {
      this.promptLineEnd = promptLineEnd;
      return this;
    }

    /**
     * Whether a status push ends with {@code OK} and the {@code >} prompt, exactly as the answer to
     * {@code ?} does (default false: the status lines alone). The vendor document does not say;
     * units may do either.
     */
    public Builder pushWithOk(boolean pushWithOk) {
      this.pushWithOk = pushWithOk;
      return this;
    }

    /** The serial number in the {@code A=} reply. */
    public Builder serialNumber(String serialNumber) {
      this.serialNumber = checkField("serialNumber", serialNumber);
      return this;
    }

    /** The MAC address in the {@code A=} reply, as text (any format). */
    public Builder mac(String mac) {
      this.mac = checkField("mac", mac);
      return this;
    }

    /**
     * The line sent instead of {@code OK} (then the prompt) for a rejected command; {@code ERR}.
     * Control characters other than CR and LF are sent as given (a hostile unit).
     */
    public Builder errorReply(String errorReply) {
      if (errorReply == null || errorReply.isEmpty() || errorReply.length() > 64) {
        throw new IllegalArgumentException(
            "errorReply must be 1..64 characters, was " + errorReply);
      }
      for (int i = 0; i < errorReply.length(); i++) {
        char c = errorReply.charAt(i);
        if (c == '\r' || c == '\n' || c > 0xFF) {
          throw new IllegalArgumentException(
              "errorReply must be one line of 8-bit characters, without CR or LF");
        }
      }
      this.errorReply = errorReply;
      return this;
    }

    /** Whether a rejected command gets no reply at all instead of the error reply (default no). */
    public Builder silentOnError(boolean silentOnError) {
      this.silentOnError = silentOnError;
      return this;
    }

    /** The nominal mains voltage, default 230 V. */
    public Builder mainsVolts(int volts) {
      if (volts < 1 || volts > 999) {
        throw new IllegalArgumentException("mainsVolts must be 1..999, was " + volts);
      }
      this.mainsVolts = volts;
      return this;
    }

    /**
     * Whether readings vary a little between statuses (default true): ±2 V on the mains, ±1 V per
     * outlet, ±3 % (at least ±1 W) on loads. Off gives exact, repeatable values for tests.
     */
    public Builder jitter(boolean jitter) {
      this.jitter = jitter;
      return this;
    }

    /** The device clock's value at build time (default: host local time); it then runs. */
    public Builder clock(LocalDateTime start) {
      this.clock = Objects.requireNonNull(start, "clock");
      return this;
    }

    /** The load outlet {@code outlet} draws when on, in watts (default: a plausible value). */
    public Builder loadWatts(int outlet, int watts) {
      checkOutlet(outlet);
      if (watts < 0 || watts > 99_999) {
        throw new IllegalArgumentException("loadWatts must be 0..99999 W, was " + watts);
      }
      loads.put(outlet, watts);
      return this;
    }

    /** The state outlet {@code outlet} starts in (default: on). */
    public Builder initialState(int outlet, boolean on) {
      checkOutlet(outlet);
      initialStates.put(outlet, on);
      return this;
    }

    /**
     * The configuration of outlet {@code outlet}, as {@code Cx=} would set it.
     *
     * @param name at most 8 characters without {@code |}, CR or LF; control characters are kept as
     *     given (a hostile unit)
     * @param type 1 normal, 2 router, 3 locked
     * @param delaySeconds reset-sequence delay, 0..99999
     */
    public Builder outletConfig(int outlet, String name, int type, int delaySeconds) {
      checkOutlet(outlet);
      configs.put(outlet, new OutletConfig(name, type, delaySeconds));
      return this;
    }

    /** The most clients connected at once (default 8); more are closed as soon as accepted. */
    public Builder maxClients(int maxClients) {
      if (maxClients < 1) {
        throw new IllegalArgumentException("maxClients must be at least 1, was " + maxClients);
      }
      this.maxClients = maxClients;
      return this;
    }

    /**
     * Creates the simulator, not yet started.
     *
     * @throws IllegalArgumentException if an outlet setting names an outlet above {@code outlets},
     *     or the bind address cannot be resolved
     */
    public IsoTekSimulator build() {
      checkOutletSettings();
      InetAddress address;
      try {
        address = InetAddress.getByName(bindAddress);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("bindAddress '" + bindAddress + "' is unknown", e);
      }
      return new IsoTekSimulator(this, address);
    }

    /**
     * Creates a unit without I/O that answers exactly as a simulator with these settings would (see
     * {@link IsoTekUnit}); the network settings are ignored.
     *
     * @throws IllegalArgumentException if an outlet setting names an outlet above {@code outlets}
     */
    public IsoTekUnit buildUnit() {
      checkOutletSettings();
      return new IsoTekUnit(this);
    }

    private void checkOutletSettings() {
      for (Map<Integer, ?> perOutlet : List.of(loads, initialStates, configs)) {
        for (int n : perOutlet.keySet()) {
          if (n > outlets) {
            throw new IllegalArgumentException(
                "outlet " + n + " is configured but the unit has only " + outlets + " outlets");
          }
        }
      }
    }

    String serialNumber() {
      return serialNumber;
    }

    String mac() {
      return mac;
    }

    Set<String> refused() {
      return refused;
    }

    boolean silentOnError() {
      return silentOnError;
    }

    private static int checkPort(String what, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(what + " must be 0..65535, was " + port);
      }
      return port;
    }

    private static void checkOutlet(int outlet) {
      if (outlet < 1 || outlet > 16) {
        throw new IllegalArgumentException("outlet must be 1..16, was " + outlet);
      }
    }

    private static String checkField(String what, String value) {
      if (value == null || value.isEmpty() || value.length() > 64) {
        throw new IllegalArgumentException(what + " must be 1..64 characters, was " + value);
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c < 0x20 || c > 0x7E || c == '|') {
          throw new IllegalArgumentException(
              what + " must be printable ASCII without '|', was '" + value + "'");
        }
      }
      return value;
    }
  }
}
