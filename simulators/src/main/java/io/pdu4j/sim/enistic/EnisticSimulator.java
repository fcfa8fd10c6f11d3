package io.pdu4j.sim.enistic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated set of Enistic Smart Energy Controllers with their Smart Sockets and multi-channel
 * meters, speaking the controller API over UDP, with fault injection for tests.
 *
 * <p>Wire behaviour:
 *
 * <ul>
 *   <li>Every {@code 1/rate} seconds each controller sends one reading per socket and per meter
 *       channel, {@code Controller:Reading:Meter:Power:Channel:State} ended by CR, one datagram
 *       each, to the target address (loopback in tests; the real controllers broadcast to port
 *       53005). Sockets report channel 1 and state 1 (on) / 0 (off); meters report channels 1..n
 *       and state 0.
 *   <li>Readings are sent from the control socket, so their source address and port are where
 *       commands go.
 *   <li>Commands {@code Controller,Event,Socket;} received on the control port switch a socket of
 *       that controller ({@code FFFFFFFFFFFF} = every controller): event {@code 1} = on with the
 *       normal polarity (the document's table), {@code 0} = on when {@link
 *       Builder#invertedPolarity(boolean)} (the document's examples). Commands for a socket not
 *       joined to that controller, for meters, and malformed ones are ignored; there is no reply.
 * </ul>
 *
 * <p>Faults (changeable while running): loss (each datagram, both directions, dropped with the
 * given percentage), duplication, reordering (a datagram held back and sent after the next), a
 * delay before a commanded state change takes effect, malformed lines and non-reading events mixed
 * in, and readings from a forged controller serial (same meters, opposite socket states). {@link
 * #sendUnknownSerials} floods the target with readings of sockets nobody has.
 *
 * <p>Thread-safe. {@link #close()} closes the socket and returns once both threads have ended; all
 * threads are daemons named {@code enistic-sim-...}.
 */
public final class EnisticSimulator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EnisticSimulator.class);

  /** The serial that addresses every controller. */
  public static final String ALL_CONTROLLERS = "FFFFFFFFFFFF";

  private final InetAddress bindAddress;
  private final int requestedControlPort;
  private final Duration period;
  private final boolean inverted;
  private final List<Controller> controllers;
  private final Random random;
  private final Object lock = new Object();
  private final AtomicLong commandsReceived = new AtomicLong();
  private final AtomicLong commandsObeyed = new AtomicLong();
  private final AtomicLong datagramsSent = new AtomicLong();

  private volatile InetSocketAddress target;
  private volatile int lossPercent;
  private volatile int duplicatePercent;
  private volatile int reorderPercent;
  private volatile int malformedPercent;
  private volatile int otherEventPercent;
  private volatile Duration stateChangeDelay;
  private volatile String forgedController;

  private DatagramSocket socket;
  private ScheduledExecutorService sender;
  private final List<Thread> senderThreads = new CopyOnWriteArrayList<>();
  private Thread receiver;
  private DatagramPacket held;
  private volatile boolean closed;

  /** One controller and what is joined to it. */
  private static final class Controller {
    final String serial;
    final Map<String, Socket> sockets = new LinkedHashMap<>();
    final Map<String, Meter> meters = new LinkedHashMap<>();

    Controller(String serial) {
      this.serial = serial;
    }
  }

  private static final class Socket {
    final String serial;
    final double load;
    volatile boolean on;

    Socket(String serial, double load, boolean on) {
      this.serial = serial;
      this.load = load;
      this.on = on;
    }
  }

  private static final class Meter {
    final String serial;
    final double[] loads;

    Meter(String serial, double[] loads) {
      this.serial = serial;
      this.loads = loads;
    }
  }

  private EnisticSimulator(Builder b) {
    this.bindAddress = b.bindAddress;
    this.requestedControlPort = b.controlPort;
    this.period = Duration.ofNanos((long) (1e9 / b.rate));
    this.inverted = b.inverted;
    this.target = b.target;
    this.random = new Random(b.seed);
    this.lossPercent = b.lossPercent;
    this.duplicatePercent = b.duplicatePercent;
    this.reorderPercent = b.reorderPercent;
    this.malformedPercent = b.malformedPercent;
    this.otherEventPercent = b.otherEventPercent;
    this.stateChangeDelay = b.stateChangeDelay;
    this.forgedController = b.forgedController;
    List<Controller> list = new ArrayList<>();
    int n = 0;
    for (Builder.ControllerSpec spec : b.controllers()) {
      Controller c = new Controller(spec.serial);
      for (int i = 0; i < spec.sockets; i++) {
        String serial = String.format(Locale.ROOT, "0021ED%04X%06X", n, 0x041300 + i);
        c.sockets.put(serial.toUpperCase(Locale.ROOT), new Socket(serial, 20 + 15 * i, true));
      }
      for (int i = 0; i < spec.meters; i++) {
        String serial = String.format(Locale.ROOT, "0021ED%04X%06X", n, 0x099000 + i);
        double[] loads = new double[spec.channels];
        for (int ch = 0; ch < loads.length; ch++) {
          loads[ch] = 100 + 37.5 * ch;
        }
        c.meters.put(serial.toUpperCase(Locale.ROOT), new Meter(serial, loads));
      }
      list.add(c);
      n++;
    }
    this.controllers = List.copyOf(list);
  }

  /** A builder: one controller {@code 004A3BB5B04} with 4 sockets and one 3-channel meter. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the control socket and starts sending readings.
   *
   * @return this simulator
   * @throws UncheckedIOException when the port cannot be bound
   */
  public EnisticSimulator start() {
    synchronized (lock) {
      if (socket != null || closed) {
        throw new IllegalStateException("a simulator starts once");
      }
      try {
        socket = new DatagramSocket(new InetSocketAddress(bindAddress, requestedControlPort));
        socket.setSoTimeout(200);
      } catch (SocketException e) {
        throw new UncheckedIOException("cannot bind the control port", e);
      }
      int port = socket.getLocalPort();
      AtomicInteger threads = new AtomicInteger();
      sender =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t =
                    new Thread(r, "enistic-sim-" + port + "-send-" + threads.incrementAndGet());
                t.setDaemon(true);
                senderThreads.add(t);
                return t;
              });
      sender.scheduleAtFixedRate(this::tick, 0, period.toNanos(), TimeUnit.NANOSECONDS);
      receiver = new Thread(this::receive, "enistic-sim-" + port + "-control");
      receiver.setDaemon(true);
      receiver.start();
      LOG.debug("Enistic simulator: control port {}, readings to {}", port, target);
    }
    return this;
  }

  /** The control port commands go to (the readings' source port). */
  public int controlPort() {
    synchronized (lock) {
      if (socket == null) {
        throw new IllegalStateException("not started");
      }
      return socket.getLocalPort();
    }
  }

  /** The controllers' serials, in order. */
  public List<String> controllerSerials() {
    return controllers.stream().map(c -> c.serial).toList();
  }

  /** A controller's socket serials, in order. */
  public List<String> socketSerials(String controller) {
    return controller(controller).sockets.values().stream().map(s -> s.serial).toList();
  }

  /** A controller's meter serials, in order. */
  public List<String> meterSerials(String controller) {
    return controller(controller).meters.values().stream().map(m -> m.serial).toList();
  }

  /** Whether a socket is on, or empty if no controller has it. */
  public Optional<Boolean> socketOn(String socketSerial) {
    return findSocket(socketSerial).map(s -> s.on);
  }

  /** Switches a socket by hand (its button), with no command. */
  public void setSocketOn(String socketSerial, boolean on) {
    findSocket(socketSerial).orElseThrow(() -> new IllegalArgumentException(socketSerial)).on = on;
  }

  /** Commands received (lost ones not counted). */
  public long commandsReceived() {
    return commandsReceived.get();
  }

  /** Commands that switched (or confirmed) a socket. */
  public long commandsObeyed() {
    return commandsObeyed.get();
  }

  /** Reading datagrams sent. */
  public long datagramsSent() {
    return datagramsSent.get();
  }

  /** Sets where readings go. */
  public void setTarget(InetSocketAddress target) {
    this.target = Objects.requireNonNull(target, "target");
  }

  /** Drops this percentage of datagrams, both ways. */
  public void setLossPercent(int percent) {
    this.lossPercent = percent(percent);
  }

  /** Sends this percentage of readings twice. */
  public void setDuplicatePercent(int percent) {
    this.duplicatePercent = percent(percent);
  }

  /** Holds back this percentage of readings until after the next one. */
  public void setReorderPercent(int percent) {
    this.reorderPercent = percent(percent);
  }

  /** Replaces this percentage of readings with malformed lines. */
  public void setMalformedPercent(int percent) {
    this.malformedPercent = percent(percent);
  }

  /** Adds a non-reading event with this percentage per reading. */
  public void setOtherEventPercent(int percent) {
    this.otherEventPercent = percent(percent);
  }

  /** How long a commanded socket takes to switch. */
  public void setStateChangeDelay(Duration delay) {
    this.stateChangeDelay = Objects.requireNonNull(delay, "delay");
  }

  /** Also sends readings of every meter under this forged controller serial (null: stop). */
  public void setForgedController(String serial) {
    this.forgedController = serial;
  }

  /** Readings per datagram of {@link #sendUnknownSerials}: 25 lines stay under 2048 bytes. */
  public static final int FLOOD_LINES_PER_DATAGRAM = 25;

  /**
   * Sends at once, from the control socket, one reading of each of {@code count} made-up serials
   * under {@code controller}: {@code FFEE} followed by the index {@code first..first+count-1} in 12
   * hex digits (state 1, 1.5 W, channel 1), {@value #FLOOD_LINES_PER_DATAGRAM} lines to a datagram.
   * A flood of sockets joined to no controller, for tests of a driver's bounds; the faults (loss,
   * duplication, ...) do not apply. Pace the calls: loopback drops what the receiver's buffer
   * cannot hold.
   *
   * @return the datagrams sent
   * @throws IllegalStateException when the simulator is not running
   */
  public int sendUnknownSerials(String controller, long first, int count) {
    if (!controller.matches("[0-9A-Fa-f]{1,12}")) {
      throw new IllegalArgumentException("a controller serial is 1..12 hex digits");
    }
    if (first < 0 || count < 0 || first + count > 1L << 48) {
      throw new IllegalArgumentException("serial indexes must be 0..2^48-1");
    }
    DatagramSocket s;
    InetSocketAddress to = target;
    synchronized (lock) {
      s = socket;
    }
    if (s == null || closed) {
      throw new IllegalStateException("the simulator is not running");
    }
    int datagrams = 0;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < count; i++) {
      b.append(controller)
          .append(":Reading:")
          .append(String.format(Locale.ROOT, "FFEE%012X", first + i))
          .append(":1.500:1:1\r");
      if ((i + 1) % FLOOD_LINES_PER_DATAGRAM == 0 || i + 1 == count) {
        byte[] bytes = b.toString().getBytes(StandardCharsets.US_ASCII);
        try {
          s.send(new DatagramPacket(bytes, bytes.length, to));
        } catch (IOException e) {
          throw new UncheckedIOException("sending the flood failed", e);
        }
        datagramsSent.incrementAndGet();
        datagrams++;
        b.setLength(0);
      }
    }
    return datagrams;
  }

  // ------------------------------------------------------------------ sending

  private void tick() {
    try {
      for (Controller c : controllers) {
        for (Socket s : c.sockets.values()) {
          boolean on = s.on;
          reading(c.serial, s.serial, on ? s.load + jitter() : 0, 1, on ? 1 : 0);
        }
        for (Meter m : c.meters.values()) {
          for (int ch = 1; ch <= m.loads.length; ch++) {
            reading(c.serial, m.serial, m.loads[ch - 1] + jitter(), ch, 0);
          }
        }
        String forged = forgedController;
        if (forged != null) {
          for (Socket s : c.sockets.values()) {
            reading(forged, s.serial, 0, 1, s.on ? 0 : 1);
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Enistic simulator: sending failed", e);
    }
  }

  private double jitter() {
    synchronized (random) {
      return Math.round(random.nextDouble() * 1000) / 1000.0;
    }
  }

  private boolean chance(int percent) {
    if (percent <= 0) {
      return false;
    }
    synchronized (random) {
      return random.nextInt(100) < percent;
    }
  }

  private void reading(String controller, String meter, double power, int channel, int state) {
    String line;
    if (chance(malformedPercent)) {
      line = controller + ":Reading:" + meter + ":" + "x.y" + ":" + channel + ":";
    } else {
      line =
          controller
              + ":Reading:"
              + meter
              + ":"
              + String.format(Locale.ROOT, "%.3f", power)
              + ":"
              + channel
              + ":"
              + state;
    }
    send(line + "\r");
    if (chance(otherEventPercent)) {
      send(controller + ":Heartbeat:" + meter + "\r");
    }
  }

  private void send(String text) {
    if (chance(lossPercent)) {
      return;
    }
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    DatagramPacket p = new DatagramPacket(b, b.length, target);
    DatagramSocket s;
    DatagramPacket release = null;
    synchronized (lock) {
      s = socket;
      if (chance(reorderPercent) && held == null) {
        held = p;
        return;
      }
      if (held != null) {
        release = held;
        held = null;
      }
    }
    if (s == null || s.isClosed()) {
      return;
    }
    try {
      s.send(p);
      datagramsSent.incrementAndGet();
      if (release != null) {
        s.send(release);
        datagramsSent.incrementAndGet();
      }
      if (chance(duplicatePercent)) {
        s.send(p);
        datagramsSent.incrementAndGet();
      }
    } catch (IOException e) {
      if (!closed) {
        LOG.debug("Enistic simulator: send failed: {}", e.toString());
      }
    }
  }

  // ------------------------------------------------------------------ commands

  private void receive() {
    byte[] buf = new byte[2048];
    DatagramSocket s;
    synchronized (lock) {
      s = socket;
    }
    while (!closed && !s.isClosed()) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        s.receive(p);
      } catch (SocketTimeoutException e) {
        continue;
      } catch (IOException e) {
        if (!closed) {
          LOG.debug("Enistic simulator: receive failed: {}", e.toString());
        }
        continue;
      }
      if (chance(lossPercent)) {
        continue;
      }
      String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
      for (String command : text.split(";")) {
        command = command.strip();
        if (!command.isEmpty()) {
          commandsReceived.incrementAndGet();
          obey(command);
        }
      }
    }
  }

  private void obey(String command) {
    String[] f = command.split(",", -1);
    if (f.length != 3 || !(f[1].equals("0") || f[1].equals("1"))) {
      LOG.debug("Enistic simulator: ignored malformed command {}", command);
      return;
    }
    boolean on = f[1].equals("1") != inverted;
    for (Controller c : controllers) {
      if (!f[0].equalsIgnoreCase(c.serial) && !f[0].equalsIgnoreCase(ALL_CONTROLLERS)) {
        continue;
      }
      Socket socket = c.sockets.get(f[2].toUpperCase(Locale.ROOT));
      if (socket == null) {
        continue; // not joined to this controller: silently ignored
      }
      commandsObeyed.incrementAndGet();
      Duration delay = stateChangeDelay;
      if (delay.isZero()) {
        socket.on = on;
      } else {
        try {
          sender.schedule(() -> socket.on = on, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
          // closing
        }
      }
    }
  }

  private Controller controller(String serial) {
    return controllers.stream()
        .filter(c -> c.serial.equalsIgnoreCase(serial))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no controller " + serial));
  }

  private Optional<Socket> findSocket(String serial) {
    String key = serial.toUpperCase(Locale.ROOT);
    return controllers.stream().map(c -> c.sockets.get(key)).filter(Objects::nonNull).findFirst();
  }

  private static int percent(int p) {
    if (p < 0 || p > 100) {
      throw new IllegalArgumentException("a percentage must be 0..100, got " + p);
    }
    return p;
  }

  /** Stops sending, closes the socket, and waits for both threads to end. Idempotent. */
  @Override
  public void close() {
    ScheduledExecutorService s;
    Thread r;
    synchronized (lock) {
      closed = true;
      s = sender;
      r = receiver;
      if (socket != null) {
        socket.close();
      }
    }
    try {
      if (s != null) {
        s.shutdownNow();
        s.awaitTermination(5, TimeUnit.SECONDS);
        // terminated is not ended: a worker may not have returned from run() yet
        for (Thread t : senderThreads) {
          t.join(5000);
        }
      }
      if (r != null) {
        r.join(5000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "EnisticSimulator" + controllerSerials();
  }

  /** Configures a simulator. */
  public static final class Builder {
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private int controlPort;
    private InetSocketAddress target =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 53005);
    private double rate = 2;
    private boolean inverted;
    private long seed = 1;
    private int lossPercent;
    private int duplicatePercent;
    private int reorderPercent;
    private int malformedPercent;
    private int otherEventPercent;
    private Duration stateChangeDelay = Duration.ZERO;
    private String forgedController;
    private int sockets = 4;
    private int meters = 1;
    private int channels = 3;
    private final List<ControllerSpec> specs = new ArrayList<>();

    private record ControllerSpec(String serial, int sockets, int meters, int channels) {}

    private Builder() {}

    /** Where readings go (default 127.0.0.1:53005). */
    public Builder target(InetSocketAddress target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /** The address the control socket binds (default loopback). */
    public Builder bindAddress(InetAddress address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The control port (default 0: an ephemeral one; the real controllers use 53004). */
    public Builder controlPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535");
      }
      this.controlPort = port;
      return this;
    }

    /** Reading rounds per second (every socket and meter channel once per round), default 2. */
    public Builder rate(double perSecond) {
      if (!(perSecond > 0 && perSecond <= 1000)) {
        throw new IllegalArgumentException("rate must be in (0, 1000]");
      }
      this.rate = perSecond;
      return this;
    }

    /** Sockets of the default controller (default 4). */
    public Builder sockets(int n) {
      this.sockets = count(n);
      return this;
    }

    /** Meters of the default controller (default 1). */
    public Builder meters(int n) {
      this.meters = count(n);
      return this;
    }

    /** Channels of each meter of the default controller, 1..16 (default 3). */
    public Builder channels(int n) {
      if (n < 1 || n > 16) {
        throw new IllegalArgumentException("channels must be 1..16");
      }
      this.channels = n;
      return this;
    }

    /**
     * Adds a controller (once any is added, the default one is not created).
     *
     * @param serial 1..12 hex digits
     */
    public Builder controller(String serial, int sockets, int meters, int channels) {
      if (!serial.matches("[0-9A-Fa-f]{1,12}")) {
        throw new IllegalArgumentException("a controller serial is 1..12 hex digits");
      }
      specs.add(new ControllerSpec(serial, count(sockets), count(meters), channels));
      return this;
    }

    /** Whether {@code 0} switches on (the document's examples) instead of {@code 1}. */
    public Builder invertedPolarity(boolean inverted) {
      this.inverted = inverted;
      return this;
    }

    /** The random seed for faults and jitter. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Datagram loss in percent, both ways. */
    public Builder lossPercent(int p) {
      this.lossPercent = percent(p);
      return this;
    }

    /** Readings sent twice, in percent. */
    public Builder duplicatePercent(int p) {
      this.duplicatePercent = percent(p);
      return this;
    }

    /** Readings held back until after the next, in percent. */
    public Builder reorderPercent(int p) {
      this.reorderPercent = percent(p);
      return this;
    }

    /** Readings replaced by a malformed line, in percent. */
    public Builder malformedPercent(int p) {
      this.malformedPercent = percent(p);
      return this;
    }

    /** Non-reading events mixed in, in percent of readings. */
    public Builder otherEventPercent(int p) {
      this.otherEventPercent = percent(p);
      return this;
    }

    /** Delay before a commanded switch takes effect. */
    public Builder stateChangeDelay(Duration d) {
      this.stateChangeDelay = Objects.requireNonNull(d, "delay");
      return this;
    }

    /** Also send every socket's reading, with the opposite state, under this controller serial. */
    public Builder forgedController(String serial) {
      this.forgedController = serial;
      return this;
    }

    private List<ControllerSpec> controllers() {
      return specs.isEmpty()
          ? List.of(new ControllerSpec("004A3BB5B04", sockets, meters, channels))
          : specs;
    }

    /** Creates the simulator; nothing is bound until {@link EnisticSimulator#start()}. */
    public EnisticSimulator build() {
      return new EnisticSimulator(this);
    }

    private static int count(int n) {
      if (n < 0 || n > 256) {
        throw new IllegalArgumentException("count must be 0..256");
      }
      return n;
    }
  }
}
