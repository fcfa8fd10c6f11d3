package io.pdu4j.cli;

import io.pdu4j.api.OutletState;
import picocli.CommandLine.Command;

/** {@code pdu4j on URI OUTLET...}. */
@Command(
    name = "on",
    mixinStandardHelpOptions = true,
    description = {
      "Switch outlets on and print the state the device reported afterwards.",
      "Example: pdu4j on isotek:tcp://10.0.0.5:501 3 4   or   ... all",
      "Through a server (--server URL, token in PDU4J_TOKEN), name a device of its"
          + " configuration: pdu4j --server http://127.0.0.1:8080 on rack 3"
    })
final class OnCommand extends SwitchCommand {
  @Override
  OutletState target() {
    return OutletState.ON;
  }
}
