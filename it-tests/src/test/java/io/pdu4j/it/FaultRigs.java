package io.pdu4j.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.sim.enistic.EnisticSimulator;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.testkit.TcpFaultProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The rows and columns of {@link FaultMatrixIT}: each {@link Row} is a driver over a transport with
 * its simulator(s), and knows how to play each {@link Fault} there; {@link Rig} is one started row.
 */
final class FaultRigs {
  private FaultRigs() {}

  private static final String PASSWORD = "m4trix-Pw";

  /** The common device options: short timeouts keep the whole matrix short. */
  private static final String READY = "ready-timeout=10s";

  /** Bytes that are no line of any protocol here, with a control character and a high byte. */
  private static final byte[] GARBAGE = "#%&garbage\u0007\u00ff!!\n".getBytes(ISO_8859_1);

  /** A line far over every driver's frame bound (100,000 characters), then its line end. */
  private static final byte[] OVER_LONG = ("x".repeat(100_000) + "\n").getBytes(ISO_8859_1);

  /** What a stage under a fault may end with. */
  record Expect(boolean successAllowed, Set<Class<?>> errors) {
    static Expect success() {
      return new Expect(true, Set.of());
    }

    static Expect failure(Class<?>... errors) {
      return new Expect(false, Set.of(errors));
    }

    static Expect eitherOr(Class<?>... errors) {
      return new Expect(true, Set.of(errors));
    }

    @Override
    public String toString() {
      return (successAllowed ? "success (confirmed)" : "no success")
          + (errors.isEmpty()
              ? ""
              : ", or "
                  + String.join(
                      " / ", errors.stream().map(Class::getSimpleName).sorted().toList()));
    }
  }

  /**
   * The columns. Each has one stage (two for latency) and what the stage may end with on a row that
   * does not say otherwise ({@link Rig#expect}).
   */
  enum Fault {
    /** Phase 0: every piece delayed, well within the timeout; phase 1: beyond it. */
    LATENCY(2),
    /** The device answers nothing (and pushes nothing). */
    SILENCE(1),
    /** Junk bytes (a control character, a high byte) inside the reply. */
    GARBAGE(1),
    /** A 100,000-character line inside the reply. */
    OVER_LONG_LINE(1),
    /** The reply stops halfway and the connection closes. */
    CLOSE_MID_REPLY(1),
    /** An unasked status arrives inside the reply. */
    PUSH_MID_REPLY(1),
    /** The connection is reset (RST) when the command arrives. */
    RESET(1),
    /** The peer stops reading and answering but keeps the socket open. */
    HALF_OPEN(1),
    /** The device restarts; the command is issued while it is away. */
    DEVICE_RESTART(1);

    private final int phases;

    Fault(int phases) {
      this.phases = phases;
    }

    int phases() {
      return phases;
    }

    Expect expect(int phase) {
      return switch (this) {
        case LATENCY ->
            phase == 0 ? Expect.success() : Expect.failure(DeviceTimeoutException.class);
        case SILENCE -> Expect.failure(DeviceTimeoutException.class);
        case GARBAGE, OVER_LONG_LINE ->
            Expect.eitherOr(DeviceRejectedException.class, ProtocolException.class);
        case CLOSE_MID_REPLY -> Expect.eitherOr(LinkLostException.class);
        case PUSH_MID_REPLY -> Expect.success();
        case RESET -> Expect.failure(LinkLostException.class);
        case HALF_OPEN -> Expect.failure(DeviceTimeoutException.class, LinkLostException.class);
        case DEVICE_RESTART ->
            Expect.eitherOr(DeviceTimeoutException.class, LinkLostException.class);
      };
    }
  }

  /** Stages a cell tracks: each is counted, so a second completion would show. */
  interface Tracker {
    <T> CompletionStage<T> track(CompletionStage<T> stage);
  }

  /** One started row: its simulators, and how its faults are played. */
  interface Rig extends AutoCloseable {
    /** The device's address for a cell of {@code fault}. */
    String uri(Fault fault);

