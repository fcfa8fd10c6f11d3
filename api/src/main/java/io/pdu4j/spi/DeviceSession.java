package io.pdu4j.spi;

import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ScheduleRule;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.support.CommandQueue;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a driver writes for one device: the protocol, and nothing of what a user sees. pdu4j builds
 * the {@link io.pdu4j.api.PowerDevice} and its {@link io.pdu4j.api.Outlet}s around it (listeners,
 * events, the connection state machine, the ready timeout, reconnecting with backoff, polling,
 * closing, outlet lookup, argument checks, unsupported capabilities, command timing), opens and
 * reopens the {@link Link}, and hands the session what the link delivers.
 *
 * <p>Threading: pdu4j calls every method on the device's thread ({@link DriverContext#executor()}),
 * one at a time, and the session reports through its {@link DeviceSink} from that thread; so a
 * session keeps its state in plain fields and takes no locks. (The one exception is one a session
 * asks for: {@link #switchesFromAnyThread()}.) Never block in a method: return a stage and complete
 * it when the device answers.
 *
 * <p>Life: created by {@link PowerDriver#session(DriverContext)} (no I/O), then {@link
 * #start(DeviceSink)}, then, each time the link comes up, {@link #linkUp()}, the link's data, and
 * {@link #linkDown}; finally {@link #shutdown()}. The device is ready (its open completes) at the
 * first {@link DeviceSink#status} after {@link #linkUp()}.
 *
 * <p>Commands: pdu4j calls a command method only when the device has the capability it needs
 * ({@link #capabilities()}) and its arguments are valid (an outlet the last status listed, a state
 * ON or OFF, a duration within bounds), so a session does not check them again. A command's stage
 * completes only with what the device said: a switch completes once a status shows the outlet in
 * the new state, and fails with {@link io.pdu4j.api.StateNotConfirmedException} when it shows
 * another. Report every status (asked for or pushed) to the sink as well: pdu4j derives the
 * outlets, the events and the readings from those reports alone. Failures are {@link
 * PowerDeviceException}s; pdu4j treats anything else a session throws as a driver bug, fails the
 * command with it and logs it.
 *
 * <p>Cancellation: when a user cancels a command's stage, pdu4j cancels the stage the session
 * returned; a session built on {@link CommandQueue} then drops the command if it was not sent yet.
 */
public interface DeviceSession {

  /**
   * What the device is, as far as the driver knows before it answered; called once, before {@link
   * #start}. Later knowledge (a serial number the device reported) goes to {@link DeviceSink#info}.
   */
  DeviceInfo describe();

  /** What the device can do; called once, before {@link #start}. */
  Set<DeviceCapability> capabilities();

  /**
   * How often pdu4j should ask for a status ({@link #refresh()}) when the address gives no {@code
   * poll} option: empty (the default) for a device that pushes, or that the session polls itself.
   *
   * @param linkCarriesPushes what {@link Link#carriesUnsolicited()} says of this device's link
   */
  default Optional<Duration> pollInterval(boolean linkCarriesPushes) {
    return Optional.empty();
  }

  /**
   * The link pdu4j opens for this session: the one it was given (the default), or one the driver
   * layers over it where the device speaks through a session protocol of its own that the driver
   * already has as a {@link Link} (the Extron relays speak SIS over the gateway's Telnet link).
   * Called once, before {@link #start}.
   */
  default Link link(Link given) {
    return given;
  }

  /** Keeps the sink; the link is not open yet. Called once. */
  void start(DeviceSink sink);

  /**
   * The link is up: greet the device if it needs that. pdu4j then asks for the status ({@link
   * #refresh()}, when the device has {@link DeviceCapability#STATUS}): the open completes with it,
   * or fails with its failure. A session that reports a status to the sink from this method (a
   * device that only listens, whose status is what it heard so far) is not asked: that status makes
   * the device ready.
   */
  void linkUp();

  /**
   * Bytes arrived on a stream link; valid only during the call. See {@link
   * LinkListener#onData(ByteBuffer)}.
   */
  default void onData(ByteBuffer data) {}

  /** A datagram arrived on a datagram link. */
  default void onDatagram(Datagram datagram) {}

  /**
   * The link went down: fail whatever waits for the device (with {@code cause}, or a {@link
   * io.pdu4j.api.LinkLostException}) and forget partial input. pdu4j reopens the link later.
   */
  void linkDown(PowerDeviceException cause);

  /** Asks for the status; completes with it ({@link DeviceCapability#STATUS}). */
  CompletionStage<DeviceStatus> refresh();

  /**
   * Switches one outlet ({@link DeviceCapability#SWITCH}); completes with the outlet's status once
   * the device reported it in {@code state}.
   *
   * @param outlet an outlet of the last status, switchable
   * @param state ON or OFF
   */
  CompletionStage<OutletStatus> switchOutlet(int outlet, OutletState state);

  /**
   * Whether pdu4j may call {@link #switchOutlet}, {@link #switchAll} and {@link
   * #notSwitchableReason} on the thread that asked for the switch instead of on the device's
   * thread. Default false. Say true only for a session whose those methods read nothing but final
   * fields and hand the command to a {@link io.pdu4j.spi.support.CommandQueue} (whose {@code
   * submit} is thread-safe): with {@link io.pdu4j.spi.support.CommandQueue#sendFromCaller()}, an
   * idle device's switch is then written by the caller's thread at once, instead of waking the
   * device's thread to write it (a blocked caller's switch saves a thread hand-off, a good part of
   * a fast device's round trip). Everything else stays on the device's thread.
   */
  default boolean switchesFromAnyThread() {
    return false;
  }

  /**
   * Why an outlet that the last status lists without {@link
   * io.pdu4j.api.OutletCapability#SWITCHABLE} cannot be switched, for the error pdu4j fails a
   * switch or cycle of it with (nothing is sent). Default: it only meters.
   */
  default String notSwitchableReason(int outlet) {
    return "it only meters";
  }

  /**
   * Switches every outlet in one command ({@link DeviceCapability#SWITCH_ALL}); completes with the
   * first status after the device accepted it.
   */
  default CompletionStage<DeviceStatus> switchAll(OutletState state) {
    return unsupported(DeviceCapability.SWITCH_ALL);
  }

  /**
   * Switches an outlet off, and on again after {@code offTime}, with nothing else sent between
   * ({@link DeviceCapability#CYCLE}).
   *
   * @param offTime positive and at most an hour, or null for the outlet's own reset delay
   */
  default CompletionStage<OutletStatus> cycle(int outlet, Duration offTime) {
    return unsupported(DeviceCapability.CYCLE);
  }

  /** Reads an outlet's stored settings ({@link DeviceCapability#OUTLET_CONFIG}). */
  default CompletionStage<OutletConfig> outletConfig(int outlet) {
    return unsupported(DeviceCapability.OUTLET_CONFIG);
  }

  /** Writes an outlet's stored settings ({@link DeviceCapability#OUTLET_CONFIG}). */
  default CompletionStage<Void> configureOutlet(int outlet, OutletConfig config) {
    return unsupported(DeviceCapability.OUTLET_CONFIG);
  }

  /** Restarts the device ({@link DeviceCapability#RESTART}). */
  default CompletionStage<Void> restart() {
    return unsupported(DeviceCapability.RESTART);
  }

  /** Reads the device's clock ({@link DeviceCapability#CLOCK_READ}). */
  default CompletionStage<DeviceClock.Reading> readClock() {
    return unsupported(DeviceCapability.CLOCK_READ);
  }

  /** Sets the device's clock ({@link DeviceCapability#CLOCK_SET}). */
  default CompletionStage<Void> setClock(LocalDateTime time) {
    return unsupported(DeviceCapability.CLOCK_SET);
  }

  /** Reads the stored schedule ({@link DeviceCapability#SCHEDULER}). */
  default CompletionStage<List<ScheduleRule>> scheduleRules() {
    return unsupported(DeviceCapability.SCHEDULER);
  }

  /** Adds a rule; completes with the stored rules ({@link DeviceCapability#SCHEDULER}). */
  default CompletionStage<List<ScheduleRule>> addScheduleRule(ScheduleRule rule) {
    return unsupported(DeviceCapability.SCHEDULER);
  }

  /** Replaces every rule; completes with the stored rules ({@link DeviceCapability#SCHEDULER}). */
  default CompletionStage<List<ScheduleRule>> replaceSchedule(List<ScheduleRule> rules) {
    return unsupported(DeviceCapability.SCHEDULER);
  }

  /** Removes every rule ({@link DeviceCapability#SCHEDULER}). */
  default CompletionStage<Void> clearSchedule() {
    return unsupported(DeviceCapability.SCHEDULER);
  }

  /**
   * The device is closing: fail what is pending with {@link io.pdu4j.api.DeviceClosedException} and
   * stop timers. pdu4j closes the link afterwards. Called once.
   */
  void shutdown();

  private static <T> CompletionStage<T> unsupported(DeviceCapability capability) {
    return CompletableFuture.failedFuture(
        new UnsupportedCapabilityException("the driver does not implement " + capability));
  }
}
