package io.pdu4j.driver.isotek.internal;

import io.pdu4j.spi.DeviceDiscoverer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads answers to the UDP discovery request {@code A?}: {@code
 * A=SerialNum|MAC|ServerIP1|ServerPort1|ServerIP2|ServerPort2|}. Collects them de-duplicated by
 * serial number (or MAC when the serial is missing) and counts what is not an answer. Pure, not
 * thread-safe.
 *
 * <p>The address to open is the datagram's source address (the unit itself, whatever its ServerIP
 * fields hold) and ServerPort1 when it is a valid port, else 501.
 */
public final class IsoTekDiscoveryAnswers {
  /** The most bytes read of one datagram. */
  public static final int MAX_DATAGRAM = 512;

  /**
   * The most units one discovery keeps, so that a flood of forged answers (each with another
   * serial) cannot grow the result without bound. Answers that would add units beyond it count as
   * ignored.
   */
  public static final int MAX_FOUND = 256;

  private final Map<String, DeviceDiscoverer.Found> found = new LinkedHashMap<>();
  private int ignored;

  /** Takes one datagram; returns the device if it was a new one. */
  public Optional<DeviceDiscoverer.Found> accept(InetSocketAddress from, byte[] payload) {
    Optional<DeviceDiscoverer.Found> device = parse(from, payload);
    if (device.isEmpty()) {
      ignored++;
      return Optional.empty();
    }
    DeviceDiscoverer.Found d = device.get();
    String key = d.serial().isEmpty() ? d.mac().orElse(d.uri()) : d.serial();
    if (found.containsKey(key)) {
      return Optional.empty();
    }
    if (found.size() >= MAX_FOUND) {
      ignored++;
      return Optional.empty();
    }
    found.put(key, d);
    return device;
  }

  /** Everything found so far. */
  public DeviceDiscoverer.Result result() {
    return new DeviceDiscoverer.Result(new ArrayList<>(found.values()), ignored);
  }

  /** One answer to a device, or empty when it is not an answer. */
  public static Optional<DeviceDiscoverer.Found> parse(InetSocketAddress from, byte[] payload) {
    if (payload.length == 0 || payload.length > MAX_DATAGRAM || from.getAddress() == null) {
      return Optional.empty();
    }
    String text = new String(payload, StandardCharsets.ISO_8859_1).strip();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return Optional.empty();
      }
    }
    if (!(IsoTekParser.parse(text) instanceof IsoTekFrame.Address a)) {
      return Optional.empty();
    }
    List<String> f = a.fields();
    int port = 501;
    if (f.size() > 3 && f.get(3).matches("\\d{1,5}")) {
      int p = Integer.parseInt(f.get(3));
      if (p >= 1 && p <= 65535) {
        port = p;
      }
    }
    String host = from.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return Optional.of(
        new DeviceDiscoverer.Found(
            "isotek", "isotek:tcp://" + host + ":" + port, a.serial(), a.mac()));
  }
}
