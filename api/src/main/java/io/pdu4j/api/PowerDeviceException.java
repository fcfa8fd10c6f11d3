package io.pdu4j.api;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The root of every error pdu4j reports. Unchecked.
 *
 * <p>Where they are known, an exception carries the device (redacted address), what was sent and
 * what came back, and its message says all three. Secrets never appear in any of them.
 *
 * <p>Every failure has one {@link Kind} ({@link #kind()}, or {@link #kindOf(Throwable)} for any
 * throwable): the one classification from which pdu4j derives a device's {@link ConnectionProblem},
 * the {@code outcome} tag of its command metrics and the exit code of the {@code pdu4j} command.
 * Branch on the kind rather than on the exception's class.
 */
public class PowerDeviceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * What a failure means, one value per meaning. Each subclass of {@link PowerDeviceException}
   * fixes its kind; {@link #kindOf(Throwable)} also classifies throwables that are none.
   *
   * <p>{@link #tag()} (the name in lower case, e.g. {@code link_lost}) is a stable string: use it
   * in JSON error bodies, logs and metric tags. Values may be added in a minor release; existing
   * values keep their meaning and their tag.
   */
  public enum Kind {
    /**
     * {@link InvalidArgumentException}: an argument, address, option or configuration is invalid;
     * nothing was sent.
     */
    INVALID_ARGUMENT,
    /**
     * {@link UnsupportedCapabilityException}: the device or outlet cannot do this; nothing was
     * sent.
     */
    UNSUPPORTED,
    /**
     * {@link DeviceRejectedException}: the device answered with an error or something unexpected.
     */
    REJECTED,
    /** {@link LoginDeniedException}: the device or its gateway refused the credentials. */
    LOGIN_DENIED,
    /**
     * {@link StateNotConfirmedException}: the device accepted a command but then reported another
     * state.
     */
    NOT_CONFIRMED,
    /** {@link DeviceTimeoutException}: no (complete) answer within the command's timeout. */
    TIMEOUT,
    /** {@link LinkLostException}: the link went down before the command completed. */
    LINK_LOST,
    /** {@link DeviceUnreachableException}: the link could not be opened. */
    UNREACHABLE,
    /** {@link DeviceBusyException}: the command queue is full or the device said it is busy. */
    BUSY,
    /** {@link ProtocolException}: the device sent something that breaks the protocol. */
    PROTOCOL,
    /** {@link DeviceClosedException}: the device was closed before or while the call ran. */
    CLOSED,
    /**
     * A {@link PowerDeviceException} of no narrower kind (the root class itself): e.g. the runtime
     * could not be built, or a plugin failed to load.
     */
    FAILED,
    /**
     * Not a {@link PowerDeviceException} but a {@link CancellationException}: the caller cancelled.
     */
    CANCELLED,
    /**
     * Any other throwable, or none: not a failure pdu4j describes (a bug, an error thrown by a
     * listener or a plugin).
     */
    INTERNAL;

    /** The stable lower-case form, e.g. {@code not_confirmed}, for JSON bodies and metric tags. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Kind kind;
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
    this(Kind.FAILED, message, device, sent, received, cause);
  }

  /** The constructor of the subclasses, each of which passes its own kind. */
  PowerDeviceException(
      Kind kind, String message, String device, String sent, String received, Throwable cause) {
    super(compose(message, device, sent, received), cause);
    this.kind = kind;
    this.device = device;
    this.sent = sent;
    this.received = received;
  }

  /** What this failure means; fixed by the exception's class. */
  public final Kind kind() {
    return kind;
  }

  /**
   * The kind of any failure: {@link CompletionException} and {@link ExecutionException} wrappers
   * are looked through; a {@link PowerDeviceException} gives its {@link #kind()}, a {@link
   * CancellationException} {@link Kind#CANCELLED}, anything else (and null) {@link Kind#INTERNAL}.
   */
  public static Kind kindOf(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof PowerDeviceException e) {
      return e.kind();
    }
    if (t instanceof CancellationException) {
      return Kind.CANCELLED;
    }
    return Kind.INTERNAL;
  }

  /**
   * The failure behind {@link CompletionException} and {@link ExecutionException} wrappers (a
   * wrapper without a cause is returned as it is); null for null.
   */
  public static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
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
