package io.pdu4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.OutletType;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.json.DeviceJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pdu4j outlets URI [N] [--name NAME] [--type normal|router|locked] [--delay SECONDS]}:
 * lists every outlet's stored settings and state, or shows and changes one outlet's. A change is
 * verified by the device reading it back.
 */
@Command(
    name = "outlets",
    mixinStandardHelpOptions = true,
    description = {
      "List outlet settings (name, type, reset delay) and states, or change one outlet's.",
      "Example: pdu4j outlets isotek:tcp://10.0.0.5:501 3 --name Router --type router --delay 10",
      "With --server, URI is a device NAME of that server; a change needs an admin token."
    })
final class OutletsCommand implements Callable<Integer> {
  // made on first use: picocli makes every command object to parse any command line, and Jackson
  // is a good part of a short command's start
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  @Mixin DeviceArgs device;

  @Parameters(index = "1", arity = "0..1", paramLabel = "N", description = "One outlet.")
  Integer number;

  @Option(names = "--name", paramLabel = "NAME", description = "New name (8 characters at most).")
  String name;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description = "New type: normal, router or locked.")
  String type;

  @Option(
      names = "--delay",
      paramLabel = "SECONDS",
      description = "New reset delay in whole seconds.")
  Integer delay;

  @Option(names = "--json", description = "Print one JSON object per outlet.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    boolean change = name != null || type != null || delay != null;
    if (change && number == null) {
      throw new InvalidArgumentException("--name, --type and --delay need an outlet number");
    }
    OutletType newType = type == null ? null : type(type);
    if (delay != null && delay < 0) {
      throw new InvalidArgumentException("--delay must be 0 or more seconds, got " + delay);
    }
    PrintWriter out = spec.commandLine().getOut();
    Optional<ServerClient> server = Pdu4jCommand.server(spec, device);
    if (server.isPresent()) {
      try {
        return throughServer(server.get(), change, newType, out);
      } finally {
        out.flush();
      }
    }
    try (PowerRuntime runtime = device.runtime()) {
      PowerDevice pdu = runtime.open(device.uri);
      String address = pdu.info().address();
      if (!pdu.has(DeviceCapability.OUTLET_CONFIG)) {
        throw new UnsupportedCapabilityException(
            "the device has no outlet settings", address, null, null, null);
      }
      List<Outlet> chosen = new ArrayList<>();
      if (number == null) {
        chosen.addAll(pdu.outlets());
      } else {
        chosen.add(pdu.outlet(number));
      }
      if (change) {
        Outlet o = chosen.get(0);
        OutletConfig now = device.await(o.config(), "reading outlet " + o.number(), address);
        OutletConfig wanted =
            new OutletConfig(
                name != null ? name : now.name(),
                newType != null ? newType : now.type(),
                delay != null ? Duration.ofSeconds(delay) : now.resetDelay());
        device.await(o.configure(wanted), "configuring outlet " + o.number(), address);
      }
      heading(out);
      for (Outlet o : chosen) {
        OutletConfig c = device.await(o.config(), "reading outlet " + o.number(), address);
        out.println(json ? json(o.number(), c, o.state()) : row(o.number(), c, o.state()));
      }
      return ExitCodes.OK;
    } finally {
      out.flush();
    }
  }

  /**
   * The same listing and change through a server's API: its settings route reads (and, for an admin
   * token, changes) each outlet; the device is a name of the server's configuration.
   */
  private int throughServer(
      ServerClient server, boolean change, OutletType newType, PrintWriter out) {
    List<String> chosen = new ArrayList<>();
    if (number == null) {
      for (OutletStatus o : server.status(device.uri).status().outlets()) {
        chosen.add(Integer.toString(o.number()));
      }
    } else {
      chosen.add(Integer.toString(number));
    }
    List<ServerClient.OutletSettings> rows = new ArrayList<>();
    for (String outlet : chosen) {
      ObjectNode body = null;
      if (change) {
        body = DeviceJson.object();
        if (name != null) {
          body.put("name", name);
        }
        if (newType != null) {
          body.put("type", newType.name().toLowerCase(Locale.ROOT));
        }
        if (delay != null) {
          body.put("delaySeconds", delay);
        }
      }
      rows.add(server.outletSettings(device.uri, outlet, body));
    }
    heading(out);
    for (ServerClient.OutletSettings r : rows) {
      out.println(
          json ? json(r.number(), r.config(), r.state()) : row(r.number(), r.config(), r.state()));
    }
    return ExitCodes.OK;
  }

  private void heading(PrintWriter out) {
    if (!json) {
      out.println(
          String.format(
              Locale.ROOT, "%3s  %-8s  %-6s  %6s  %s", "#", "NAME", "TYPE", "DELAY", "STATE"));
    }
  }

  static OutletType type(String text) {
    try {
      return OutletType.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(
          "--type must be normal, router or locked, got '" + text + "'", e);
    }
  }

  static String row(int number, OutletConfig c, OutletState state) {
    return String.format(
        Locale.ROOT,
        "%3d  %-8s  %-6s  %5ds  %s",
        number,
        TerminalText.safe(c.name()),
        c.type().name().toLowerCase(Locale.ROOT),
        c.resetDelay().getSeconds(),
        state.name());
  }

  static String json(int number, OutletConfig c, OutletState state) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("number", number);
    n.put("name", c.name());
    n.put("type", c.type().name().toLowerCase(Locale.ROOT));
    n.put("delaySeconds", c.resetDelay().getSeconds());
    n.put("state", state.name());
    try {
      return Json.MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