    /** Waits until the outlets the cell switches are known (the open already waited for ready). */
    default void ready(PowerDevice device, Tracker tracker) throws Exception {}

    /** The outlet a cell switches: 0 under the fault, 1 to show recovery. */
    Outlet outlet(PowerDevice device, int which);

    /** That outlet's state as the simulator itself has it. */
    OutletState deviceState(int which);

    /**
     * Arms {@code fault} for the stage about to be issued; the returned action runs once the stage
     * is issued (for faults that must land while a command is in flight).
     */
    Runnable inject(Fault fault, int phase, PowerDevice device, Tracker tracker) throws Exception;

    /** Ends every fault. */
    void clear(Fault fault) throws Exception;

    /** What the stage under {@code fault} may end with. */
    default Expect expect(Fault fault, int phase) {
      return fault.expect(phase);
    }

    /** Whether the device must notice the fault as a dead link (go OFFLINE) before it recovers. */
    boolean killsTheLink(Fault fault);

    @Override
    void close() throws IOException;
  }

  /** The rows. */
  enum Row {
    ISOTEK_TCP {
      @Override
      Rig start(Path dir) {
        return new IsoTekTcp();
      }
    },
    ISOTEK_SERIAL {
      @Override
      Optional<String> notApplicable(Fault fault) {
        return switch (fault) {
          case RESET ->
              Optional.of(
                  "a serial line has no connection to reset (a port that goes away and comes back"
                      + " is IsoTekSerialIT's)");
          case HALF_OPEN ->
              Optional.of(
                  "a serial line has no connection to leave half-open (a unit that stops answering"
                      + " is SILENCE)");
          default -> Optional.empty();
        };
      }

      @Override
      void assumeUsable() {
        SocatPair.assumeSocat();
      }

      @Override
      Rig start(Path dir) throws Exception {
        return new IsoTekSerial(dir);
      }
    },
    ISOTEK_EXTRON_TELNET {
      @Override
      Rig start(Path dir) throws Exception {
        return new IsoTekTunnel(dir, false);
      }
    },
    ISOTEK_EXTRON_HTTP {
      @Override
      Rig start(Path dir) throws Exception {
        return new IsoTekTunnel(dir, true);
      }
    },
    EXTRON_RELAYS {
      @Override
      Optional<String> notApplicable(Fault fault) {
        return fault == Fault.PUSH_MID_REPLY
            ? Optional.of(
                "the IPCP sends nothing unasked on a Telnet session in verbose mode 0, its default,"
                    + " which the driver keeps: there is no push to arrive mid-reply")
            : Optional.empty();
      }

      @Override
      Rig start(Path dir) throws Exception {
        return new ExtronRelays(dir);
      }
    },
    ENISTIC_UDP {
      @Override
      Optional<String> notApplicable(Fault fault) {
        return switch (fault) {
          case CLOSE_MID_REPLY ->
              Optional.of(
                  "UDP has no connection to close, and a reading is one datagram: losing it is the"
                      + " loss every cell of this row has");
          case RESET -> Optional.of("UDP has no connection to reset");
          case HALF_OPEN ->
              Optional.of(
                  "UDP has no connection to leave half-open (a controller that stops answering is"
                      + " SILENCE)");
          default -> Optional.empty();
        };
      }

      @Override
      Rig start(Path dir) throws Exception {
        return new EnisticUdp();
      }
    };

    /** Why {@code fault} cannot apply to this row, if it cannot. */
    Optional<String> notApplicable(Fault fault) {
      return Optional.empty();
    }

    /** Skips (or under CI fails) a cell whose tools are missing. */
    void assumeUsable() {}

    abstract Rig start(Path dir) throws Exception;
  }

  private static OutletState state(boolean on) {
    return on ? OutletState.ON : OutletState.OFF;
  }

