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
    return IsoTekSession.outletName(number);
  }

  @Override
  public Set<OutletCapability> capabilities() {
    return IsoTekSession.outletCapabilities();
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

  @Override
  public CompletionStage<OutletStatus> cycle(Duration offTime) {
    return device.unsupported("cycling an outlet is not implemented yet for IsoTek");
  }

  @Override
  public CompletionStage<OutletConfig> config() {
    return device.unsupported("reading outlet settings (C?) is not implemented yet");
  }

  @Override
  public CompletionStage<Void> configure(OutletConfig config) {
    return device.unsupported("writing outlet settings (Cx=) is not implemented yet");
  }

  @Override
  public String toString() {
    return "IsoTekOutlet[" + number + ", " + status().state() + "]";
  }
}
