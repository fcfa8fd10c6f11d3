package io.pdu4j.example.relay;

import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DeviceSession;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.PowerDriver;

/**
 * The example plugin's driver: a relay board that speaks {@link LineRelayProtocol} over a stream
 * link, addressed {@code linerelay:tcp://host:7000}. Listed in {@code
 * META-INF/services/io.pdu4j.spi.PowerDriver}, which is all the runtime needs to find it in a
 * plugin jar.
 */
public final class LineRelayDriver implements PowerDriver {
  /** The board's TCP port unless the address gives one. */
  public static final int DEFAULT_PORT = 7000;

  /** The runtime makes drivers with a public no-argument constructor. */
  public LineRelayDriver() {}

  @Override
  public String code() {
    return "linerelay";
  }

  @Override
  public String vendor() {
    return "pdu4j examples";
  }

  @Override
  public String description() {
    return "Line relay board (ON n / OFF n / STATUS), the example plugin";
  }

  @Override
  public LinkRequirements requirements(DeviceAddress address) {
    return LinkRequirements.stream(DEFAULT_PORT);
  }

  @Override
  public DeviceSession session(DriverContext context) {
    return new LineRelaySession(context);
  }
}
