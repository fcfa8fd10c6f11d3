package io.pdu4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.runtime.DiscovererInfo;
import io.pdu4j.runtime.DiscoveryRequest;
import io.pdu4j.runtime.DiscoveryResult;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.spi.DeviceDiscoverer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pdu4j discover [--timeout DURATION] [--broadcast ADDR] [--port [DRIVER=]N]... [--json]
 * [--plugins DIR]}: asks every driver that can discover (the runtime's discoverers, found through
 * {@link java.util.ServiceLoader} and in plugin jars), all at once over one window, and prints the
 * devices found with addresses ready for the other commands: IsoTek units answer a broadcast,
 * Enistic controllers are heard passively as they broadcast their readings.
 *
 * <p>Ports are per driver ({@code --port isotek=5010 --port enistic=53015}). A bare {@code --port
 * N} is the port of the one driver chosen with {@code --driver}, or else of the drivers that send a
 * request (IsoTek); drivers that listen (Enistic) keep their own port, so a listener never binds
 * the port a request goes to and takes its answers. If any driver fails (a port in use), what the
 * others found is still printed and the exit code is that failure's (4 for a port in use).
 */
@Command(
    name = "discover",
    mixinStandardHelpOptions = true,
    description = {
      "Find devices on the local network by broadcast and print addresses to open them by.",
      "Example: pdu4j discover --timeout 3s"
    })
final class DiscoverCommand implements Callable<Integer> {
  // made on first use: picocli makes every command object to parse any command line, and Jackson
  // is a good part of a short command's start
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DeviceArgs.DurationConverter.class,
      description = "How long to listen for answers (default 2s).")
  Duration timeout = Duration.ofSeconds(2);

  @Option(
      names = "--broadcast",
      paramLabel = "ADDR",
      description = "The address to send to (default 255.255.255.255).")
  String broadcast = "255.255.255.255";

  @Option(
      names = "--port",
      paramLabel = "[DRIVER=]N",
      split = ",",
      description =
          "A driver's port, e.g. isotek=5010 (the port the request goes to) or enistic=53015 (the"
              + " port listened on); repeatable. A bare N is for the driver chosen with --driver,"
              + " or else for the drivers that send a request (isotek). Default: each driver's own"
              + " (isotek 501, enistic 53005).")
  List<String> ports = new ArrayList<>();

  @Option(
      names = "--driver",
      paramLabel = "CODE",
      description = "Only this driver's devices (e.g. isotek or enistic); default: every driver.")
  String driver;

  @Option(names = "--json", description = "Print one JSON object per device.")
  boolean json;

  @Option(
      names = "--plugins",
      paramLabel = "DIR",
      description =
          "A directory of plugin jars: their discoverers are asked too (see docs/plugins.md).")
  Path plugins;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PowerRuntime.Builder builder = PowerRuntime.builder().ioThreads(1);
    if (plugins != null) {
      builder.pluginDirectory(plugins);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (PowerRuntime runtime = builder.buildWithoutInjector()) {
      if (plugins != null) {
        DeviceArgs.reportPlugins(runtime, err);
      }
      List<DiscovererInfo> discoverers = new ArrayList<>();
      for (DiscovererInfo d : runtime.discoverers()) {
        if (driver == null || driver.equalsIgnoreCase(d.driver())) {
          discoverers.add(d);
        }
      }
      if (discoverers.isEmpty()) {
        throw new InvalidArgumentException("no driver named '" + driver + "' can discover devices");
      }
      DiscoveryRequest request =
          new DiscoveryRequest(
              discoverers.stream().map(DiscovererInfo::driver).collect(Collectors.toSet()),
              broadcast,
              ports(runtime.discoverers(), discoverers),
              timeout,
              DiscoveryRequest.DEFAULT_MAX_DEVICES);
      // every driver listens over the same window, so the whole run takes one window; the
      // runtime gives up on a driver 5 s after it, this is a backstop behind that
      DiscoveryResult result =
          DeviceArgs.await(
              runtime.discover(request), timeout.plusSeconds(10), "discovering devices", broadcast);
      RuntimeException firstFailure = null;
      for (Map.Entry<String, PowerDeviceException> f : result.failures().entrySet()) {
        // one driver's failure (say, its port is taken) must not hide what the others found
        err.println(
            "pdu4j: "
                + f.getKey()
                + " discovery failed: "
                + TerminalText.safeLines(f.getValue().getMessage()));
        if (firstFailure == null) {
          firstFailure = f.getValue();
        }
      }
      if (firstFailure != null && result.failures().size() == discoverers.size()) {
        throw firstFailure;
      }
      for (DeviceDiscoverer.Found f : result.devices()) {
        out.println(json ? json(f) : text(f));
      }
      if (result.devices().isEmpty() && !json) {
        out.println("no devices answered");
      }
      // what the others found is printed, but a run in which a driver could not look is no success
      return firstFailure == null ? ExitCodes.OK : ExitCodes.of(firstFailure);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * Each chosen discoverer's port, by driver code, from {@code --port}: see the class comment. The
   * runtime refuses a listener on the port a request goes to.
   */
  private Map<String, Integer> ports(List<DiscovererInfo> all, List<DiscovererInfo> chosen) {
    Integer bare = null;
    Map<String, Integer> byDriver = new LinkedHashMap<>();
    for (String p : ports) {
      String t = p.trim();
      int eq = t.indexOf('=');
      if (eq < 0) {
        if (bare != null) {
          throw new InvalidArgumentException(
              "--port N may be given once; name the driver for more, e.g. --port isotek=5010");
        }
        bare = port(t, p);
        continue;
      }
      String name = t.substring(0, eq).trim();
      boolean known = all.stream().anyMatch(d -> d.driver().equalsIgnoreCase(name));
      if (!known) {
        throw new InvalidArgumentException(
            "--port " + p + ": no driver named '" + name + "' can discover devices");
      }
      if (byDriver.put(name.toLowerCase(Locale.ROOT), port(t.substring(eq + 1), p)) != null) {
        throw new InvalidArgumentException("--port names driver '" + name + "' twice");
      }
    }
    Map<String, Integer> result = new LinkedHashMap<>();
    for (DiscovererInfo d : chosen) {
      Integer own = byDriver.get(d.driver());
      boolean bareApplies = bare != null && (driver != null || d.sendsRequest());
      result.put(d.driver(), own != null ? own : bareApplies ? bare : d.defaultPort());
    }
    return result;
  }

  private static int port(String text, String option) {
    int n;
    try {
      n = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(
          "--port takes N or DRIVER=N (e.g. isotek=5010), got '" + option + "'", e);
    }
    if (n < 1 || n > 65535) {
      throw new InvalidArgumentException("--port must be 1..65535, got " + option);
    }
    return n;
  }

  static String text(DeviceDiscoverer.Found f) {
    return TerminalText.safe(f.uri())
        + "  serial "
        + TerminalText.safe(f.serial())
        + f.mac().map(m -> "  mac " + TerminalText.safe(m)).orElse("");
  }

  static String json(DeviceDiscoverer.Found f) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("driver", f.driver());
    n.put("uri", f.uri());
    n.put("serial", f.serial());
    n.put("mac", f.mac().orElse(null));
    try {
      return Json.MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
