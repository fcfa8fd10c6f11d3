package io.pdu4j.api;

/**
 * The device answered with an error or an unexpected reply; {@link #received()} holds its raw text.
 */
public class DeviceRejectedException extends PowerDeviceException {
  private static final long serialVersionUID = 1L;

  /** An error with a message only. */
  public DeviceRejectedException(String message) {
    super(Kind.REJECTED, message, null, null, null, null);
  }

  /** An error with a message and a cause. */
  public DeviceRejectedException(String message, Throwable cause) {
    super(Kind.REJECTED, message, null, null, null, cause);
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
  public DeviceRejectedException(
      String message, String device, String sent, String received, Throwable cause) {
    super(Kind.REJECTED, message, device, sent, received, cause);
  }

  /** For {@link LoginDeniedException}, a rejection of a kind of its own. */
  DeviceRejectedException(
      Kind kind, String message, String device, String sent, String received, Throwable cause) {
    super(kind, message, device, sent, received, cause);
  }
}
