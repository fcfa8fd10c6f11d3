package io.pdu4j.example.relay;

import io.pdu4j.api.ProtocolException;
import java.util.ArrayList;
import java.util.List;

/**
 * The line relay protocol, as pure functions: no I/O, no threads.
 *
 * <p>One ASCII line each way, ended by LF. The board answers every command with its relay states
 * (or an error), so that a switch is confirmed by the reply itself:
 *
 * <pre>
 * STATUS        -&gt; RELAYS 1 0 0 1      (relay 1 on, 2 off, 3 off, 4 on)
 * ON 2          -&gt; RELAYS 1 1 0 1
 * OFF 9         -&gt; ERR no relay 9
 * </pre>
 */
public final class LineRelayProtocol {
  /** The longest line either side sends. */
  public static final int MAX_LINE = 256;

  /** The most relays a board may have. */
  public static final int MAX_RELAYS = 64;

  private LineRelayProtocol() {}

  /** {@code STATUS}. */
  public static String status() {
    return "STATUS";
  }

  /** {@code ON n} or {@code OFF n}. */
  public static String switchRelay(int relay, boolean on) {
    return (on ? "ON " : "OFF ") + relay;
  }

  /** Whether a reply line is an error, {@code ERR text}. */
  public static boolean isError(String line) {
    return line.startsWith("ERR");
  }

  /**
   * The relay states of a {@code RELAYS ...} line, relay 1 first.
   *
   * @throws ProtocolException when the line is anything else
   */
  public static List<Boolean> parseRelays(String line) {
    String[] fields = line.strip().split(" +");
    if (!fields[0].equals("RELAYS") || fields.length < 2 || fields.length > MAX_RELAYS + 1) {
      throw new ProtocolException("not a RELAYS line: " + line);
    }
    List<Boolean> states = new ArrayList<>(fields.length - 1);
    for (int i = 1; i < fields.length; i++) {
      switch (fields[i]) {
        case "1" -> states.add(true);
        case "0" -> states.add(false);
        default -> throw new ProtocolException("relay " + i + " is neither 0 nor 1: " + line);
      }
    }
    return List.copyOf(states);
  }

  /** A {@code RELAYS ...} line for these states. */
  public static String formatRelays(List<Boolean> states) {
    StringBuilder b = new StringBuilder("RELAYS");
    states.forEach(on -> b.append(on ? " 1" : " 0"));
    return b.toString();
  }
}
