package io.pdu4j.spi;

import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a new status into the events it means: always {@link DeviceEvent.StatusReported}, then an
 * {@link DeviceEvent.OutletChanged} for each outlet whose state differs from what it read before.
 *
 * <p>"Before" is the previous status only when it was still current (connected and not stale);
 * otherwise every outlet was UNKNOWN, so the first status after a reconnect or a silence reports
 * every outlet as changed from UNKNOWN. Pure and protocol-independent.
 */
public final class StatusEvents {
  private StatusEvents() {}

  /**
   * The events for {@code current}.
   *
   * @param device the device's redacted address
   * @param previous the status reported before, or null
   * @param previousCurrent whether {@code previous} still counted when {@code current} arrived
   * @param current the new status
   */
  public static List<DeviceEvent> of(
      String device, DeviceStatus previous, boolean previousCurrent, DeviceStatus current) {
    List<DeviceEvent> events = new ArrayList<>(1 + current.outlets().size());
    events.add(new DeviceEvent.StatusReported(device, current.receivedAt(), current));
    for (OutletStatus now : current.outlets()) {
      OutletState before =
          previous == null || !previousCurrent
              ? OutletState.UNKNOWN
              : previous.outlet(now.number()).map(OutletStatus::state).orElse(OutletState.UNKNOWN);
      if (before != now.state()) {
        events.add(new DeviceEvent.OutletChanged(device, current.receivedAt(), before, now));
      }
    }
    return events;
  }
}
