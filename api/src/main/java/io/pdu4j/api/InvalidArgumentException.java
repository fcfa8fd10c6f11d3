package io.pdu4j.api;

/** An argument (outlet number, name, address, option) is invalid; nothing was sent. */
public class InvalidArgumentException extends PowerDeviceException {
  private static final long serialVersionUID = 1L;

  /** An error with a message only. */
  public InvalidArgumentException(String message) {
    super(Kind.INVALID_ARGUMENT, message, null, null, null, null);
  }

  /** An error with a message and a cause. */
  public InvalidArgumentException(String message, Throwable cause) {
    super(Kind.INVALID_ARGUMENT, message, null, null, null, cause);
  }

  /**
   * An error about a device exchange; see {@link PowerDeviceException}.
   *
   * @param message what went wrong
   * @param device the device's redacted address, or null
   * @param sent what was sent, or null
   * @param received what came back, or null
   * @param cause the cause, or null
   */
  public InvalidArgumentException(
      String message, String device, String sent, String received, Throwable cause) {
    super(Kind.INVALID_ARGUMENT, message, device, sent, received, cause);
  }
}
