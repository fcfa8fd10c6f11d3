package io.pdu4j.api;

/** The device sent something that breaks the protocol (malformed or over-long frame). */
public class ProtocolException extends PowerDeviceException {
  private static final long serialVersionUID = 1L;

  /** An error with a message only. */
  public ProtocolException(String message) {
    super(Kind.PROTOCOL, message, null, null, null, null);
  }

  /** An error with a message and a cause. */
  public ProtocolException(String message, Throwable cause) {
    super(Kind.PROTOCOL, message, null, null, null, cause);
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
  public ProtocolException(
      String message, String device, String sent, String received, Throwable cause) {
    super(Kind.PROTOCOL, message, device, sent, received, cause);
  }
}
