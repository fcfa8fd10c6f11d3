package io.pdu4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.PowerRuntime;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pdu4j watch URI}: follows a device: a table reprinted on every change, or with {@code
 * --json} one line per change (outlet added, outlet state changed, connection changed).
 */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Follow a device: reprint its outlets on every change, or one JSON line per change.",
      "Runs until Ctrl-C, or for --for DURATION."
    })
final class WatchCommand implements Callable<Integer> {
  // made on first use: picocli makes every command object to parse any command line, and Jackson
  // is a good part of a short command's start
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  @Mixin DeviceArgs device;

  @Option(names = "--json", description = "One JSON object per line, one line per change.")
  boolean json;

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      converter = DeviceArgs.DurationConverter.class,
      description =
          "Stop after watching this long, counted from when the device is open (default: run"
              + " until interrupted).")
  Duration duration;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Style style = Pdu4jCommand.style(spec);
    try (PowerRuntime runtime = device.runtime()) {
      PowerDevice pdu = runtime.open(device.uri);
      // counted from when the device is open: what is watched is the device, not the start-up
      long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
      LinkedBlockingQueue<DeviceEvent> events = new LinkedBlockingQueue<>(100_000);
      pdu.subscribe(
          e -> {
            if (!(e instanceof DeviceEvent.StatusReported)) {
              events.offer(e);
            }
          });
      if (!json) {
        printTable(pdu, out, style);
      }
      while (true) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          break;
        }
        DeviceEvent e =
            events.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)), TimeUnit.NANOSECONDS);
        if (e == null) {
          continue;
        }
        if (json) {
          out.println(line(e));
          out.flush();
        } else {
          events.clear(); // one reprint covers every change so far
          printTable(pdu, out, style);
        }
      }
      return ExitCodes.OK;
    } finally {
      out.flush();
    }
  }

  private static void printTable(PowerDevice pdu, PrintWriter out, Style style) {
    if (style.ansi()) {
      out.print("\u001b[H\u001b[2J"); // clear the terminal
    }
    Optional<io.pdu4j.api.DeviceStatus> status = pdu.lastStatus();
    if (status.isEmpty()) {
      out.println(StatusView.describe(pdu.info()) + ": no status yet");
    } else {
      out.println(
          StatusView.table(
              pdu.info(), status.get(), StatusCommand.clockOf(pdu, status.get()), style));
    }
    out.flush();
  }

  /** One change as one line of JSON. */
  static String line(DeviceEvent e) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("at", e.at().toString());
    n.put("device", e.device());
    if (e instanceof DeviceEvent.OutletAdded a) {
      n.put("event", "outlet-added");
      outlet(n, a.outlet());
    } else if (e instanceof DeviceEvent.OutletRemoved r) {
      n.put("event", "outlet-removed");
      outlet(n, r.outlet());
    } else if (e instanceof DeviceEvent.OutletChanged c) {
      n.put("event", "outlet-changed");
      n.put("previous", c.previous().name());
      outlet(n, c.current());
    } else if (e instanceof DeviceEvent.Connection c) {
      n.put("event", "connection");
      n.put("previous", c.previous().name());
      n.put("state", c.current().name());
      n.put("reason", c.reason().orElse(null));
    } else {
      n.put("event", "status");
    }
    try {
      return Json.MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static void outlet(ObjectNode n, OutletStatus o) {
    n.put("number", o.number());
    n.put("id", o.id());
    n.put("name", o.name());
    n.put("state", o.state().name());
    if (o.power().isPresent()) {
      n.put("power", o.power().getAsDouble());
    } else {
      n.putNull("power");
    }
    n.put("switchable", o.switchable());
  }
}
