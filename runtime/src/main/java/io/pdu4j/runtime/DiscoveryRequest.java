package io.pdu4j.runtime;

import io.pdu4j.api.Durations;
import io.pdu4j.api.InvalidArgumentException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@link PowerRuntime#discover} asks: which drivers, where, for how long, and at most how many
 * devices. Start from {@link #of(Duration)} and narrow it with the {@code with...} methods.
 *
 * @param drivers the codes of the drivers to ask (lower case); empty: every driver that can
 *     discover
 * @param broadcast the address a request goes to (a broadcast address, or 127.0.0.1 in tests)
 * @param ports each driver's port, by code: the port its request goes to, or the one it listens on
 *     when it sends none; a driver not named here uses its own default port
 * @param window how long every driver listens for answers; all listen over the same window
 * @param maxDevices the most devices the result lists; more are counted in {@link
 *     DiscoveryResult#dropped()}
 */
public record DiscoveryRequest(
    Set<String> drivers,
    String broadcast,
    Map<String, Integer> ports,
    Duration window,
    int maxDevices) {
  /** The limited broadcast address, where a request goes unless told otherwise. */
  public static final String DEFAULT_BROADCAST = "255.255.255.255";

  /** The most devices a result lists unless told otherwise. */
  public static final int DEFAULT_MAX_DEVICES = 1024;

  /** The longest window: a discovery is a look around, not a watch. */
  public static final Duration MAX_WINDOW = Duration.ofMinutes(10);

  /**
   * Validates and copies.
   *
   * @throws InvalidArgumentException when a field is missing or out of range
   */
  public DiscoveryRequest {
    if (drivers == null || broadcast == null || ports == null || window == null) {
      throw new InvalidArgumentException(
          "a discovery needs drivers, a broadcast address, ports and a window (none may be null)");
    }
    if (broadcast.isBlank()) {
      throw new InvalidArgumentException("the broadcast address must not be blank");
    }
    if (window.isNegative() || window.isZero() || window.compareTo(MAX_WINDOW) > 0) {
      throw new InvalidArgumentException(
          "the discovery window must be more than 0 and at most "
              + Durations.format(MAX_WINDOW)
              + ", got "
              + Durations.format(window));
    }
    if (maxDevices < 1 || maxDevices > 65_536) {
      throw new InvalidArgumentException("maxDevices must be 1..65536, got " + maxDevices);
    }
    Set<String> codes = new TreeSet<>();
    for (String d : drivers) {
      codes.add(code(d));
    }
    Map<String, Integer> byCode = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : ports.entrySet()) {
      Integer port = e.getValue();
      if (port == null || port < 1 || port > 65535) {
        throw new InvalidArgumentException(
            "the port of driver '" + e.getKey() + "' must be 1..65535, got " + port);
      }
      byCode.put(code(e.getKey()), port);
    }
    drivers = Collections.unmodifiableSet(codes);
    ports = Collections.unmodifiableMap(byCode);
  }

  private static String code(String driver) {
    if (driver == null || driver.isBlank()) {
      throw new InvalidArgumentException("a driver code must not be null or blank");
    }
    return driver.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * Every driver, the limited broadcast address, default ports and {@link #DEFAULT_MAX_DEVICES}.
   */
  public static DiscoveryRequest of(Duration window) {
    return new DiscoveryRequest(Set.of(), DEFAULT_BROADCAST, Map.of(), window, DEFAULT_MAX_DEVICES);
  }

  /** This, asking only these drivers (none: every driver). */
  public DiscoveryRequest withDrivers(Set<String> codes) {
    return new DiscoveryRequest(codes, broadcast, ports, window, maxDevices);
  }

  /** This, sending requests to {@code address}. */
  public DiscoveryRequest withBroadcast(String address) {
    return new DiscoveryRequest(drivers, address, ports, window, maxDevices);
  }

  /** This, with driver {@code code}'s port. */
  public DiscoveryRequest withPort(String code, int port) {
    Map<String, Integer> more = new LinkedHashMap<>(ports);
    more.put(Objects.requireNonNull(code, "code"), port);
    return new DiscoveryRequest(drivers, broadcast, more, window, maxDevices);
  }

  /** This, listing at most {@code max} devices. */
  public DiscoveryRequest withMaxDevices(int max) {
    return new DiscoveryRequest(drivers, broadcast, ports, window, max);
  }
}