  private static Path secret(Path dir) throws Exception {
    return Files.writeString(Files.createTempFile(dir, "ipcp", ".pw"), PASSWORD + "\n");
  }

  private static IsoTekSimulator isotek() {
    return IsoTekSimulator.builder()
        .outlets(8)
        .jitter(false)
        .pushInterval(Duration.ofMillis(300))
        .restartTime(Duration.ofSeconds(1))
        .build()
        .start();
  }

  /** Waits for a restart the device confirmed ({@code OK} to {@code X}). */
  private static void restart(PowerDevice device, Tracker tracker) throws Exception {
    tracker.track(device.restart()).toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  // ------------------------------------------------------------------ rows over TcpFaultProxy

  /** A row whose device is reached over TCP through a {@link TcpFaultProxy}. */
  private abstract static class Proxied implements Rig {
    TcpFaultProxy proxy;
    private final Duration timeout;

    Proxied(Duration timeout) {
      this.timeout = timeout;
    }

    /** The common options, and a short quiet-link watch where the link must be found dead. */
    String options(Fault fault) {
      return "timeout="
          + timeout.toMillis()
          + "ms&"
          + READY
          + (fault == Fault.HALF_OPEN ? "&quiet=1500ms" : "");
    }

    /** Plays a proxy fault; returns false for the faults the row plays itself. */
    boolean injectAtProxy(Fault fault, int phase) {
      switch (fault) {
        case LATENCY -> {
          if (phase == 0) {
            proxy.latency(Duration.ofMillis(100));
          } else {
            proxy.replyLatency(timeout.plusMillis(1500));
          }
        }
        case SILENCE -> proxy.silent(true);
        case GARBAGE -> proxy.insertIntoNextReply(GARBAGE);
        case OVER_LONG_LINE -> proxy.insertIntoNextReply(OVER_LONG);
        case CLOSE_MID_REPLY -> proxy.closeMidNextReply();
        case RESET -> proxy.resetOnNextRequest();
        case HALF_OPEN -> proxy.halfOpen();
        default -> {
          return false;
        }
      }
      return true;
    }

    @Override
    public boolean killsTheLink(Fault fault) {
      return fault == Fault.CLOSE_MID_REPLY || fault == Fault.RESET || fault == Fault.HALF_OPEN;
    }

    /**
     * Clears the proxy's faults; after a latency, also waits until the late answers have reached
     * the driver. Request/reply protocols carry no request ids: an answer that arrives after its
     * command timed out and after the queue's settle time would be taken for the next command's
     * (see docs/reliability.md (Fault matrix)), so recovery is measured once the link is quiet
     * again.
     */
    void clearProxy(Fault fault) {
      proxy.clearFaults();
      if (fault == Fault.LATENCY) {
        await()
            .pollDelay(Duration.ofMillis(300))
            .atMost(Duration.ofSeconds(10))
            .until(() -> proxy.piecesInDelay() == 0);
      }
    }
  }

  /** IsoTek over TCP. */
  private static final class IsoTekTcp extends Proxied {
    private final IsoTekSimulator sim = isotek();

    IsoTekTcp() {
      super(Duration.ofMillis(1500));
      proxy = TcpFaultProxy.start(sim.port());
    }

    @Override
    public String uri(Fault fault) {
      return "isotek:tcp://127.0.0.1:" + proxy.port() + "?" + options(fault);
    }

    @Override
    public Outlet outlet(PowerDevice device, int which) {
      return device.outlet(3 + which);
    }

    @Override
    public OutletState deviceState(int which) {
      return state(sim.outletState(3 + which));
    }

    @Override
    public Runnable inject(Fault fault, int phase, PowerDevice device, Tracker tracker)
        throws Exception {
      if (!injectAtProxy(fault, phase)) {
        switch (fault) {
          case PUSH_MID_REPLY -> sim.pushDuringNextReplies(1);
          case DEVICE_RESTART -> restart(device, tracker);
          default -> throw new IllegalArgumentException(fault.name());
        }
      }
      return () -> {};
    }

    @Override
    public void clear(Fault fault) {
      clearProxy(fault);
      sim.clearFaults();
    }

    @Override
    public boolean killsTheLink(Fault fault) {
      return super.killsTheLink(fault) || fault == Fault.DEVICE_RESTART;
    }

    @Override
    public void close() {
      proxy.close();
      sim.close();
    }
  }

  /**
   * IsoTek through an IPCP, Telnet ({@code isotek:extron://}) or web ({@code
   * isotek:extron+http://}), the proxy between the driver and the IPCP; the IsoTek simulator is on
   * COM3. Polls are put off (60 s) so that each fault lands on the cell's own command.
   */
  private static final class IsoTekTunnel extends Proxied {
    private final IsoTekSimulator isotek = isotek();
    private final ExtronSimulator ipcp;
    private final boolean web;
    private final Path secret;

    IsoTekTunnel(Path dir, boolean web) throws Exception {
      // a lost "?" while opening is asked again only at the next poll: the first one must not
      // time out on a busy machine
      super(Duration.ofSeconds(3));
      this.web = web;
      this.secret = secret(dir);
      ExtronSimulator.Builder b =
          ExtronSimulator.builder().adminPassword(PASSWORD).serialDevice(3, isotek.port());
      ipcp = (web ? b.httpPort(0) : b).build().start();
      proxy = TcpFaultProxy.start(web ? ipcp.httpPort() : ipcp.port());
    }

    @Override
    public String uri(Fault fault) {
      return "isotek:"
          + (web ? "extron+http" : "extron")
          + "://127.0.0.1:"
          + proxy.port()
          + "/3?password=file:"
          + secret
          + "&poll=60s&"
          + options(fault);
    }

    @Override
    public Outlet outlet(PowerDevice device, int which) {
      return device.outlet(3 + which);
    }

    @Override
    public OutletState deviceState(int which) {
      return state(isotek.outletState(3 + which));
    }

    @Override
    public Expect expect(Fault fault, int phase) {
      // a reply over the tunnel's bound is dropped: on Telnet (8 KiB) the command fails at once as
      // a protocol error; on the web form (16 KiB) the connection is given up, as the answer's end
      // is lost with it
      return fault == Fault.OVER_LONG_LINE
          ? (web
              ? Expect.failure(LinkLostException.class)
              : Expect.failure(ProtocolException.class))
          : fault.expect(phase);
    }

    @Override
    public Runnable inject(Fault fault, int phase, PowerDevice device, Tracker tracker)
        throws Exception {
      if (!injectAtProxy(fault, phase)) {
        switch (fault) {
          case PUSH_MID_REPLY -> isotek.pushDuringNextReplies(1);
          case DEVICE_RESTART -> restart(device, tracker);
          default -> throw new IllegalArgumentException(fault.name());
        }
      }
      return () -> {};
    }

    @Override
    public void clear(Fault fault) {
      clearProxy(fault);
      isotek.clearFaults();
    }

    @Override
    public void close() {
      proxy.close();
      ipcp.close();
      isotek.close();
    }
  }

  /** The IPCP's own relays ({@code extron:tcp://}), the proxy in front of the IPCP. */
  private static final class ExtronRelays extends Proxied {
    private final Path secret;
    private volatile ExtronSimulator ipcp;

    ExtronRelays(Path dir) throws Exception {
      super(Duration.ofMillis(1500));
      secret = secret(dir);
      ipcp = ExtronSimulator.builder().adminPassword(PASSWORD).build().start();
      proxy = TcpFaultProxy.start(ipcp.port());
    }

    @Override
    public String uri(Fault fault) {
      return "extron:tcp://127.0.0.1:"
          + proxy.port()
          + "?password=file:"
          + secret
          + "&poll=60s&"
          + options(fault);
    }

    @Override
    public Outlet outlet(PowerDevice device, int which) {
      return device.outlet(3 + which);
    }

    @Override
    public OutletState deviceState(int which) {
      return state(ipcp.relay(3 + which));
    }

    @Override
    public Runnable inject(Fault fault, int phase, PowerDevice device, Tracker tracker) {
      if (!injectAtProxy(fault, phase)) {
        if (fault != Fault.DEVICE_RESTART) {
          throw new IllegalArgumentException(fault.name());
        }
        // the IPCP restarts: every session closes, the port comes back at once, relays open
        int port = ipcp.port();
        ipcp.close();
        ipcp = ExtronSimulator.builder().port(port).adminPassword(PASSWORD).build().start();
      }
      return () -> {};
    }

    @Override
    public void clear(Fault fault) {
      clearProxy(fault);
    }

    @Override
    public boolean killsTheLink(Fault fault) {
      return super.killsTheLink(fault) || fault == Fault.DEVICE_RESTART;
    }

    @Override
    public void close() {
      proxy.close();
      ipcp.close();
    }
  }

  // ------------------------------------------------------------------ serial

  /**
   * IsoTek over a socat pseudo-terminal pair: the faults are the simulator's own switches. Garbage
   * and the over-long line are sent while the command waits for its (delayed) reply.
   */
  private static final class IsoTekSerial implements Rig {
    private final SocatPair pair;
    private final IsoTekSimulator sim;

    IsoTekSerial(Path dir) throws Exception {
      pair = SocatPair.start(dir, dir.resolve("pdu"), dir.resolve("unit"));
      sim =
          IsoTekSimulator.builder()
              .outlets(8)
              .jitter(false)
              .pushInterval(Duration.ofMillis(300))
              .restartTime(Duration.ofSeconds(1))
              .serialDevice(pair.b())
              .build()
              .start();
    }

    @Override
    public String uri(Fault fault) {
      return "isotek:serial://" + pair.a() + "?timeout=1500ms&" + READY;
    }

    @Override
    public Outlet outlet(PowerDevice device, int which) {
      return device.outlet(3 + which);
    }

    @Override
    public OutletState deviceState(int which) {
      return state(sim.outletState(3 + which));
    }

    @Override
    public Runnable inject(Fault fault, int phase, PowerDevice device, Tracker tracker)
        throws Exception {
      long before = sim.commandCount();
      switch (fault) {
        case LATENCY -> sim.setReplyLatency(Duration.ofMillis(phase == 0 ? 100 : 3000));
        case SILENCE -> {
          sim.setSilent(true);
          sim.pausePushes();
        }
        case GARBAGE, OVER_LONG_LINE -> {
          sim.setReplyLatency(Duration.ofMillis(400));
          return () -> {
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.commandCount() > before);
            sim.setReplyLatency(Duration.ZERO); // the confirming "?" is answered at once
            if (fault == Fault.GARBAGE) {
              sim.injectRaw(new String(GARBAGE, ISO_8859_1));
            } else {
              sim.injectRaw(new String(OVER_LONG, ISO_8859_1));
            }
          };
        }
        case CLOSE_MID_REPLY -> sim.truncateNextReply();
        case PUSH_MID_REPLY -> sim.pushDuringNextReplies(1);
        case DEVICE_RESTART -> restart(device, tracker);
        default -> throw new IllegalArgumentException(fault.name());
      }
      return () -> {};
    }

    @Override
    public Expect expect(Fault fault, int phase) {
      // a torn reply on a line that stays up: nothing closes, so no LinkLostException
      return fault == Fault.CLOSE_MID_REPLY
          ? Expect.eitherOr(
              DeviceTimeoutException.class, DeviceRejectedException.class, ProtocolException.class)
          : fault.expect(phase);
    }

    @Override
    public void clear(Fault fault) {
      sim.clearFaults();
    }

    @Override
    public boolean killsTheLink(Fault fault) {
      return false;
    }

    @Override
    public void close() throws IOException {
      sim.close();
      pair.close();
    }
  }

