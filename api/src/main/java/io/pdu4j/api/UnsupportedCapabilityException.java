package io.pdu4j.api;

/** The device or outlet lacks the capability the call needs; nothing was sent. */
public class UnsupportedCapabilityException extends PowerDeviceException {
  private static final long serialVersionUID = 1L;

  /** An error with a message only. */
  public UnsupportedCapabilityException(String message) {
    super(Kind.UNSUPPORTED, message, null, null, null, null);
  }

  /** An error with a message and a cause. */
  public UnsupportedCapabilityException(String message, Throwable cause) {
    super(Kind.UNSUPPORTED, message, null, null, null, cause);
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
  public UnsupportedCapabilityException(
      String message, String device, String sent, String received, Throwable cause) {
    super(Kind.UNSUPPORTED, message, device, sent, received, cause);
  }
}
