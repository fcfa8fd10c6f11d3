package io.pdu4j.sim.extron.internal;

import io.pdu4j.sim.internal.Endpoint;
import java.io.IOException;

/** How a COM port reaches its serial device: a TCP server on loopback, or a serial device file. */
@FunctionalInterface
public interface DeviceLine {

  /** Opens the line to the device; called on first use and again after the device closed it. */
  Endpoint open() throws IOException;
}
