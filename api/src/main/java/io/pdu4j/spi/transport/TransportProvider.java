package io.pdu4j.spi.transport;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.PowerDriver;
import java.util.Set;

/**
 * Creates {@link Link}s for one transport scheme ({@code tcp}, {@code udp}, {@code serial}, {@code
 * extron}, ...). Found through {@link java.util.ServiceLoader}: list the implementation in {@code
 * META-INF/services/io.pdu4j.spi.transport.TransportProvider}. Implementations need a public
 * no-argument constructor and must be thread-safe.
 */
public interface TransportProvider {

  /** The scheme this provider serves, lower case: the part after the driver in an address. */
  String scheme();

  /** One line for humans: what this transport is. */
  String description();

  /** The address options this transport reads (besides {@link DeviceOptions#NAMES}). */
  default Set<String> optionNames() {
    return Set.of();
  }

  /**
   * Whether this transport reads the address's path (the device of {@code serial:///dev/ttyUSB0},
   * the gateway port of {@code extron://10.0.0.9/3}). The runtime refuses an address with a path
   * that neither the transport nor the driver ({@link PowerDriver#readsPath()}) reads. Default: no.
   */
  default boolean readsPath() {
    return false;
  }

  /**
   * Creates a closed link for the address. Validates the address (host, port, options) and throws
   * {@link io.pdu4j.api.InvalidArgumentException} naming what is wrong; does no I/O.
   */
  Link create(DeviceAddress address, TransportContext context);
}