  // ------------------------------------------------------------------ UDP

  /**
   * Enistic over UDP, with 20 % loss both ways, 10 % duplicated and 10 % reordered readings in
   * every cell; the faults are the simulator's own switches, and datagrams the test sends itself.
   */
  private static final class EnisticUdp implements Rig {
    private static final String CONTROLLER = "004A3BB5B04";
    private static final int LOSS = 20;

    private final int port;
    private volatile EnisticSimulator sim;

    EnisticUdp() throws Exception {
      try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      sim = simulator(0);
    }

    private EnisticSimulator simulator(int controlPort) {
      return EnisticSimulator.builder()
          .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
          .controlPort(controlPort)
          .rate(20)
          .controller(CONTROLLER, 2, 0, 1)
          .lossPercent(LOSS)
          .duplicatePercent(10)
          .reorderPercent(10)
          .seed(7)
          .build()
          .start();
    }

    @Override
    public String uri(Fault fault) {
      return "enistic:udp://127.0.0.1:"
          + port
          + "/"
          + CONTROLLER
          + "?send=127.0.0.1:"
          + sim.controlPort()
          + "&timeout=3s";
    }

    @Override
    public void ready(PowerDevice device, Tracker tracker) throws Exception {
      tracker.track(device.refresh()).toCompletableFuture().get(15, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> device.outlets().size() == 2);
    }

