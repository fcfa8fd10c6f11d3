package io.pdu4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceDiscoverer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pdu4j discover [--timeout DURATION] [--broadcast ADDR] [--port [DRIVER=]N]... [--json]}:
 * asks every driver that can discover (found through {@link ServiceLoader}), all at once over one
 * window, and prints the devices found with addresses ready for the other commands: IsoTek units
 * answer a broadcast, Enistic controllers are heard passively as they broadcast their readings.
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
  private static final ObjectMapper JSON = new ObjectMapper();

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

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    List<DeviceDiscoverer> discoverers = new ArrayList<>();
    for (DeviceDiscoverer d : ServiceLoader.load(DeviceDiscoverer.class)) {
      if (driver == null || driver.equalsIgnoreCase(d.driver())) {
        discoverers.add(d);
      }
    }
    if (discoverers.isEmpty()) {
      throw new InvalidArgumentException("no driver named '" + driver + "' can discover devices");
    }
    Map<DeviceDiscoverer, Integer> portOf = ports(discoverers);
    PrintWriter out = spec.commandLine().getOut();
    List<DeviceDiscoverer.Found> found = new ArrayList<>();
    try {
      // every driver listens over the same window, so the whole run takes one window
      Map<DeviceDiscoverer, CompletionStage<DeviceDiscoverer.Result>> running =
          new LinkedHashMap<>();
      for (DeviceDiscoverer d : discoverers) {
        running.put(d, d.discover(new DeviceDiscoverer.Request(broadcast, portOf.get(d), timeout)));
      }
      RuntimeException firstFailure = null;
      int succeeded = 0;
      for (Map.Entry<DeviceDiscoverer, CompletionStage<DeviceDiscoverer.Result>> e :
          running.entrySet()) {
        try {
          DeviceDiscoverer.Result r =
              DeviceArgs.await(
                  e.getValue(),
                  timeout.plusSeconds(5),
                  "discovering " + e.getKey().driver() + " devices",
                  broadcast);
          found.addAll(r.devices());
          succeeded++;
        } catch (RuntimeException failure) {
          // one driver's failure (say, its port is taken) must not hide what the others found
          spec.commandLine()
              .getErr()
              .println(
                  "pdu4j: "
                      + e.getKey().driver()
                      + " discovery failed: "
                      + TerminalText.safeLines(failure.getMessage()));
          if (firstFailure == null) {
            firstFailure = failure;
          }
        }
      }
      if (succeeded == 0 && firstFailure != null) {
        throw firstFailure;
      }
      for (DeviceDiscoverer.Found f : found) {
        out.println(json ? json(f) : text(f));
      }
      if (found.isEmpty() && !json) {
        out.println("no devices answered");
      }
      // what the others found is printed, but a run in which a driver could not look is no success
      return firstFailure == null ? ExitCodes.OK : ExitCodes.of(firstFailure);
    } finally {
      out.flush();
    }
  }

  /** Each discoverer's port, from {@code --port}: see the class comment. */
  private Map<DeviceDiscoverer, Integer> ports(List<DeviceDiscoverer> discoverers) {
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
      boolean known =
          ServiceLoader.load(DeviceDiscoverer.class).stream()
              .anyMatch(d -> d.get().driver().equalsIgnoreCase(name));
      if (!known) {
        throw new InvalidArgumentException(
            "--port " + p + ": no driver named '" + name + "' can discover devices");
      }
      if (byDriver.put(name.toLowerCase(java.util.Locale.ROOT), port(t.substring(eq + 1), p))
          != null) {
        throw new InvalidArgumentException("--port names driver '" + name + "' twice");
      }
    }
    Map<DeviceDiscoverer, Integer> result = new LinkedHashMap<>();
    for (DeviceDiscoverer d : discoverers) {
      Integer own = byDriver.get(d.driver().toLowerCase(java.util.Locale.ROOT));
      boolean bareApplies = bare != null && (driver != null || d.sendsRequest());
      result.put(d, own != null ? own : bareApplies ? bare : d.defaultPort());
    }
    for (Map.Entry<DeviceDiscoverer, Integer> listener : result.entrySet()) {
      for (Map.Entry<DeviceDiscoverer, Integer> sender : result.entrySet()) {
        if (!listener.getKey().sendsRequest()
            && sender.getKey().sendsRequest()
            && listener.getValue().equals(sender.getValue())) {
          throw new InvalidArgumentException(
              "--port: "
                  + listener.getKey().driver()
                  + " would listen on port "
                  + listener.getValue()
                  + ", where "
                  + sender.getKey().driver()
                  + " sends its request, and take the answers; give them different ports");
        }
      }
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
    ObjectNode n = JSON.createObjectNode();
    n.put("driver", f.driver());
    n.put("uri", f.uri());
    n.put("serial", f.serial());
    n.put("mac", f.mac().orElse(null));
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
