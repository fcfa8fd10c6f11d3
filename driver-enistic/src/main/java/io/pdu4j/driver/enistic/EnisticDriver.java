package io.pdu4j.driver.enistic;

import io.pdu4j.driver.enistic.internal.EnisticSession;
import io.pdu4j.driver.enistic.internal.EnisticSettings;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DeviceSession;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.PowerDriver;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The driver for Enistic Smart Energy Controllers (and Controller Lite), code {@code enistic}:
 * {@code enistic:udp://0.0.0.0:53005/004A3BB5B04?send=10.0.0.7}, one controller per address (the
 * path is its serial, 1..12 hex digits); several controllers may listen on one port.
 *
 * <p>Options: {@code send=ADDR[:PORT]} where commands go (default: the controller's last source
 * address, port {@code command-port}, 53004; broadcast 255.255.255.255 before any reading); {@code
 * polarity=normal|inverted} ({@code normal}: event 1 switches on, as the document's table says);
 * {@code allow=ADDR,...} accept readings only from these sources; {@code sockets=SERIAL,...} and
 * {@code meters=SERIAL,...} say which serials are Smart Sockets and which are meters (otherwise a
 * serial that ever reports a channel above 1 is a meter and the rest are sockets); {@code
 * max-outlets=N} the most outlets (sockets plus meter channels) the device keeps, 1..4096, default
 * 256: readings that would add more are dropped and counted, known outlets are never evicted, and
 * room is kept for the serials in {@code sockets=} (one each) and {@code meters=} (16 each).
 *
 * <p>The device opens as soon as the link listens: outlets appear as readings arrive. Found through
 * {@link java.util.ServiceLoader}; thread-safe and stateless.
 */
public final class EnisticDriver implements PowerDriver {

  /** The port controllers send readings to. */
  public static final int DEFAULT_PORT = 53005;

  /** Creates the driver (for {@link java.util.ServiceLoader}). */
  public EnisticDriver() {}

  @Override
  public String code() {
    return "enistic";
  }

  @Override
  public String vendor() {
    return "Enistic";
  }

  @Override
  public String description() {
    return "Enistic Smart Energy Controller: Smart Sockets and meters (UDP 53005/53004)";
  }

  /** The path is the controller serial: {@code enistic:udp://0.0.0.0:53005/004A3BB5B04}. */
  @Override
  public boolean readsPath() {
    return true;
  }

  @Override
  public Set<String> optionNames() {
    return EnisticSettings.OPTION_NAMES;
  }

  /** A datagram link, port 53005 by default; validates the controller serial and the options. */
  @Override
  public LinkRequirements requirements(DeviceAddress address) {
    EnisticSettings.of(address);
    return new LinkRequirements(
        Link.Kind.DATAGRAM, OptionalInt.of(DEFAULT_PORT), OptionalInt.empty());
  }

  /** The controller's session; the device is ready as soon as the link listens. */
  @Override
  public DeviceSession session(DriverContext context) {
    return new EnisticSession(context, EnisticSettings.of(context.address()));
  }

  @Override
  public String toString() {
    return "EnisticDriver";
  }
}
