package io.pdu4j.api;

import java.util.Objects;
import java.util.Optional;

/**
 * What a device is and where it is.
 *
 * @param driver the driver's code, e.g. {@code isotek}
 * @param vendor the maker, e.g. {@code IsoTek}
 * @param model the model, as precise as the device tells (e.g. {@code SMART Power 16})
 * @param serial the serial number, when known
 * @param mac the MAC address, when known
 * @param firmware the firmware version, when known
 * @param address the device's URI with any secret redacted
 */
public record DeviceInfo(
    String driver,
    String vendor,
    String model,
    Optional<String> serial,
    Optional<String> mac,
    Optional<String> firmware,
    String address) {

  /** Validates that nothing is null. */
  public DeviceInfo {
    Values.requireText(driver, "driver");
    Objects.requireNonNull(vendor, "vendor");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(firmware, "firmware");
    Values.requireText(address, "address");
  }

  /** What a driver knows of a device before it answered: no serial, MAC or firmware yet. */
  public static DeviceInfo of(String driver, String vendor, String model, String address) {
    return new DeviceInfo(
        driver, vendor, model, Optional.empty(), Optional.empty(), Optional.empty(), address);
  }
}
