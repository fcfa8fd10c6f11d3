package io.pdu4j.cli;

import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.json.DeviceJson;
import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pdu4j status URI}: reads the device now and prints its outlets and clock. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Read a device's status now: every outlet's state, volts and watts, and its clock.",
      "With --server, URI is a device NAME of that server; its latest report is shown"
          + " (exit code 4, with a warning, when the server has the device not connected).",
      "With --mqtt, URI is a device NAME; shown is the status its node last published on"
          + " the broker (exit code 4 when the device is offline or no node answers for it)."
    })
final class StatusCommand implements Callable<Integer> {
  @Mixin DeviceArgs device;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Optional<Gateway> through = Pdu4jCommand.gateway(spec, device);
    if (through.isPresent()) {
      ServerClient.Status s;
      try (Gateway g = through.get()) {
        s = g.status(device.uri);
      }
      print(
          spec.commandLine().getOut(),
          Pdu4jCommand.style(spec),
          s.info(),
          s.status(),
          s.clock(),
          s.clockZone().orElse(ZoneId.systemDefault()));
      if (s.health().isPresent()) {
        // the server (or bridge) has only the last report; the exit code says it is not current
        PrintWriter err = spec.commandLine().getErr();
        err.println(
            "pdu4j: "
                + TerminalText.safe(device.uri)
                + " is "
                + TerminalText.safeLines(s.health().get())
                + "; shown is its last report, received "
                + s.status().receivedAt());
        err.flush();
        return ExitCodes.UNREACHABLE;
      }
      return ExitCodes.OK;
    }
    return direct(
        spec.commandLine().getOut(), spec.commandLine().getErr(), Pdu4jCommand.style(spec));
  }

  /**
   * Reads the device itself (no server, no broker) and prints to {@code out}; what {@link
   * ShortLine} runs without picocli, and {@link #call} after it found no gateway.
   */
  int direct(PrintWriter out, PrintWriter err, Style style) {
    try (PowerRuntime runtime = device.runtime(err)) {
      PowerDevice pdu = runtime.open(device.uri);
      String address = pdu.info().address();
      DeviceStatus status = device.await(pdu.refresh(), "reading the status", address);
      print(out, style, pdu.info(), status, clockOf(pdu, status), ZoneId.systemDefault());
      return ExitCodes.OK;
    }
  }

  /**
   * The table or the JSON, alike from the device itself and from a server; the device's clock is
   * taken in {@code zone} (this host's, or the server's).
   */
  private void print(
      PrintWriter out,
      Style style,
      DeviceInfo info,
      DeviceStatus status,
      Optional<LocalDateTime> clock,
      ZoneId zone) {
    String text =
        json
            ? StatusView.json(info, status, clock, zone)
            : StatusView.table(info, status, clock, style);
    out.println(text);
    out.flush();
  }

  /** The clock in the status, or the device's latest clock reading. */
  static Optional<LocalDateTime> clockOf(PowerDevice pdu, DeviceStatus status) {
    return DeviceJson.clockOf(pdu, status);
  }
}
