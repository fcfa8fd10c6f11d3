package io.pdu4j.api;

import java.time.Duration;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One outlet (or meter channel) of a {@link PowerDevice}.
 *
 * <p>The readings ({@link #state()}, {@link #power()}, {@link #voltage()}) are what the device last
 * reported, never what pdu4j expects after a command. The switching methods complete only when the
 * device has both accepted the command and reported the new state; if the device reports another
 * state they fail with {@link StateNotConfirmedException}.
 *
 * <p>Its I/O methods (those returning a {@link CompletionStage}) never throw: an invalid argument
 * fails the stage with {@link InvalidArgumentException} before anything is sent, a missing
 * capability with {@link UnsupportedCapabilityException}. Cancelling a stage is described on {@link
 * PowerDevice}.
 *
 * <p>Implemented by pdu4j only ({@link DoNotImplement}): it may gain methods in a minor release.
 */
@DoNotImplement
public interface Outlet {

  /** The outlet's number, 1-based, stable for the life of the device. */
  int number();

  /** A stable identity within the device (see {@link OutletStatus#id()}). */
  String id();

  /** The outlet's name as the device reports it, or {@code Outlet N}. */
  String name();

  /** What this outlet can do. */
  Set<OutletCapability> capabilities();

  /** The last reported snapshot of this outlet. */
  OutletStatus status();

  /** The last reported state; {@link OutletState#UNKNOWN} before the first report. */
  default OutletState state() {
    return status().state();
  }

  /** The last reported power in watts. */
  default OptionalDouble power() {
    return status().power();
  }

  /** The last reported voltage in volts. */
  default OptionalDouble voltage() {
    return status().voltage();
  }

  /**
   * Switches the outlet on. Completes with the outlet's status from the first report after the
   * device accepted the command, once that report shows the outlet ON.
   */
  CompletionStage<OutletStatus> switchOn();

  /** Switches the outlet off; completes as {@link #switchOn()} does, with the outlet OFF. */
  CompletionStage<OutletStatus> switchOff();

  /**
   * Switches to {@code state}, which must be {@link OutletState#ON} or {@link OutletState#OFF}; any
   * other value (UNKNOWN, null) fails the stage with {@link InvalidArgumentException}, unsent.
   */
  default CompletionStage<OutletStatus> switchTo(OutletState state) {
    if (state == null) {
      return CompletableFuture.failedFuture(
          new InvalidArgumentException("a state is required: ON or OFF"));
    }
    return switch (state) {
      case ON -> switchOn();
      case OFF -> switchOff();
      case UNKNOWN ->
          CompletableFuture.failedFuture(
              new InvalidArgumentException("cannot switch an outlet to UNKNOWN; use ON or OFF"));
    };
  }

  /**
   * Switches off, waits {@code offTime}, switches on, each step confirmed by the device. Nothing
   * else is sent to the device between the off and the on.
   *
   * @param offTime how long to stay off, or {@code null} for the outlet's own reset delay
   */
  CompletionStage<OutletStatus> cycle(Duration offTime);

  /** Reads the outlet's stored settings ({@link DeviceCapability#OUTLET_CONFIG}). */
  CompletionStage<OutletConfig> config();

  /** Writes the outlet's stored settings ({@link DeviceCapability#OUTLET_CONFIG}). */
  CompletionStage<Void> configure(OutletConfig config);
}
