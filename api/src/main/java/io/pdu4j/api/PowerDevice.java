package io.pdu4j.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A power device: a PDU, a smart-socket controller, an energy meter or a gateway's relays.
 *
 * <p>Obtain one from the runtime ({@code PowerRuntime.open(uri)}). Every I/O method returns a
 * {@link CompletionStage} that completes exactly once, with its result or with a {@link
 * PowerDeviceException}; arguments are validated before anything is sent. Commands to one device
 * run one at a time in the order they were issued. Stages complete, and listeners run, on the
 * device's own I/O thread: do not block in a callback; use the {@code *Async} variants of {@link
 * CompletionStage} to move heavy work elsewhere.
 *
 * <p>The I/O methods (those returning a {@link CompletionStage}, here and on {@link Outlet}, {@link
 * Scheduler} and {@link DeviceClock}) never throw: invalid arguments fail the stage with {@link
 * InvalidArgumentException} and nothing is sent; a capability the device lacks fails it with {@link
 * UnsupportedCapabilityException}. Plain lookups that return no stage, such as {@link
 * #outlet(int)}, throw {@link InvalidArgumentException} as documented on each.
 *
 * <p>Cancelling a returned stage ({@code toCompletableFuture().cancel(..)}) completes that stage
 * with a {@link java.util.concurrent.CancellationException} and nothing else; it never takes back
 * what was sent. A command still waiting in the device's queue behind others may be dropped unsent;
 * one already sent (and, for drivers that compose a call of several commands, the rest of the call)
 * runs to its end, its reply is read so that it is not taken for the next command's, and its result
 * is discarded. So a cancelled switch may still switch the outlet: refresh to see what the device
 * did. The device stays usable after a cancellation.
 *
 * <p>Methods are safe to call from any thread. Implemented by pdu4j only ({@link DoNotImplement}):
 * it may gain methods in a minor release.
 */
@DoNotImplement
public interface PowerDevice extends AutoCloseable {

  /** What this device is and where it is. */
  DeviceInfo info();

  /** What this device can do; stable for the life of this object. */
  Set<DeviceCapability> capabilities();

  /** Whether this device has the given capability. */
  default boolean has(DeviceCapability capability) {
    return capabilities().contains(capability);
  }

  /**
   * The outlets known so far, in number order. For PDUs this is fixed once the device has answered;
   * devices that discover outlets (smart-socket controllers) add to it as they report.
   */
  List<Outlet> outlets();

  /**
   * The outlet with this number.
   *
   * @throws InvalidArgumentException when the device has no such outlet (the message lists the
   *     numbers it has)
   */
  Outlet outlet(int number);

  /** Asks the device for its status now; completes with what it reported. */
  CompletionStage<DeviceStatus> refresh();

  /**
   * The latest status the device reported, whether asked for or pushed; empty before the first.
   * Check {@link DeviceStatus#receivedAt()} for its age.
   */
  Optional<DeviceStatus> lastStatus();

  /**
   * Switches every outlet on or off in one command, where the device has one ({@link
   * DeviceCapability#SWITCH_ALL}); completes with the first status the device reports after it
   * accepted the command.
   *
   * @param state {@link OutletState#ON} or {@link OutletState#OFF}; another value (UNKNOWN, null)
   *     fails the stage with {@link InvalidArgumentException}, unsent
   */
  CompletionStage<DeviceStatus> switchAll(OutletState state);

  /** Restarts the device itself ({@link DeviceCapability#RESTART}). */
  CompletionStage<Void> restart();

  /** The device's schedule store, where it has one. */
  Optional<Scheduler> scheduler();

  /** The device's clock, where it has one. */
  Optional<DeviceClock> clock();

  /**
   * Registers a listener for status updates, outlet changes and connection changes. Listeners run
   * on the device's I/O thread, in registration order; an exception thrown by one is logged and
   * does not reach the others.
   *
   * @return a handle whose {@link Subscription#close()} removes the listener
   */
  Subscription subscribe(DeviceListener listener);

  /**
   * Registers a listener for some kinds of event only: those that are instances of one of {@code
   * kinds} ({@code Set.of(DeviceEvent.Connection.class)} for connection changes, {@code
   * DeviceEvent.class} for all). Otherwise as {@link #subscribe(DeviceListener)}. The device does
   * not offer it the other events at all, so a listener of connection changes costs a device that
   * reports a status every second nothing for each of them; this default filters the events of
   * {@link #subscribe(DeviceListener)}, and pdu4j's own devices keep such a listener off the events
   * it does not want.
   *
   * @throws InvalidArgumentException when {@code kinds} takes in no kind of event ({@link
   *     DeviceEvent#checkKinds(Set)})
   * @return a handle whose {@link Subscription#close()} removes the listener
   */
  default Subscription subscribe(
      Set<? extends Class<? extends DeviceEvent>> kinds, DeviceListener listener) {
    Objects.requireNonNull(listener, "listener");
    List<Class<? extends DeviceEvent>> wanted = List.copyOf(DeviceEvent.checkKinds(kinds));
    return subscribe(
        event -> {
          for (Class<? extends DeviceEvent> k : wanted) {
            if (k.isInstance(event)) {
              listener.onEvent(event);
              return;
            }
          }
        });
  }

  /** Where the connection stands now. */
  ConnectionState connectionState();

  /**
   * Closes the device: commands not yet completed fail with {@link DeviceClosedException}, the link
   * is closed, listeners receive a final {@link ConnectionState#CLOSED}. Idempotent; does not block
   * for longer than it takes to close the link.
   */
  @Override
  void close();
}
