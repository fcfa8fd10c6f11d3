package io.pdu4j.spi.internal;

import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.Durations;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.support.Freshness;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * One outlet of a {@link ManagedDevice}: its readings are those of the device's last status while
 * that still counts (UNKNOWN otherwise), and its commands are checked here before the session sees
 * them. The same object serves for the life of the device, also across a unit that lost and
 * regained the outlet.
 */
final class ManagedOutlet implements Outlet {
  /** The longest off time of a cycle. */
  static final Duration MAX_OFF_TIME = Duration.ofHours(1);

  private final ManagedDevice device;
  private final int number;

  ManagedOutlet(ManagedDevice device, int number) {
    this.device = device;
    this.number = number;
  }

  @Override
  public int number() {
    return number;
  }

  @Override
  public String id() {
    return status().id();
  }

  @Override
  public String name() {
    return status().name();
  }

  @Override
  public Set<OutletCapability> capabilities() {
    return status().capabilities();
  }

  @Override
  public OutletStatus status() {
    DeviceStatus last = device.last();
    OutletStatus reported = last == null ? null : last.outlet(number).orElse(null);
    if (reported == null) {
      return new OutletStatus(
          number,
          Integer.toString(number),
          "Outlet " + number,
          OutletState.UNKNOWN,
          OptionalDouble.empty(),
          OptionalDouble.empty(),
          Set.of());
    }
    return Freshness.effective(reported, device.current());
  }

  @Override
  public CompletionStage<OutletStatus> switchOn() {
    return switchTo(OutletState.ON);
  }

  @Override
  public CompletionStage<OutletStatus> switchOff() {
    return switchTo(OutletState.OFF);
  }

  @Override
  public CompletionStage<OutletStatus> switchTo(OutletState state) {
    String name = state == OutletState.ON ? "switch_on" : "switch_off";
    if (state == null || state == OutletState.UNKNOWN) {
      return device.refused(name, invalid("cannot switch an outlet to " + state));
    }
    return device.command(
        name,
        DeviceCapability.SWITCH,
        true,
        () -> switchable(() -> device.session().switchOutlet(number, state)));
  }

  @Override
  public CompletionStage<OutletStatus> cycle(Duration offTime) {
    if (offTime != null
        && (offTime.isNegative() || offTime.isZero() || offTime.compareTo(MAX_OFF_TIME) > 0)) {
      return device.refused(
          "cycle",
          invalid(
              "off time must be more than 0 and at most "
                  + Durations.format(MAX_OFF_TIME)
                  + ", got "
                  + (offTime.isNegative() ? offTime.toString() : Durations.format(offTime))));
    }
    return device.command(
        "cycle",
        DeviceCapability.CYCLE,
        () -> switchable(() -> device.session().cycle(number, offTime)));
  }

  @Override
  public CompletionStage<OutletConfig> config() {
    return device.command(
        "config",
        DeviceCapability.OUTLET_CONFIG,
        () -> checked(() -> device.session().outletConfig(number)));
  }

  @Override
  public CompletionStage<Void> configure(OutletConfig config) {
    if (config == null) {
      return device.refused("configure", invalid("outlet settings must not be null"));
    }
    return device.command(
        "configure",
        DeviceCapability.OUTLET_CONFIG,
        () -> checked(() -> device.session().configureOutlet(number, config)));
  }

  /**
   * Runs the session's command only while the device still has this outlet (checked on the device's
   * thread, against the status the session will act on).
   */
  private <T> CompletionStage<T> checked(java.util.function.Supplier<CompletionStage<T>> call) {
    if (!device.hasOutlet(number)) {
      throw noOutlet();
    }
    return call.get();
  }

  private InvalidArgumentException noOutlet() {
    return invalid(
        "has no outlet "
            + number
            + " (any more); its outlets are "
            + device.outlets().stream().map(o -> Integer.toString(o.number())).toList());
  }

  /**
   * Runs the session's switch or cycle only for an outlet the device has and that is switchable
   * (checked on the device's thread, where the session says why it is not).
   */
  private <T> CompletionStage<T> switchable(java.util.function.Supplier<CompletionStage<T>> call) {
    // the last status read once: on the caller's thread (a session that switches from any thread)
    // a new one may come at any moment
    DeviceStatus last = device.last();
    OutletStatus reported = last == null ? null : last.outlet(number).orElse(null);
    if (reported == null) {
      throw noOutlet();
    }
    if (!reported.switchable()) {
      throw new UnsupportedCapabilityException(
          "outlet "
              + number
              + " \""
              + reported.name()
              + "\" cannot be switched: "
              + device.session().notSwitchableReason(number),
          device.device(),
          null,
          null,
          null);
    }
    return call.get();
  }

  private InvalidArgumentException invalid(String message) {
    return new InvalidArgumentException(message, device.device(), null, null, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ManagedOutlet other && other.device == device && other.number == number;
  }

  @Override
  public int hashCode() {
    return Objects.hash(System.identityHashCode(device), number);
  }

  @Override
  public String toString() {
    return "Outlet[" + device.device() + " #" + number + "]";
  }
}
