package io.pdu4j.api;

/**
 * The device's command queue is full, or the device said it is busy; nothing was lost, retry later.
 */
public class DeviceBusyException extends PowerDeviceException {
  private static final long serialVersionUID = 1L;

  /** An error with a message only. */
  public DeviceBusyException(String message) {
    super(Kind.BUSY, message, null, null, null, null);
  }

  /** An error with a message and a cause. */
  public DeviceBusyException(String message, Throwable cause) {
    super(Kind.BUSY, message, null, null, null, cause);
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
  public DeviceBusyException(
      String message, String device, String sent, String received, Throwable cause) {
    super(Kind.BUSY, message, device, sent, received, cause);
  }
}
