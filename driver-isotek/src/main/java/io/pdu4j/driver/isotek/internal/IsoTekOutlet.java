package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.StateNotConfirmedException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * One outlet of an IsoTek unit. Its readings are what the unit last reported (UNKNOWN when that is
 * not current); see {@link IsoTekDevice} for when switching completes.
 */
final class IsoTekOutlet implements Outlet {
  private final IsoTekDevice device;
  private final int number;

  IsoTekOutlet(IsoTekDevice device, int number) {
    this.device = device;
    this.number = number;
  }

  @Override
  public int number() {
    return number;
  }

  @Override
  public String id() {
    return Integer.toString(number);
  }

  @Override
  public String name() {
    return device.outletName(number);
  }

  @Override
  public Set<OutletCapability> capabilities() {
    return device.outletCapabilities(number);
  }

  @Override
  public OutletStatus status() {
    return device.outletStatus(number);
  }

  /**
   * Sends {@code Sx=1}. The stage waits for the unit's {@code OK} and then for the first status
   * that began after it, and completes with this outlet's status from it; if that status shows the
   * outlet off it fails with {@link StateNotConfirmedException}.
   */
  @Override
  public CompletionStage<OutletStatus> switchOn() {
    return device.switchOutlet(number, OutletState.ON);
  }

  /** Sends {@code Sx=0}; completes as {@link #switchOn()} does, with the outlet off. */
  @Override
  public CompletionStage<OutletStatus> switchOff() {
    return device.switchOutlet(number, OutletState.OFF);
  }

  /**
   * Sends {@code Sx=0}, waits {@code offTime} (null: the outlet's reset delay from {@code C?}, or 0
   * if the unit has none), sends {@code Sx=1}, each step confirmed by a status; one queued command,
   * so nothing else reaches the unit in between. A locked outlet fails at once with {@link
   * io.pdu4j.api.UnsupportedCapabilityException}.
   */
  @Override
  public CompletionStage<OutletStatus> cycle(Duration offTime) {
    return device.cycle(number, offTime);
  }

  /** Sends {@code C?}; completes with this outlet's settings. */
  @Override
  public CompletionStage<OutletConfig> config() {
    return device.readConfig(number);
  }

  /**
   * Sends {@code Cx=nnnnnnnn|t|d|} (the name padded to 8), then {@code C?} to verify. Names longer
   * than 8 characters or holding {@code |}, control or non-ASCII characters, and delays that are
   * not whole seconds 0..9999, fail with {@link io.pdu4j.api.InvalidArgumentException} unsent.
   */
  @Override
  public CompletionStage<Void> configure(OutletConfig config) {
    return device.configure(number, config);
  }

  @Override
  public String toString() {
    return "IsoTekOutlet[" + number + ", " + status().state() + "]";
  }
}
