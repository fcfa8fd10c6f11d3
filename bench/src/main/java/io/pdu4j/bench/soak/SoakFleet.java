package io.pdu4j.bench.soak;

import io.pdu4j.bench.soak.SoakSettings.DeviceKind;
import io.pdu4j.sim.enistic.EnisticSimulator;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulators of a soak and the devices they stand for, with the faults each can be given.
 *
 * <p>Sizing for one machine: the IsoTek and Extron simulators serve a thread per connection, so
 * every IsoTek PDU is its own simulator on its own port (about four threads), every relay device
 * gets its own IPCP (relays of one IPCP switched by two devices would contradict each other), and
 * the tunnelled PDUs are spread over those IPCPs' serial ports (up to eight each); the Enistic
 * simulator sends every controller's readings from two threads, so up to 25 controllers share one,
 * and every Enistic device shares the runtime's one listening socket. Ports are taken from {@link
 * SoakSettings#basePort()} upwards, below the ephemeral range, so that a simulator restarted on its
 * port does not find it taken by some client's outgoing connection.
 */
final class SoakFleet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SoakFleet.class);
  private static final int CONTROLLERS_PER_ENISTIC = 25;
  private static final int COM_PORTS = 8;
  private static final int HIGHEST_PORT = 32000;

  /** One device: its name, kind and address. */
  record Member(String name, DeviceKind kind, String uri) {}

  /** A fault begun: its kind, how long it lasts, and what ends it. */
  record Fault(String kind, Duration lasts) {}

  private final List<Member> members = new ArrayList<>();
  private final List<Target> targets = new ArrayList<>();
  private final AtomicLong restartFailures = new AtomicLong();
  private final Path passwordFile;
  private final String password;
  private int nextPort;

  private SoakFleet(int basePort, long seed) throws IOException {
    this.nextPort = basePort;
    this.password = "soak-" + Long.toHexString(new Random(seed).nextLong());
    this.passwordFile = Files.createTempFile("pdu4j-soak-ipcp", ".pw");
    Files.writeString(passwordFile, password);
  }

  /** Starts every simulator the settings ask for. */
  static SoakFleet start(SoakSettings settings) throws IOException {
    SoakFleet fleet = new SoakFleet(settings.basePort(), settings.seed());
    try {
      Map<DeviceKind, Integer> counts = settings.counts();
      fleet.startIsoTeks(counts.get(DeviceKind.ISOTEK));
      fleet.startEnistics(counts.get(DeviceKind.ENISTIC));
      fleet.startIpcps(counts.get(DeviceKind.TUNNEL), counts.get(DeviceKind.RELAYS));
      return fleet;
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }
  }

  List<Member> members() {
    return List.copyOf(members);
  }

  List<Target> targets() {
    return List.copyOf(targets);
  }

  /** Simulators that could not bind their port again after a restart (each attempt counted). */
  long restartFailures() {
    return restartFailures.get();
  }

  /** Ends every fault and brings every simulator back. */
  void endFaults() {
    for (Target t : targets) {
      t.end();
    }
  }

  @Override
  public void close() {
    for (Target t : targets) {
      try {
        t.close();
      } catch (RuntimeException e) {
        LOG.warn("closing {} failed: {}", t, e.toString());
      }
    }
    try {
      Files.deleteIfExists(passwordFile);
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", passwordFile, e.toString());
    }
  }

  // ---------------------------------------------------------------- building

  private void startIsoTeks(int n) {
    for (int i = 0; i < n; i++) {
      IsoTekUnit unit = isoTekUnit(i % 2 == 0 ? 16 : 8, "SOAK" + pad(i));
      members.add(
          new Member("isotek-" + pad(i), DeviceKind.ISOTEK, "isotek:tcp://127.0.0.1:" + unit.port));
    }
  }

  private IsoTekUnit isoTekUnit(int outlets, String serial) {
    IsoTekUnit unit =
        new IsoTekUnit(IsoTekSimulator.builder().outlets(outlets).serialNumber(serial));
    targets.add(unit);
    return unit;
  }

  private void startEnistics(int n) {
    if (n == 0) {
      return;
    }
    int listen = freeUdpPort();
    for (int first = 0; first < n; first += CONTROLLERS_PER_ENISTIC) {
      EnisticSimulator.Builder b =
          EnisticSimulator.builder()
              .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), listen))
              .rate(1)
              .seed(first);
      List<String> serials = new ArrayList<>();
      for (int i = first; i < Math.min(n, first + CONTROLLERS_PER_ENISTIC); i++) {
        String serial = String.format(Locale.ROOT, "50AC%08X", i);
        b.controller(serial, 2, 0, 1);
        serials.add(serial);
      }
      EnisticGroup group = new EnisticGroup(b);
      targets.add(group);
      for (int k = 0; k < serials.size(); k++) {
        members.add(
            new Member(
                "enistic-" + pad(first + k),
                DeviceKind.ENISTIC,
                "enistic:udp://127.0.0.1:"
                    + listen
                    + "/"
                    + serials.get(k)
                    + "?send=127.0.0.1:"
                    + group.port));
      }
    }
  }

  private void startIpcps(int tunnels, int relays) {
    int ipcps = Math.max(relays, (tunnels + COM_PORTS - 1) / COM_PORTS);
    List<ExtronSimulator.Builder> builders = new ArrayList<>();
    for (int k = 0; k < ipcps; k++) {
      builders.add(ExtronSimulator.builder().adminPassword(password));
    }
    List<String> tunnelPaths = new ArrayList<>();
    for (int j = 0; j < tunnels; j++) {
      IsoTekUnit pdu = isoTekUnit(8, "SOAKT" + pad(j));
      int com = j / ipcps + 1;
      builders.get(j % ipcps).serialDevice(com, pdu.port);
      tunnelPaths.add(j % ipcps + "/" + com);
    }
    List<Ipcp> started = new ArrayList<>();
    for (ExtronSimulator.Builder b : builders) {
      Ipcp ipcp = new Ipcp(b);
      targets.add(ipcp);
      started.add(ipcp);
    }
    String secret = "?password=file:" + passwordFile;
    for (int j = 0; j < tunnels; j++) {
      String[] at = tunnelPaths.get(j).split("/");
      Ipcp ipcp = started.get(Integer.parseInt(at[0]));
      members.add(
          new Member(
              "tunnel-" + pad(j),
              DeviceKind.TUNNEL,
              "isotek:extron://127.0.0.1:" + ipcp.port + "/" + at[1] + secret));
    }
    for (int r = 0; r < relays; r++) {
      members.add(
          new Member(
              "relays-" + pad(r),
              DeviceKind.RELAYS,
              "extron:tcp://127.0.0.1:" + started.get(r).port + secret));
    }
  }

  private static String pad(int i) {
    return String.format(Locale.ROOT, "%04d", i);
  }

  /** Starts a simulator on the first port from here that binds. */
  private synchronized <T> T onFreePort(IntFunction<T> start) {
    UncheckedIOException last = null;
    while (nextPort <= HIGHEST_PORT) {
      int port = nextPort++;
      try {
        return start.apply(port);
      } catch (UncheckedIOException e) {
        last = e; // taken by someone else: the next one
      }
    }
    throw new IllegalStateException("no free port left below " + HIGHEST_PORT, last);
  }

  private int freeUdpPort() {
    return onFreePort(
        p -> {
          try (DatagramSocket s =
              new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p))) {
            return s.getLocalPort();
          } catch (SocketException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /**
   * Starts a simulator again on its own port; a port held by someone else meanwhile is tried again
   * for a few seconds, and each failed attempt counted.
   */
  private <T> T again(String what, java.util.function.Supplier<T> start) {
    for (int attempt = 0; ; attempt++) {
      try {
        return start.get();
      } catch (UncheckedIOException e) {
        restartFailures.incrementAndGet();
        if (attempt == 20) {
          throw new IllegalStateException(what + " could not bind its port again", e);
        }
        LOG.warn("{} could not bind its port again, retrying: {}", what, e.toString());
        pause(Duration.ofMillis(250));
      }
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Duration between(Random r, int fromMillis, int toMillis) {
    return Duration.ofMillis(fromMillis + r.nextInt(toMillis - fromMillis + 1));
  }

  // ---------------------------------------------------------------- fault targets

  /**
   * One simulator that faults are given to, one fault at a time: {@link #begin} starts a random
   * one, {@link #end} ends whatever is on and brings the simulator back if it was stopped.
   */
  abstract static class Target {
    final AtomicBoolean busy = new AtomicBoolean();

    abstract Fault begin(Random random);

    abstract void end();

    abstract void close();
  }

  /** One IsoTek simulator on a fixed port. */
  final class IsoTekUnit extends Target {
    private final IsoTekSimulator.Builder builder;
    final int port;
    private IsoTekSimulator sim;

    IsoTekUnit(IsoTekSimulator.Builder builder) {
      this.builder = builder;
      this.sim = onFreePort(p -> builder.tcpPort(p).build().start());
      this.port = sim.port();
    }

    @Override
    synchronized Fault begin(Random r) {
      if (sim == null) {
        return new Fault("none", Duration.ZERO);
      }
      int pick = r.nextInt(100);
      if (pick < 15) {
        sim.close();
        sim = null;
        return new Fault("isotek restart", between(r, 500, 5000));
      } else if (pick < 30) {
        sim.setSilent(true);
        return new Fault("isotek silence", between(r, 1000, 8000));
      } else if (pick < 45) {
        int lines = 1 + r.nextInt(20);
        for (int i = 0; i < lines; i++) {
          sim.injectGarbage(garbage(r));
        }
        if (r.nextBoolean()) {
          sim.injectRaw("X".repeat(1500 + r.nextInt(3000)) + "\n");
        }
        return new Fault("isotek garbage", Duration.ZERO);
      } else if (pick < 60) {
        sim.closeMidNextReply();
        return new Fault("isotek close mid-reply", Duration.ofSeconds(5));
      } else if (pick < 75) {
        sim.pausePushes();
        return new Fault("isotek pushes paused", between(r, 2000, 10_000));
      } else if (pick < 90) {
        sim.setReplyLatency(between(r, 100, 1500));
        return new Fault("isotek latency", between(r, 2000, 8000));
      } else {
        sim.pushDuringNextReplies(1 + r.nextInt(3));
        return new Fault("isotek push mid-reply", Duration.ofSeconds(5));
      }
    }

    @Override
    synchronized void end() {
      if (sim == null) {
        sim = again("IsoTek simulator on port " + port, () -> builder.build().start());
      } else {
        sim.clearFaults();
      }
    }

    @Override
    synchronized void close() {
      if (sim != null) {
        sim.close();
        sim = null;
      }
    }

    @Override
    public String toString() {
      return "IsoTek simulator on port " + port;
    }
  }

  /** Printable junk that is none of the protocol's own lines. */
  private static String garbage(Random r) {
    String alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789#$%&*+-/:;=@|~";
    StringBuilder b = new StringBuilder();
    int n = 3 + r.nextInt(120);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  /** One Enistic simulator with its controllers, on a fixed control port. */
  final class EnisticGroup extends Target {
    private final EnisticSimulator.Builder builder;
    final int port;
    private EnisticSimulator sim;

    EnisticGroup(EnisticSimulator.Builder builder) {
      this.builder = builder;
      this.sim = onFreePort(p -> builder.controlPort(p).build().start());
      this.port = sim.controlPort();
    }

    @Override
    synchronized Fault begin(Random r) {
      if (sim == null) {
        return new Fault("none", Duration.ZERO);
      }
      int pick = r.nextInt(100);
      if (pick < 20) {
        sim.close();
        sim = null;
        return new Fault("enistic restart", between(r, 500, 5000));
      } else if (pick < 45) {
        sim.setLossPercent(10 + r.nextInt(50));
        return new Fault("enistic datagram loss", between(r, 2000, 10_000));
      } else if (pick < 65) {
        sim.setDuplicatePercent(10 + r.nextInt(30));
        sim.setReorderPercent(10 + r.nextInt(30));
        return new Fault("enistic duplicates and reordering", between(r, 2000, 10_000));
      } else if (pick < 85) {
        sim.setMalformedPercent(10 + r.nextInt(30));
        sim.setOtherEventPercent(10);
        return new Fault("enistic malformed readings", between(r, 2000, 10_000));
      } else {
        sim.setStateChangeDelay(between(r, 300, 2000));
        return new Fault("enistic slow switching", between(r, 2000, 10_000));
      }
    }

    @Override
    synchronized void end() {
      if (sim == null) {
        sim = again("Enistic simulator on port " + port, () -> builder.build().start());
      } else {
        sim.setLossPercent(0);
        sim.setDuplicatePercent(0);
        sim.setReorderPercent(0);
        sim.setMalformedPercent(0);
        sim.setOtherEventPercent(0);
        sim.setStateChangeDelay(Duration.ZERO);
      }
    }

    @Override
    synchronized void close() {
      if (sim != null) {
        sim.close();
        sim = null;
      }
    }

    @Override
    public String toString() {
      return "Enistic simulator on port " + port;
    }
  }

  /** One Extron IPCP simulator on a fixed port (its serial devices are targets of their own). */
  final class Ipcp extends Target {
    private final ExtronSimulator.Builder builder;
    final int port;
    private ExtronSimulator sim;

    Ipcp(ExtronSimulator.Builder builder) {
      this.builder = builder;
      this.sim = onFreePort(p -> startIpcp(builder.port(p)));
      this.port = sim.port();
    }

    private ExtronSimulator startIpcp(ExtronSimulator.Builder b) {
      ExtronSimulator s = b.build();
      try {
        return s.start();
      } catch (RuntimeException e) {
        s.close(); // a failed bind leaves its socket open otherwise
        throw e;
      }
    }

    @Override
    synchronized Fault begin(Random r) {
      if (sim == null) {
        return new Fault("none", Duration.ZERO);
      }
      int pick = r.nextInt(100);
      if (pick < 30) {
        sim.close();
        sim = null;
        return new Fault("ipcp restart", between(r, 500, 4000));
      } else if (pick < 60) {
        sim.dropClients();
        return new Fault("ipcp drops sessions", Duration.ZERO);
      } else {
        String[] busy = new String[1 + r.nextInt(3)];
        java.util.Arrays.fill(busy, "E22");
        sim.failNextSendData(busy);
        return new Fault("ipcp busy (E22)", Duration.ZERO);
      }
    }

    @Override
    synchronized void end() {
      if (sim == null) {
        sim = again("Extron simulator on port " + port, () -> startIpcp(builder));
      }
    }

    @Override
    synchronized void close() {
      if (sim != null) {
        sim.close();
        sim = null;
      }
    }

    @Override
    public String toString() {
      return "Extron simulator on port " + port;
    }
  }
}
