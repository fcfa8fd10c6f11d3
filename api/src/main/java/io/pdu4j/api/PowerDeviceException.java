package io.pdu4j.api;

import java.util.Optional;

/**
 * The root of every error pdu4j reports. Unchecked.
 *
 * <p>Where they are known, an exception carries the device (redacted address), what was sent and
 * what came back, and its message says all three. Secrets never appear in any of them.
 */
public class PowerDeviceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String device;
  private final String sent;
  private final String received;

  /** An error with a message only. */
  public PowerDeviceException(String message) {
    this(message, null, null, null, null);
  }

  /** An error with a message and a cause. */
  public PowerDeviceException(String message, Throwable cause) {
    this(message, null, null, null, cause);
  }

  /**
   * An error about a device exchange.
   *
   * @param message what went wrong
   * @param device the device's redacted address, or null
   * @param sent what was sent (printable), or null
   * @param received what came back (printable), or null
   * @param cause the cause, or null
   */
  public PowerDeviceException(
      String message, String device, String sent, String received, Throwable cause) {
    super(compose(message, device, sent, received), cause);
    this.device = device;
    this.sent = sent;
    this.received = received;
  }

  /** The device's redacted address, when known. */
  public Optional<String> device() {
    return Optional.ofNullable(device);
  }

  /** What was sent, when the error concerns a command. */
  public Optional<String> sent() {
    return Optional.ofNullable(sent);
  }

  /** What the device sent back, when anything. */
  public Optional<String> received() {
    return Optional.ofNullable(received);
  }

  private static String compose(String message, String device, String sent, String received) {
    StringBuilder b = new StringBuilder();
    if (device != null) {
      b.append(device).append(": ");
    }
    b.append(message);
    if (sent != null) {
      b.append("; sent ").append(printable(sent));
    }
    if (received != null) {
      b.append("; received ").append(received.isEmpty() ? "nothing" : printable(received));
    }
    return b.toString();
  }

  /** Renders text with control characters escaped ({@code \r}, {@code \n}, {@code \x1B}). */
  public static String printable(String text) {
    StringBuilder b = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\r' -> b.append("\\r");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02X", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
