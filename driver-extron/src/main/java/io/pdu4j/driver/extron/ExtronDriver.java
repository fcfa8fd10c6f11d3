package io.pdu4j.driver.extron;

import io.pdu4j.driver.extron.internal.ExtronRelaySession;
import io.pdu4j.driver.extron.internal.TunnelSettings;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DeviceSession;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.PowerDriver;
import java.util.Set;

/**
 * The {@code extron} driver: an Extron IPCP itself as a device whose outlets are its relays 1..8,
 * e.g. {@code extron:tcp://10.0.0.9:23?password=env:IPCP_PW}. Switching is confirmed by reading the
 * relay back; the relays are read every {@code poll} (default 5 s) so that changes made elsewhere
 * become events. Options: {@code password} (a reference, {@code env:NAME} or {@code file:PATH}),
 * {@code keepalive}, {@code busy-retries} and {@code busy-pause}. An IPCP with no free connection
 * (E26) fails the open with {@link io.pdu4j.api.DeviceBusyException}.
 */
public final class ExtronDriver implements PowerDriver {

  /** Found by {@link java.util.ServiceLoader}. */
  public ExtronDriver() {}

  @Override
  public String code() {
    return "extron";
  }

  @Override
  public String vendor() {
    return "Extron";
  }

  @Override
  public String description() {
    return "Extron IPCP control processor: relays 1..8 over SIS (Telnet)";
  }

  @Override
  public Set<String> optionNames() {
    return TunnelSettings.GATEWAY_OPTIONS;
  }

  @Override
  public LinkRequirements requirements(DeviceAddress address) {
    return LinkRequirements.stream(23);
  }

  @Override
  public DeviceSession session(DriverContext context) {
    return new ExtronRelaySession(context);
  }
}
