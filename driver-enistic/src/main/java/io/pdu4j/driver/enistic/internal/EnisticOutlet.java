package io.pdu4j.driver.enistic.internal;

import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** One Smart Socket or meter channel of a controller; see {@link EnisticDevice}. */
final class EnisticOutlet implements io.pdu4j.api.Outlet {
  private final EnisticDevice device;
  private final int number;

  EnisticOutlet(EnisticDevice device, int number) {
    this.device = device;
    this.number = number;
  }

  @Override
  public int number() {
    return number;
  }

  /** The socket serial, or {@code meterSerial/channel}. */
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
    return device.outletStatus(number);
  }

  @Override
  public CompletionStage<OutletStatus> switchOn() {
    return device.switchOutlet(number, OutletState.ON);
  }

  @Override
  public CompletionStage<OutletStatus> switchOff() {
    return device.switchOutlet(number, OutletState.OFF);
  }

  @Override
  public CompletionStage<OutletStatus> cycle(Duration offTime) {
    return device.unsupported("cycling is not implemented for Enistic sockets");
  }

  @Override
  public CompletionStage<OutletConfig> config() {
    return device.unsupported("Enistic sockets have no settings");
  }

  @Override
  public CompletionStage<Void> configure(OutletConfig config) {
    return device.unsupported("Enistic sockets have no settings");
  }

  @Override
  public String toString() {
    return "EnisticOutlet[" + number + "]";
  }
}
