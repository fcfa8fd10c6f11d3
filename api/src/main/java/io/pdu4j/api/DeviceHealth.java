package io.pdu4j.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a supervised device stands: its connection state, why it is offline, and since when.
 * openHAB's {@code ThingStatus} with its detail.
 *
 * @param state the connection state; CONNECTING also before the device was first opened
 * @param problem why the device is OFFLINE, present exactly when it is
 * @param message what went wrong, for people (the failure's message, secrets redacted)
 * @param since when the device entered this state, problem and message
 */
public record DeviceHealth(
    ConnectionState state,
    Optional<ConnectionProblem> problem,
    Optional<String> message,
    Instant since) {

  /**
   * Validates; an OFFLINE health without a problem gets {@link
   * ConnectionProblem#COMMUNICATION_ERROR}.
   *
   * @throws InvalidArgumentException when a problem is given for a state other than OFFLINE
   */
  public DeviceHealth {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(since, "since");
    if (state == ConnectionState.OFFLINE) {
      if (problem.isEmpty()) {
        problem = Optional.of(ConnectionProblem.COMMUNICATION_ERROR);
      }
    } else if (problem.isPresent()) {
      throw new InvalidArgumentException(
          "a connection problem goes with OFFLINE only, not with " + state);
    }
  }

  /** A health with no problem and no message. */
  public static DeviceHealth of(ConnectionState state, Instant since) {
    return new DeviceHealth(state, Optional.empty(), Optional.empty(), since);
  }

  /** OFFLINE because of {@code failure}: {@link ConnectionProblem#of} it, with its message. */
  public static DeviceHealth offline(Throwable failure, Instant since) {
    return new DeviceHealth(
        ConnectionState.OFFLINE,
        Optional.of(ConnectionProblem.of(failure)),
        Optional.ofNullable(failure).map(Throwable::getMessage),
        since);
  }

  /** The health a connection event reports. */
  public static DeviceHealth of(DeviceEvent.Connection event) {
    return new DeviceHealth(event.current(), event.problem(), event.reason(), event.at());
  }

  /** Whether the device is connected. */
  public boolean isConnected() {
    return state == ConnectionState.CONNECTED;
  }

  /** Whether this and {@code other} say the same, whatever their times. */
  public boolean sameAs(DeviceHealth other) {
    return other != null
        && state == other.state
        && problem.equals(other.problem)
        && message.equals(other.message);
  }
}
