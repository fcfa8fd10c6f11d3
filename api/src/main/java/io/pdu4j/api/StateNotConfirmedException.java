package io.pdu4j.api;

/** The device accepted a switch but then reported another state than the one asked for. */
public class StateNotConfirmedException extends PowerDeviceException {
  private static final long serialVersionUID = 1L;

  /** An error with a message only. */
  public StateNotConfirmedException(String message) {
    super(Kind.NOT_CONFIRMED, message, null, null, null, null);
  }

  /** An error with a message and a cause. */
  public StateNotConfirmedException(String message, Throwable cause) {
    super(Kind.NOT_CONFIRMED, message, null, null, null, cause);
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
  public StateNotConfirmedException(
      String message, String device, String sent, String received, Throwable cause) {
    super(Kind.NOT_CONFIRMED, message, device, sent, received, cause);
  }
}
