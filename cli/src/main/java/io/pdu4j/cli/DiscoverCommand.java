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
 * {@code pdu4j discover [--timeout DURATION] [--broadcast ADDR] [--port N] [--json]}: asks every
 * driver that can discover (found through {@link ServiceLoader}), all at once over one window, and
 * prints the devices found with addresses ready for the other commands: IsoTek units answer a
 * broadcast, Enistic controllers are heard passively as they broadcast their readings.
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
      paramLabel = "N",
      description = "The port to send to (default: each driver's own, 501 for IsoTek).")
  Integer port;

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
    if (port != null && (port < 1 || port > 65535)) {
      throw new InvalidArgumentException("--port must be 1..65535, got " + port);
    }
    PrintWriter out = spec.commandLine().getOut();
    List<DeviceDiscoverer.Found> found = new ArrayList<>();
    try {
      // every driver listens over the same window, so the whole run takes one window
      Map<DeviceDiscoverer, CompletionStage<DeviceDiscoverer.Result>> running =
          new LinkedHashMap<>();
      for (DeviceDiscoverer d : ServiceLoader.load(DeviceDiscoverer.class)) {
        if (driver != null && !driver.equalsIgnoreCase(d.driver())) {
          continue;
        }
        running.put(
            d,
            d.discover(
                new DeviceDiscoverer.Request(
                    broadcast, port != null ? port : d.defaultPort(), timeout)));
      }
      if (running.isEmpty()) {
        throw new InvalidArgumentException("no driver named '" + driver + "' can discover devices");
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
      return ExitCodes.OK;
    } finally {
      out.flush();
    }
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
