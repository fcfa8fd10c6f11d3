package io.pdu4j.cli;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.sim.enistic.EnisticSimulator;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pdu4j sim DEVICE}: runs a device simulator in the foreground. */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    description = "Run a simulated device in the foreground until interrupted (Ctrl-C).",
    subcommands = {SimCommand.IsoTek.class, SimCommand.Enistic.class, SimCommand.Extron.class})
final class SimCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Without a device: the usage, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /**
   * Prints where the simulator listens, then blocks until the process is interrupted or told to
   * stop (Ctrl-C and SIGTERM run shutdown hooks only, so the closing happens there, cleanly);
   * {@code close} runs once the wait ends either way and must be idempotent.
   */
  static int serveUntilStopped(PrintWriter out, String banner, Runnable close) {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              close.run();
              stopped.countDown();
            },
            "pdu4j-sim-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      out.println(banner);
      out.flush();
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook does the closing
      }
      close.run();
    }
    return ExitCodes.OK;
  }

  /** {@code pdu4j sim isotek --tcp-port N}. */
  @Command(
      name = "isotek",
      mixinStandardHelpOptions = true,
      description = {
        "Simulate an IsoTek SMART Power PDU on a TCP port, a pseudo-terminal (--serial-link,"
            + " needs socat) or both; --udp-port also answers discovery.",
        "Example: pdu4j sim isotek --tcp-port 5010   then   pdu4j status isotek:tcp://127.0.0.1:5010"
      })
  static final class IsoTek implements Callable<Integer> {
    @Option(
        names = "--tcp-port",
        paramLabel = "N",
        description =
            "The TCP port to listen on (0 for any free port; a real unit uses 501). Required"
                + " unless --serial-link is given.")
    Integer tcpPort;

    @Option(
        names = "--udp-port",
        paramLabel = "N",
        description = "Also answer discovery (A?) on this UDP port (a real unit uses 501).")
    Integer udpPort;

    @Option(
        names = "--serial-link",
        paramLabel = "PATH",
        description =
            "Also serve on a pseudo-terminal: creates a pair with socat and links its other end at"
                + " PATH, for pdu4j status isotek:serial://PATH.")
    java.nio.file.Path serialLink;

    @Option(
        names = "--serial",
        paramLabel = "NUMBER",
        description = "The unit's serial number, as discovery reports it.")
    String serialNumber;

    @Option(names = "--mac", paramLabel = "MAC", description = "The unit's MAC address.")
    String mac;

    @Option(
        names = "--outlets",
        paramLabel = "8|16",
        defaultValue = "16",
        description = "How many outlets: 8 or 16 (default ${DEFAULT-VALUE}).")
    int outlets;

    @Option(
        names = "--push-interval",
        paramLabel = "DURATION",
        converter = DeviceArgs.DurationConverter.class,
        description = "How often the unit pushes its status unasked (default 1s, as a real unit).")
    Duration pushInterval;

    @Option(
        names = "--push-ok",
        description =
            "End every status push with OK and the > prompt, exactly as the answer to ? (units"
                + " may do either; the default is the status lines alone).")
    boolean pushWithOk;

    @Option(
        names = "--bind",
        paramLabel = "ADDRESS",
        defaultValue = "127.0.0.1",
        description = "The local address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String bind;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (tcpPort == null && serialLink == null) {
        throw new InvalidArgumentException("give --tcp-port N, --serial-link PATH, or both");
      }
      IsoTekSimulator sim;
      PseudoTerminalPair pty = serialLink == null ? null : PseudoTerminalPair.open(serialLink);
      try {
        IsoTekSimulator.Builder builder =
            IsoTekSimulator.builder()
                .tcpPort(tcpPort == null ? 0 : tcpPort)
                .outlets(outlets)
                .pushWithOk(pushWithOk)
                .bindAddress(bind);
        if (pushInterval != null) {
          builder.pushInterval(pushInterval);
        }
        if (udpPort != null) {
          builder.udpDiscoveryPort(udpPort);
        }
        if (serialNumber != null) {
          builder.serialNumber(serialNumber);
        }
        if (mac != null) {
          builder.mac(mac);
        }
        if (pty != null) {
          builder.serialDevice(pty.simulatorEnd());
        }
        sim = builder.build();
        sim.start();
      } catch (IllegalArgumentException e) {
        closeQuietly(pty);
        throw new InvalidArgumentException(e.getMessage(), e);
      } catch (UncheckedIOException e) {
        closeQuietly(pty);
        throw new PowerDeviceException(e.getMessage(), e);
      }
      String host = bind.equals("0.0.0.0") ? "127.0.0.1" : bind;
      String banner =
          sim.describe()
              + "; try: pdu4j status isotek:tcp://"
              + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
              + ":"
              + sim.port()
              + (pty == null ? "" : "  or pdu4j status isotek:serial://" + serialLink)
              + (udpPort == null ? "" : "; discovery on UDP port " + sim.udpPort().getAsInt())
              + "  (Ctrl-C to stop)";
      return serveUntilStopped(
          out,
          banner,
          () -> {
            sim.close();
            closeQuietly(pty);
          });
    }

    private static void closeQuietly(PseudoTerminalPair pty) {
      if (pty != null) {
        pty.close();
      }
    }
  }

  /** {@code pdu4j sim enistic --target HOST:PORT --control-port N}. */
  @Command(
      name = "enistic",
      mixinStandardHelpOptions = true,
      description = {
        "Simulate an Enistic Smart Energy Controller with Smart Sockets and meters over UDP.",
        "Example: pdu4j sim enistic --target 127.0.0.1:53005 --control-port 53004   then   pdu4j"
            + " status enistic:udp://127.0.0.1:53005/004A3BB5B04?send=127.0.0.1:53004"
      })
  static final class Enistic implements Callable<Integer> {
    @Option(
        names = "--target",
        required = true,
        paramLabel = "HOST:PORT",
        description = "Where readings go (an IP address; a real controller broadcasts to 53005).")
    String target;

    @Option(
        names = "--control-port",
        required = true,
        paramLabel = "N",
        description = "The UDP port commands are taken on (a real controller uses 53004).")
    int controlPort;

    @Option(
        names = "--sockets",
        paramLabel = "N",
        defaultValue = "4",
        description = "Smart Sockets (default ${DEFAULT-VALUE}).")
    int sockets;

    @Option(
        names = "--meters",
        paramLabel = "N",
        defaultValue = "1",
        description = "3-channel meters (default ${DEFAULT-VALUE}).")
    int meters;

    @Option(
        names = "--rate",
        paramLabel = "PER_SECOND",
        defaultValue = "2",
        description = "Reading rounds per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(
        names = "--loss",
        paramLabel = "PERCENT",
        defaultValue = "0",
        description = "Datagrams lost, both ways (default ${DEFAULT-VALUE}).")
    int loss;

    @Option(
        names = "--controller",
        paramLabel = "SERIAL",
        defaultValue = "004A3BB5B04",
        description = "The controller serial (default ${DEFAULT-VALUE}).")
    String controller;

    @Option(
        names = "--inverted",
        description = "Take 0 as on and 1 as off (the vendor document's examples).")
    boolean inverted;

    @Option(
        names = "--bind",
        paramLabel = "ADDRESS",
        defaultValue = "127.0.0.1",
        description = "The local address of the control port (default ${DEFAULT-VALUE}).")
    String bind;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      EnisticSimulator sim;
      InetSocketAddress to = hostPort(target);
      try {
        sim =
            EnisticSimulator.builder()
                .target(to)
                .bindAddress(literal(bind))
                .controlPort(controlPort)
                .controller(controller, sockets, meters, 3)
                .rate(rate)
                .lossPercent(loss)
                .invertedPolarity(inverted)
                .build();
      } catch (IllegalArgumentException e) {
        throw new InvalidArgumentException(e.getMessage(), e);
      }
      try {
        sim.start();
      } catch (UncheckedIOException e) {
        throw new PowerDeviceException(e.getMessage(), e);
      }
      String banner =
          "Enistic controller "
              + controller
              + " sending readings to "
              + target
              + ", commands on port "
              + sim.controlPort()
              + "; try: pdu4j status 'enistic:udp://"
              + to.getAddress().getHostAddress()
              + ":"
              + to.getPort()
              + "/"
              + controller
              + "?send="
              + bind
              + ":"
              + sim.controlPort()
              + "'  (Ctrl-C to stop)";
      return serveUntilStopped(out, banner, sim::close);
    }

    private static InetSocketAddress hostPort(String text) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0) {
        throw new InvalidArgumentException("--target must be HOST:PORT, got '" + text + "'");
      }
      int port;
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new InvalidArgumentException("--target must be HOST:PORT, got '" + text + "'", e);
      }
      if (port < 1 || port > 65535) {
        throw new InvalidArgumentException("--target port must be 1..65535, got " + port);
      }
      String host = text.substring(0, colon).replace("[", "").replace("]", "");
      return new InetSocketAddress(literal(host), port);
    }

    private static InetAddress literal(String host) {
      if (!host.matches("\\d{1,3}(\\.\\d{1,3}){3}") && host.indexOf(':') < 0) {
        throw new InvalidArgumentException("expected an IP address, got '" + host + "'");
      }
      try {
        return InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new InvalidArgumentException("bad IP address '" + host + "'", e);
      }
    }
  }

  /** {@code pdu4j sim extron --port N [--password SECRET] [--com 3=isotek]}. */
  @Command(
      name = "extron",
      mixinStandardHelpOptions = true,
      description = {
        "Simulate an Extron IPCP 505 (SIS over Telnet) with serial devices on its COM ports.",
        "Example: pdu4j sim extron --port 2323 --com 3=isotek   then   pdu4j status"
            + " isotek:extron://127.0.0.1:2323/3"
      })
  static final class Extron implements Callable<Integer> {
    @Option(
        names = "--port",
        required = true,
        paramLabel = "N",
        description = "The Telnet port to listen on, on 127.0.0.1 (0 for any free port).")
    int port;

    @Option(
        names = "--password",
        paramLabel = "SECRET",
        description = "Ask for this administrator password at login (default: no password).")
    String password;

    @Option(
        names = "--com",
        paramLabel = "N=isotek|N=TCPPORT|N=/dev/TTY",
        description =
            "Put a device on COM port N (1..16): 'isotek' starts a simulated IsoTek PDU, a number"
                + " is a TCP port on 127.0.0.1 that stands in for the serial device, an absolute"
                + " path is a serial line (a pseudo-terminal whose other end a device has open)."
                + " Repeatable.")
    List<String> com = new ArrayList<>();

    @Option(
        names = "--http-port",
        paramLabel = "N",
        description = "Also serve the web form of send-data-string on this port (0: any free one).")
    Integer httpPort;

    @Option(
        names = "--reply-prefix",
        paramLabel = "TEXT",
        description =
            "Put TEXT before every send-data-string reply (the tunnel's prefix=TEXT removes it).")
    String replyPrefix;

    @Option(
        names = "--max-connections",
        paramLabel = "N",
        description =
            "Take at most N Telnet sessions; one more gets E26 and is closed (0: no limit).")
    int maxConnections;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Map<Integer, String> devices = comSpecs(com);
      List<IsoTekSimulator> isoteks = new ArrayList<>();
      ExtronSimulator sim;
      try {
        ExtronSimulator.Builder builder = ExtronSimulator.builder().port(port);
        if (password != null) {
          builder.adminPassword(password);
        }
        if (httpPort != null) {
          builder.httpPort(httpPort);
        }
        if (replyPrefix != null) {
          builder.replyPrefix(replyPrefix);
        }
        builder.maxConnections(maxConnections);
        for (Map.Entry<Integer, String> d : devices.entrySet()) {
          if (d.getValue().startsWith("/")) {
            builder.serialDevice(d.getKey(), java.nio.file.Path.of(d.getValue()));
            continue;
          }
          int devicePort;
          if (d.getValue().equals("isotek")) {
            IsoTekSimulator isotek = IsoTekSimulator.builder().tcpPort(0).build().start();
            isoteks.add(isotek);
            devicePort = isotek.port();
          } else {
            devicePort = Integer.parseInt(d.getValue());
          }
          builder.serialDevice(d.getKey(), devicePort);
        }
        sim = builder.build().start();
      } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
        isoteks.forEach(IsoTekSimulator::close);
        throw new InvalidArgumentException(e.getMessage(), e);
      }
      String first = devices.isEmpty() ? "3" : String.valueOf(devices.keySet().iterator().next());
      String banner =
          "Extron IPCP 505 on 127.0.0.1:"
              + sim.port()
              + (httpPort == null ? "" : ", web on 127.0.0.1:" + sim.httpPort())
              + (devices.isEmpty() ? "" : ", devices on COM " + devices.keySet())
              + "; try: pdu4j status 'isotek:extron://127.0.0.1:"
              + sim.port()
              + "/"
              + first
              + (password == null ? "" : "?password=env:IPCP_PASSWORD")
              + "'  (Ctrl-C to stop)";
      return serveUntilStopped(
          out,
          banner,
          () -> {
            sim.close();
            isoteks.forEach(IsoTekSimulator::close);
          });
    }

    /** Reads {@code 3=isotek} and {@code 4=5010} into port to device. */
    static Map<Integer, String> comSpecs(List<String> specs) {
      Map<Integer, String> devices = new TreeMap<>();
      for (String spec : specs) {
        int eq = spec.indexOf('=');
        String n = eq < 0 ? "" : spec.substring(0, eq).trim();
        String device = eq < 0 ? "" : spec.substring(eq + 1).trim();
        if (device.equalsIgnoreCase("isotek")) {
          device = "isotek";
        }
        if (!n.matches("\\d{1,2}")
            || Integer.parseInt(n) < 1
            || Integer.parseInt(n) > 16
            || !(device.equals("isotek")
                || device.matches("\\d{1,5}")
                || (device.startsWith("/") && device.length() > 1))) {
          throw new InvalidArgumentException(
              "--com must be N=isotek, N=TCPPORT or N=/path/of/a/tty with N 1..16, got '"
                  + spec
                  + "'");
        }
        if (devices.put(Integer.parseInt(n), device) != null) {
          throw new InvalidArgumentException("--com " + n + " given twice");
        }
      }
      return devices;
    }
  }
}
