package io.pdu4j.cli;

import io.pdu4j.api.OutletState;
import picocli.CommandLine.Command;

/** {@code pdu4j off URI OUTLET...}. */
@Command(
    name = "off",
    mixinStandardHelpOptions = true,
    description = {
      "Switch outlets off and print the state the device reported afterwards.",
      "Example: pdu4j off isotek:tcp://10.0.0.5:501 3 4   or   ... all",
      "Through a server (--server URL, token in PDU4J_TOKEN), name a device of its"
          + " configuration: pdu4j --server http://127.0.0.1:8080 off rack 3"
    })
final class OffCommand extends SwitchCommand {
  @Override
  OutletState target() {
    return OutletState.OFF;
  }
}
