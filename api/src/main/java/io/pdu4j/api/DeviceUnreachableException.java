package io.pdu4j.api;

/** The link to the device could not be opened (connection refused, no route, connect timeout). */
public class DeviceUnreachableException extends PowerDeviceException {
  private static final long serialVersionUID = 1L;

  /** An error with a message only. */
  public DeviceUnreachableException(String message) {
    super(Kind.UNREACHABLE, message, null, null, null, null);
  }

  /** An error with a message and a cause. */
  public DeviceUnreachableException(String message, Throwable cause) {
    super(Kind.UNREACHABLE, message, null, null, null, cause);
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
  public DeviceUnreachableException(
      String message, String device, String sent, String received, Throwable cause) {
    super(Kind.UNREACHABLE, message, device, sent, received, cause);
  }
}
