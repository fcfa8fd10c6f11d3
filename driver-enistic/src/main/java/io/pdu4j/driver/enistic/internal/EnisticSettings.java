package io.pdu4j.driver.enistic.internal;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an Enistic address says, validated: the controller serial (the path), and the options {@code
 * send}, {@code command-port}, {@code polarity}, {@code allow}, {@code sockets}, {@code meters},
 * {@code max-outlets}. Addresses are IP literals only: nothing here looks a name up.
 *
 * @param controller the controller serial, as written in the address
 * @param send where commands go when set ({@code send=ADDR[:PORT]}); else the controller's last
 *     source address, else broadcast
 * @param commandPort the controller's command port (53004) when {@code send} gives none
 * @param inverted whether {@code polarity=inverted}: {@code 0} switches on
 * @param allow the source addresses readings are accepted from; empty = any
 * @param sockets serials (upper case) that are Smart Sockets; empty = decide from the readings
 * @param meters serials (upper case) that are meters, never switchable
 * @param maxOutlets the most outlets (sockets plus meter channels) the device keeps; readings that
 *     would add more are dropped. Room for the serials in {@code sockets} (one each) and {@code
 *     meters} ({@value #METER_CHANNELS} each) is kept for them ({@link #reservedOutlets()})
 */
public record EnisticSettings(
    String controller,
    Optional<InetSocketAddress> send,
    int commandPort,
    boolean inverted,
    Set<InetAddress> allow,
    Set<String> sockets,
    Set<String> meters,
    int maxOutlets) {

  /** The controller's command port. */
  public static final int COMMAND_PORT = 53004;

  /** The default {@code max-outlets}. */
  public static final int DEFAULT_MAX_OUTLETS = 256;

  /** The largest {@code max-outlets} accepted. */
  public static final int MAX_MAX_OUTLETS = 4096;

  /** The most channels a meter reports, hence the room kept for each serial in {@code meters=}. */
  public static final int METER_CHANNELS = 16;

  /** The option names this driver reads. */
  public static final Set<String> OPTION_NAMES =
      Set.of("send", "command-port", "polarity", "allow", "sockets", "meters", "max-outlets");

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /** Copies the sets and checks that the listed serials fit in {@code maxOutlets}. */
  public EnisticSettings {
    allow = Set.copyOf(allow);
    sockets = Set.copyOf(sockets);
    meters = Set.copyOf(meters);
    if (maxOutlets < 1 || maxOutlets > MAX_MAX_OUTLETS) {
      throw new InvalidArgumentException(
          "max-outlets must be 1.." + MAX_MAX_OUTLETS + ", got " + maxOutlets);
    }
    int reserved = reserved(sockets, meters);
    if (reserved > maxOutlets) {
      throw new InvalidArgumentException(
          "sockets= and meters= need room for "
              + reserved
              + " outlets (one per socket, "
              + METER_CHANNELS
              + " per meter), more than max-outlets="
              + maxOutlets);
    }
  }

  /**
   * The outlets kept for the serials in {@code sockets} and {@code meters}: one per socket, {@value
   * #METER_CHANNELS} per meter. Other serials share the rest of {@link #maxOutlets()}.
   */
  public int reservedOutlets() {
    return reserved(sockets, meters);
  }

  private static int reserved(Set<String> sockets, Set<String> meters) {
    int n = meters.size() * METER_CHANNELS;
    for (String s : sockets) {
      if (!meters.contains(s)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Whether a serial's channel has room kept for it: every channel of a serial in {@code meters},
   * channel 1 of one in {@code sockets}.
   *
   * @param serialKey the serial in upper case
   */
  public boolean listed(String serialKey, int channel) {
    return meters.contains(serialKey) || (channel == 1 && sockets.contains(serialKey));
  }

  /**
   * Reads and validates the address.
   *
   * @throws InvalidArgumentException naming the address and what is wrong
   */
  public static EnisticSettings of(DeviceAddress address) {
    String path = address.path();
    String serial = path.startsWith("/") ? path.substring(1) : path;
    if (!EnisticCodec.isControllerSerial(serial)) {
      throw bad(
          address,
          "the path must be the controller serial, 1..12 hex digits (e.g."
              + " enistic:udp://0.0.0.0:53005/004A3BB5B04), got '"
              + serial
              + "'");
    }
    int commandPort =
        address.option("command-port").map(v -> port(address, v)).orElse(COMMAND_PORT);
    Optional<InetSocketAddress> send =
        address.option("send").map(v -> hostPort(address, v, commandPort));
    String polarity = address.option("polarity").orElse("normal").trim();
    boolean inverted;
    if (polarity.equalsIgnoreCase("normal")) {
      inverted = false;
    } else if (polarity.equalsIgnoreCase("inverted")) {
      inverted = true;
    } else {
      throw bad(address, "polarity must be normal or inverted, got '" + polarity + "'");
    }
    Set<InetAddress> allow = new LinkedHashSet<>();
    for (String a : list(address, "allow")) {
      allow.add(ip(address, a));
    }
    int maxOutlets =
        address.option("max-outlets").map(v -> maxOutlets(address, v)).orElse(DEFAULT_MAX_OUTLETS);
    try {
      return new EnisticSettings(
          serial,
          send,
          commandPort,
          inverted,
          allow,
          serials(address, "sockets"),
          serials(address, "meters"),
          maxOutlets);
    } catch (InvalidArgumentException e) {
      throw bad(address, e.getMessage());
    }
  }

  private static int maxOutlets(DeviceAddress address, String v) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 1 && n <= MAX_MAX_OUTLETS) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(
        address, "max-outlets must be a whole number 1.." + MAX_MAX_OUTLETS + ", got '" + v + "'");
  }

  private static Set<String> serials(DeviceAddress address, String option) {
    Set<String> out = new LinkedHashSet<>();
    for (String s : list(address, option)) {
      if (!EnisticCodec.isMeterSerial(s)) {
        throw bad(address, option + " must list 16-hex-digit serials, got '" + s + "'");
      }
      out.add(EnisticCodec.key(s));
    }
    return out;
  }

  private static String[] list(DeviceAddress address, String option) {
    String v = address.option(option).orElse("").trim();
    return v.isEmpty() ? new String[0] : v.split("\\s*,\\s*");
  }

  private static InetSocketAddress hostPort(DeviceAddress address, String v, int dfltPort) {
    String text = v.trim();
    String host = text;
    int port = dfltPort;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw bad(address, "send: bad IPv6 address '" + v + "'");
      }
      host = text.substring(1, close);
      if (text.length() > close + 1) {
        if (text.charAt(close + 1) != ':') {
          throw bad(address, "send: expected [ADDR]:PORT, got '" + v + "'");
        }
        port = port(address, text.substring(close + 2));
      }
    } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
      host = text.substring(0, text.indexOf(':'));
      port = port(address, text.substring(text.indexOf(':') + 1));
    }
    return new InetSocketAddress(ip(address, host), port);
  }

  private static int port(DeviceAddress address, String v) {
    try {
      int p = Integer.parseInt(v.trim());
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(address, "a port must be 1..65535, got '" + v + "'");
  }

  private static InetAddress ip(DeviceAddress address, String host) {
    String h = host.trim();
    if (!IPV4.matcher(h).matches() && h.indexOf(':') < 0) {
      throw bad(address, "expected an IP address, got '" + host + "'");
    }
    try {
      return InetAddress.getByName(h); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw bad(address, "bad IP address '" + host + "'");
    }
  }

  private static InvalidArgumentException bad(DeviceAddress address, String why) {
    return new InvalidArgumentException(address + ": " + why);
  }
}
