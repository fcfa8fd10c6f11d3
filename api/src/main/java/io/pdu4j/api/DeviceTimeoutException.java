package io.pdu4j.api;

/** The device did not answer (completely) within the command's timeout. */
public class DeviceTimeoutException extends PowerDeviceException {
  private static final long serialVersionUID = 1L;

  /** An error with a message only. */
  public DeviceTimeoutException(String message) {
    super(Kind.TIMEOUT, message, null, null, null, null);
  }

  /** An error with a message and a cause. */
  public DeviceTimeoutException(String message, Throwable cause) {
    super(Kind.TIMEOUT, message, null, null, null, cause);
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
  public DeviceTimeoutException(
      String message, String device, String sent, String received, Throwable cause) {
    super(Kind.TIMEOUT, message, device, sent, received, cause);
  }
}
