package io.pdu4j.api;

/** The device was closed before the call completed, or the call was made after close. */
public class DeviceClosedException extends PowerDeviceException {
  private static final long serialVersionUID = 1L;

  /** An error with a message only. */
  public DeviceClosedException(String message) {
    super(Kind.CLOSED, message, null, null, null, null);
  }

  /** An error with a message and a cause. */
  public DeviceClosedException(String message, Throwable cause) {
    super(Kind.CLOSED, message, null, null, null, cause);
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
  public DeviceClosedException(
      String message, String device, String sent, String received, Throwable cause) {
    super(Kind.CLOSED, message, device, sent, received, cause);
  }
}
