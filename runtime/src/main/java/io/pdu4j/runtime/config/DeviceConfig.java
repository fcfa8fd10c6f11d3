package io.pdu4j.runtime.config;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.Durations;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One device of the configuration: its name and address, and the per-device options the file set
 * beside the address.
 *
 * @param name the device's name: letters, digits, {@code .}, {@code _}, {@code -}, starting with a
 *     letter or digit, at most 64; it becomes the {@code device} tag of the device's meters
 * @param uri the device's address as written; option values that hold secrets are references
 *     ({@code env:NAME}, {@code file:PATH}), never literals
 * @param timeout how long each command may take, when set ({@code timeout=} in the address)
 * @param poll how often to poll the device, when set ({@code poll=} in the address)
 */
public record DeviceConfig(
    String name, String uri, Optional<Duration> timeout, Optional<Duration> poll) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /**
   * Whether {@code name} is a device name: letters, digits, '.', '_' and '-', starting with a
   * letter or digit, at most 64 characters.
   */
  public static boolean isName(String name) {
    return NAME.matcher(name).matches();
  }

  /** Validates the name, the address (secrets by reference only) and the durations. */
  public DeviceConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(poll, "poll");
    if (!isName(name)) {
      throw new InvalidArgumentException(
          "bad device name '"
              + name
              + "': use letters, digits, '.', '_' and '-', starting with a letter or digit (at"
              + " most 64)");
    }
    Secrets.refuseLiterals(uri);
    DeviceAddress address = DeviceAddress.parse(uri);
    DeviceOptions.defaults().withOverrides(address); // the option values every device reads
    timeout.ifPresent(t -> positive(t, "timeout"));
    poll.ifPresent(p -> positive(p, "poll"));
    if (timeout.isPresent() && address.option("timeout").isPresent()) {
      throw new InvalidArgumentException(
          "timeout is set both here and in the uri (" + address + "); keep one");
    }
    if (poll.isPresent() && address.option("poll").isPresent()) {
      throw new InvalidArgumentException(
          "poll is set both here and in the uri (" + address + "); keep one");
    }
  }

  /** A device with no options beside its address. */
  public static DeviceConfig of(String name, String uri) {
    return new DeviceConfig(name, uri, Optional.empty(), Optional.empty());
  }

  private static void positive(Duration d, String what) {
    if (d.isZero() || d.isNegative()) {
      throw new InvalidArgumentException(what + " must be more than 0, got " + Durations.format(d));
    }
  }

  /** The address the runtime opens: the uri with {@code timeout} and {@code poll} added. */
  public String address() {
    DeviceAddress a = DeviceAddress.parse(uri);
    if (timeout.isPresent()) {
      a = a.withOption("timeout", Durations.format(timeout.get()));
    }
    if (poll.isPresent()) {
      a = a.withOption("poll", Durations.format(poll.get()));
    }
    // secrets are references (checked above), so the redacted form is the full address
    return a.toString();
  }

  @Override
  public String toString() {
    return "DeviceConfig[" + name + ", " + address() + "]";
  }
}
