package io.pdu4j.api;

import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * One outlet as the device last reported it.
 *
 * <p>Immutable. An outlet the device reports unchanged from one status to the next (same state,
 * readings, name and capabilities) may be the very same instance in both: the IsoTek driver, whose
 * units push every outlet every second, always reports it so. A listener that keeps the last status
 * may therefore skip an outlet whose {@code OutletStatus} is identical ({@code previous ==
 * current}) to the one before; that is an optimisation only, not a test of change: an unchanged
 * outlet may also be a new, {@linkplain #equals equal} instance (another driver, a status after a
 * reconnect or new outlet settings), so work skipped on identity must be work that an equal outlet
 * would also make unnecessary.
 *
 * @param number the outlet's number on this device, 1-based and stable for the device's life
 * @param id a stable identity within the device: the number for a PDU, the socket serial or meter
 *     serial and channel for devices that discover outlets (e.g. {@code 0021ED0000099001/2})
 * @param name the outlet's name (the device's, where it has names; otherwise {@code Outlet N})
 * @param state the reported state
 * @param voltage volts, when reported
 * @param power watts, when reported
 * @param capabilities what the outlet can do
 */
public record OutletStatus(
    int number,
    String id,
    String name,
    OutletState state,
    OptionalDouble voltage,
    OptionalDouble power,
    Set<OutletCapability> capabilities) {

  /** Validates and copies the capability set. */
  public OutletStatus {
    Values.requirePositive(number, "outlet number");
    Values.requireText(id, "outlet id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(voltage, "voltage");
    Objects.requireNonNull(power, "power");
    Values.requireFinite(voltage, "voltage");
    Values.requireFinite(power, "power");
    capabilities = Set.copyOf(capabilities);
  }

  /** Whether the outlet can be switched. */
  public boolean switchable() {
    return capabilities.contains(OutletCapability.SWITCHABLE);
  }

  /** This status with another state, everything else equal. */
  public OutletStatus withState(OutletState newState) {
    return new OutletStatus(number, id, name, newState, voltage, power, capabilities);
  }

  // equals and hashCode are a record's, written out: the record's own are made at their first call
  // by ObjectMethods' bootstrap (DeviceStatus says why not)

  /** Equal when every component is equal, as a record's. */
  @Override
  public boolean equals(Object o) {
    return o == this
        || o instanceof OutletStatus s
            && number == s.number
            && id.equals(s.id)
            && name.equals(s.name)
            && state == s.state
            && voltage.equals(s.voltage)
            && power.equals(s.power)
            && capabilities.equals(s.capabilities);
  }

  @Override
  public int hashCode() {
    int h = number;
    h = 31 * h + id.hashCode();
    h = 31 * h + name.hashCode();
    h = 31 * h + state.hashCode();
    h = 31 * h + voltage.hashCode();
    h = 31 * h + power.hashCode();
    return 31 * h + capabilities.hashCode();
  }

  /** An outlet without readings, its id its number. */
  public static OutletStatus of(
      int number, String name, OutletState state, Set<OutletCapability> capabilities) {
    return new OutletStatus(
        number,
        Integer.toString(number),
        name,
        state,
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        capabilities);
  }
}
