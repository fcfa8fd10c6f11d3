package io.pdu4j.cli;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.json.DeviceJson;
import java.time.LocalDateTime;
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
    description =
        "Read a device's status now: every outlet's state, volts and watts, and its clock.")
final class StatusCommand implements Callable<Integer> {
  @Mixin DeviceArgs device;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (PowerRuntime runtime = device.runtime()) {
      PowerDevice pdu = runtime.open(device.uri);
      String address = pdu.info().address();
      DeviceStatus status = device.await(pdu.refresh(), "reading the status", address);
      Optional<LocalDateTime> clock = clockOf(pdu, status);
      String text =
          json
              ? StatusView.json(pdu.info(), status, clock)
              : StatusView.table(pdu.info(), status, clock, Pdu4jCommand.style(spec));
      spec.commandLine().getOut().println(text);
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  /** The clock in the status, or the device's latest clock reading. */
  static Optional<LocalDateTime> clockOf(PowerDevice pdu, DeviceStatus status) {
    return DeviceJson.clockOf(pdu, status);
  }
}
