package io.pdu4j.spi;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.PowerDevice;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A driver for one family of devices. Found through {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/io.pdu4j.spi.PowerDriver}. Implementations need a
 * public no-argument constructor, must be thread-safe, and depend on the pdu4j API only.
 */
public interface PowerDriver {

  /** The driver's code, lower case: the first part of an address, e.g. {@code isotek}. */
  String code();

  /** The maker of the devices, e.g. {@code IsoTek}. */
  String vendor();

  /** One line for humans: which devices this driver controls. */
  String description();

  /** The address options this driver reads (besides {@link DeviceOptions#NAMES}). */
  default Set<String> optionNames() {
    return Set.of();
  }

  /**
   * Whether this driver reads the address's path (the Enistic controller serial in {@code
   * enistic:udp://0.0.0.0:53005/004A3BB5B04}). The runtime refuses an address with a path that
   * neither the driver nor the transport ({@link
   * io.pdu4j.spi.transport.TransportProvider#readsPath()}) reads, so that a path that means nothing
   * is never silently ignored. Default: no.
   */
  default boolean readsPath() {
    return false;
  }

  /**
   * What the driver needs from its link at this address; validates the address's driver-specific
   * parts, throwing {@link io.pdu4j.api.InvalidArgumentException}.
   */
  LinkRequirements requirements(DeviceAddress address);

  /**
   * Creates the session that speaks to one device at {@code context}'s address. Does no I/O: pdu4j
   * opens the link, starts the session and builds the {@link PowerDevice} around it ({@link
   * #open}). This is the one method a driver implements beyond its description.
   *
   * <p>Drivers written before sessions existed override {@link #open} instead; they are moved over
   * one by one, and this default then goes.
   */
  default DeviceSession session(DriverContext context) {
    throw new UnsupportedOperationException(code() + " does not implement sessions");
  }

  /**
   * Opens the device: pdu4j opens the link, starts the driver's {@linkplain #session session}, and
   * completes with the device once it reported its first status. Fails with {@link
   * io.pdu4j.api.DeviceUnreachableException} when the link cannot be opened, {@link
   * io.pdu4j.api.LinkLostException} when it goes down first, {@link
   * io.pdu4j.api.DeviceTimeoutException} when the device does not answer within {@link
   * DeviceOptions#readyTimeout()}; on failure the link is closed. Drivers do not override this.
   */
  default CompletionStage<PowerDevice> open(DriverContext context) {
    return Devices.open(session(context), context);
  }
}
