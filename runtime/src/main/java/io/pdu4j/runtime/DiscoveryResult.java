package io.pdu4j.runtime;

import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.DeviceDiscoverer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link PowerRuntime#discover} found.
 *
 * @param devices the devices found, each driver's de-duplicated, drivers in code order, at most the
 *     request's {@code maxDevices}
 * @param failures the drivers that could not look (a port in use, no result in time), by code, in
 *     code order, with why; what the others found is still in {@link #devices()}
 * @param ignored how many datagrams were no usable answer, over all drivers
 * @param dropped how many devices were found beyond the request's {@code maxDevices} and left out
 */
public record DiscoveryResult(
    List<DeviceDiscoverer.Found> devices,
    Map<String, PowerDeviceException> failures,
    int ignored,
    int dropped) {
  /** Copies the list and the map (keeping its order). */
  public DiscoveryResult {
    devices = List.copyOf(devices);
    failures = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(failures)));
  }
}
