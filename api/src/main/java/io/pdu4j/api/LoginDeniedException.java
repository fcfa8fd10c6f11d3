package io.pdu4j.api;

/**
 * The device (or the gateway in front of it) refused the credentials: no password where one is
 * asked for, or a wrong one. A {@link DeviceRejectedException} whose connection problem is {@link
 * ConnectionProblem#LOGIN_DENIED}; the password itself never appears in it.
 */
public class LoginDeniedException extends DeviceRejectedException {
  private static final long serialVersionUID = 1L;

  /** An error with a message only. */
  public LoginDeniedException(String message) {
    super(Kind.LOGIN_DENIED, message, null, null, null, null);
  }

  /**
   * An error about a login exchange; see {@link PowerDeviceException}.
   *
   * @param message what went wrong
   * @param device the device's redacted address, or null
   * @param sent what was sent (never the password itself), or null
   * @param received what came back, or null
   * @param cause the cause, or null
   */
  public LoginDeniedException(
      String message, String device, String sent, String received, Throwable cause) {
    super(Kind.LOGIN_DENIED, message, device, sent, received, cause);
  }
}
