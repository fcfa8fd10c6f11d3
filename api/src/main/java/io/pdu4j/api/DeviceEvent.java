package io.pdu4j.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Something that happened on a device. A sealed family: switch over it.
 *
 * <p>Every event carries the device's redacted address and the host time it happened.
 */
public sealed interface DeviceEvent {

  /** The device's address, secrets redacted. */
  String device();

  /** When the host observed the event. */
  Instant at();

  /**
   * Checks the kinds of event a listener asks for ({@link PowerDevice#subscribe(Set,
   * DeviceListener)}): each a class of events, {@code DeviceEvent.class} itself for all of them,
   * and at least one.
   *
   * @param kinds the kinds asked for
   * @return {@code kinds}, as given
   * @throws NullPointerException when {@code kinds} or one of its elements is null
   * @throws InvalidArgumentException when {@code kinds} is empty, or holds a class that is not one
   *     of device events (possible only through an unchecked cast)
   */
  static <S extends Set<? extends Class<? extends DeviceEvent>>> S checkKinds(S kinds) {
    Objects.requireNonNull(kinds, "kinds");
    if (kinds.isEmpty()) {
      throw new InvalidArgumentException(
          "a listener needs at least one kind of device event, got " + kinds);
    }
    for (Class<?> k : kinds) {
      Objects.requireNonNull(k, "kinds holds a null");
      if (!DeviceEvent.class.isAssignableFrom(k)) {
        throw new InvalidArgumentException("not a kind of device event: " + k.getName());
      }
    }
    return kinds;
  }

  /**
   * The device reported a status, whether asked for or pushed. Each report is a new {@link
   * DeviceStatus}; its outlets that did not change may be the same instances as in the one before
   * ({@link OutletStatus}).
   */
  record StatusReported(String device, Instant at, DeviceStatus status) implements DeviceEvent {
    /** Validates that nothing is null. */
    public StatusReported {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(status, "status");
    }
  }

  /**
   * An outlet's reported state changed (from UNKNOWN too). Power and voltage changes alone do not
   * produce this event; read them from {@link StatusReported}.
   */
  record OutletChanged(String device, Instant at, OutletState previous, OutletStatus current)
      implements DeviceEvent {
    /** Validates that nothing is null. */
    public OutletChanged {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(previous, "previous");
      Objects.requireNonNull(current, "current");
    }
  }

  /**
   * An outlet became known: devices that discover outlets as they report, or a unit at the address
   * that now has more outlets than before.
   */
  record OutletAdded(String device, Instant at, OutletStatus outlet) implements DeviceEvent {
    /** Validates that nothing is null. */
    public OutletAdded {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(outlet, "outlet");
    }
  }

  /**
   * An outlet is no longer there: the unit at the address now has fewer outlets (e.g. an 8-outlet
   * unit took the place of a 16-outlet one). {@code outlet} is the outlet as last known, its state
   * {@link OutletState#UNKNOWN}. An outlet that comes back is reported with {@link OutletAdded}.
   */
  record OutletRemoved(String device, Instant at, OutletStatus outlet) implements DeviceEvent {
    /** Validates that nothing is null. */
    public OutletRemoved {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(outlet, "outlet");
    }
  }

  /**
   * The connection changed state; {@code reason} says why it went offline (for people), {@code
   * problem} what kind of trouble it is (for programs and metrics).
   *
   * <p>{@code problem} is present exactly when {@code current} is {@link ConnectionState#OFFLINE}:
   * an OFFLINE event built without one gets {@link ConnectionProblem#COMMUNICATION_ERROR}.
   */
  record Connection(
      String device,
      Instant at,
      ConnectionState previous,
      ConnectionState current,
      Optional<String> reason,
      Optional<ConnectionProblem> problem)
      implements DeviceEvent {
    /**
     * Validates that nothing is null and that only an OFFLINE event carries a problem.
     *
     * @throws InvalidArgumentException when a problem is given for a state other than OFFLINE
     */
    public Connection {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(previous, "previous");
      Objects.requireNonNull(current, "current");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(problem, "problem");
      if (current == ConnectionState.OFFLINE) {
        if (problem.isEmpty()) {
          problem = Optional.of(ConnectionProblem.COMMUNICATION_ERROR);
        }
      } else if (problem.isPresent()) {
        throw new InvalidArgumentException(
            "a connection problem goes with OFFLINE only, not with " + current);
      }
    }

    /**
     * An event whose problem, when {@code current} is OFFLINE, is {@link
     * ConnectionProblem#COMMUNICATION_ERROR}.
     */
    public Connection(
        String device,
        Instant at,
        ConnectionState previous,
        ConnectionState current,
        Optional<String> reason) {
      this(device, at, previous, current, reason, Optional.empty());
    }

    /**
     * An event for a change caused by {@code cause}: its message is the reason and, when {@code
     * current} is OFFLINE, {@link ConnectionProblem#of(Throwable)} the problem.
     */
    public static Connection causedBy(
        String device,
        Instant at,
        ConnectionState previous,
        ConnectionState current,
        Throwable cause) {
      return new Connection(
          device,
          at,
          previous,
          current,
          Optional.ofNullable(cause).map(Throwable::getMessage),
          current == ConnectionState.OFFLINE
              ? Optional.of(ConnectionProblem.of(cause))
              : Optional.empty());
    }
  }
}