    private String serial(int which) {
      return sim.socketSerials(CONTROLLER).get(which);
    }

    @Override
    public Outlet outlet(PowerDevice device, int which) {
      String id = serial(which);
      return device.outlets().stream().filter(o -> o.id().equals(id)).findFirst().orElseThrow();
    }

    @Override
    public OutletState deviceState(int which) {
      return state(sim.socketOn(serial(which)).orElseThrow());
    }

    @Override
    public Runnable inject(Fault fault, int phase, PowerDevice device, Tracker tracker) {
      switch (fault) {
        case LATENCY -> sim.setStateChangeDelay(Duration.ofMillis(phase == 0 ? 200 : 4000));
        case SILENCE -> sim.setLossPercent(100);
        case GARBAGE -> {
          sim.setMalformedPercent(50);
          sim.setOtherEventPercent(50);
        }
        case OVER_LONG_LINE -> {
          return this::sendOverLong;
        }
        case PUSH_MID_REPLY -> sim.setForgedController("BADF00D");
        case DEVICE_RESTART -> {
          int control = sim.controlPort();
          sim.close();
          sim = simulator(control);
        }
        default -> throw new IllegalArgumentException(fault.name());
      }
      return () -> {};
    }

    /** A line over the driver's bound, and a datagram over the transport's, while it switches. */
    private void sendOverLong() {
      String line = CONTROLLER + ":Reading:" + "9".repeat(300) + ":1:1:1\r";
      try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        for (byte[] b : List.of(line.getBytes(ISO_8859_1), new byte[60_000], OVER_LONG)) {
          int n = Math.min(b.length, 60_000);
          s.send(new DatagramPacket(b, n, to));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Expect expect(Fault fault, int phase) {
      return switch (fault) {
        // the readings keep showing the old state: the driver cannot tell that from a lost command
        case LATENCY ->
            phase == 0
                ? Expect.success()
                : Expect.failure(DeviceTimeoutException.class, StateNotConfirmedException.class);
        // junk is skipped, so the switch still succeeds
        case GARBAGE, OVER_LONG_LINE -> Expect.success();
        default -> fault.expect(phase);
      };
    }

    @Override
    public void clear(Fault fault) {
      sim.setLossPercent(LOSS);
      sim.setMalformedPercent(0);
      sim.setOtherEventPercent(0);
      sim.setForgedController(null);
      sim.setStateChangeDelay(Duration.ZERO);
    }

    @Override
    public boolean killsTheLink(Fault fault) {
      return false;
    }

    @Override
    public void close() {
      sim.close();
    }
  }
}
