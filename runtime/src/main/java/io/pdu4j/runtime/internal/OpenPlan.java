package io.pdu4j.runtime.internal;

import static io.pdu4j.runtime.internal.ProviderCalls.call;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.spi.transport.TransportProvider;
import java.util.Set;
import java.util.TreeSet;

/**
 * What opening one address takes, checked before anything is created: its driver and transport, the
 * options (every one read by someone), and the link the driver asks for.
 */
record OpenPlan(
    DeviceAddress address,
    PowerDriver driver,
    TransportProvider transport,
    DeviceOptions options,
    LinkRequirements requirements) {

  /**
   * Parses and checks {@code uri}.
   *
   * @throws InvalidArgumentException for an unknown driver, transport or option, or a path no one
   *     reads
   */
  static OpenPlan of(String uri, Providers providers, DeviceOptions defaults) {
    DeviceAddress address = DeviceAddress.parse(uri);
    PowerDriver driver =
        providers
            .drivers()
            .find(address.driver())
            .orElseThrow(
                () ->
                    new InvalidArgumentException(
                        "unknown driver '"
                            + address.driver()
                            + "' in "
                            + address
                            + "; "
                            + providers.drivers().describeKnown()));
    TransportProvider transport =
        providers
            .transports()
            .find(address.transport())
            .orElseThrow(
                () ->
                    new InvalidArgumentException(
                        "unknown transport '"
                            + address.transport()
                            + "' in "
                            + address
                            + "; "
                            + providers.transports().describeKnown()));
    Set<String> known = new TreeSet<>(DeviceOptions.NAMES);
    known.addAll(call(driver, "optionNames()", address, driver::optionNames));
    known.addAll(call(transport, "optionNames()", address, transport::optionNames));
    for (String name : address.options().keySet()) {
      if (!known.contains(name)) {
        throw new InvalidArgumentException(
            "unknown option '"
                + name
                + "' in "
                + address
                + "; known options for "
                + address.driver()
                + ":"
                + address.transport()
                + ": "
                + String.join(", ", known));
      }
    }
    if (!address.path().isEmpty() && !driver.readsPath() && !transport.readsPath()) {
      throw new InvalidArgumentException(
          "the path '"
              + address.path()
              + "' in "
              + address
              + " means nothing to "
              + address.driver()
              + ":"
              + address.transport()
              + " (neither the driver nor the transport reads a path); leave it out");
    }
    DeviceOptions options = defaults.withOverrides(address);
    LinkRequirements requirements =
        call(driver, "requirements()", address, () -> driver.requirements(address));
    if (requirements == null) {
      throw new PowerDeviceException(
          "driver " + driver.getClass().getName() + " gave no link requirements for " + address);
    }
    return new OpenPlan(address, driver, transport, options, requirements);
  }
}
