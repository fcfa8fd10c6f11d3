package io.pdu4j.cli;

import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.runtime.PowerRuntime;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pdu4j cycle URI OUTLET... [--off-time DURATION]}: switches each outlet off, waits, and on
 * again, each step confirmed by the device; prints the state each reported at the end.
 */
@Command(
    name = "cycle",
    mixinStandardHelpOptions = true,
    description = {
      "Power-cycle outlets: off, wait, on, each confirmed by the device.",
      "Without --off-time each outlet waits its own reset delay (0 if it has none).",
      "Example: pdu4j cycle isotek:tcp://10.0.0.5:501 1 --off-time 5s"
    })
final class CycleCommand implements Callable<Integer> {
  @Mixin DeviceArgs device;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "OUTLET", description = "Outlets.")
  List<String> outlets;

  @Option(
      names = "--off-time",
      paramLabel = "DURATION",
      converter = DeviceArgs.DurationConverter.class,
      description = "How long to stay off (e.g. 5s); default: the outlet's reset delay.")
  Duration offTime;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    SwitchCommand.Selection selection = SwitchCommand.Selection.parse(outlets);
    PrintWriter out = spec.commandLine().getOut();
    Style style = Pdu4jCommand.style(spec);
    try (PowerRuntime runtime = device.runtime()) {
      PowerDevice pdu = runtime.open(device.uri);
      String address = pdu.info().address();
      if (!pdu.has(DeviceCapability.CYCLE)) {
        throw new UnsupportedCapabilityException(
            "the device cannot cycle outlets", address, null, null, null);
      }
      List<Outlet> chosen = new ArrayList<>();
      if (selection.all()) {
        chosen.addAll(pdu.outlets());
      } else {
        for (int n : selection.numbers()) {
          chosen.add(pdu.outlet(n));
        }
      }
      for (Outlet o : chosen) {
        Duration wait = offTime != null ? offTime : Duration.ofHours(3);
        OutletStatus s =
            DeviceArgs.await(
                o.cycle(offTime),
                device.options().commandTimeout().multipliedBy(4).plus(wait),
                "cycling outlet " + o.number(),
                address);
        out.println(SwitchCommand.line(s, style));
        out.flush();
      }
      return ExitCodes.OK;
    } finally {
      out.flush();
    }
  }
}
