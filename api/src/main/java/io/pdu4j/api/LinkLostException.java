package io.pdu4j.api;

/**
 * The link to the device went down (reset, end of stream, port gone) before the command completed.
 */
public class LinkLostException extends PowerDeviceException {
  private static final long serialVersionUID = 1L;

  /** An error with a message only. */
  public LinkLostException(String message) {
    super(Kind.LINK_LOST, message, null, null, null, null);
  }

  /** An error with a message and a cause. */
  public LinkLostException(String message, Throwable cause) {
    super(Kind.LINK_LOST, message, null, null, null, cause);
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
  public LinkLostException(
      String message, String device, String sent, String received, Throwable cause) {
    super(Kind.LINK_LOST, message, device, sent, received, cause);
  }
}
