package io.pdu4j.spi.internal;

import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a new status into the events it means: always {@link DeviceEvent.StatusReported}, then an
 * {@link DeviceEvent.OutletChanged} for each outlet whose state differs from what it read before.
 *
 * <p>"Before" is the previous status only when it was still current (connected and not stale);
 * otherwise every outlet was UNKNOWN, so the first status after a reconnect or a silence reports
 * every outlet as changed from UNKNOWN. Pure and protocol-independent; linear in the number of
 * outlets (a controller may have thousands).
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
    List<OutletStatus> earlier =
        previous == null || !previousCurrent ? List.of() : previous.outlets();
    Map<Integer, OutletState> earlierByNumber = null; // built only when the outlets moved
    List<OutletStatus> outlets = current.outlets();
    for (int i = 0; i < outlets.size(); i++) {
      OutletStatus now = outlets.get(i);
      OutletState before;
      if (i < earlier.size() && earlier.get(i).number() == now.number()) {
        before = earlier.get(i).state();
      } else {
        if (earlierByNumber == null) {
          earlierByNumber = new HashMap<>();
          for (OutletStatus o : earlier) {
            earlierByNumber.put(o.number(), o.state());
          }
        }
        before = earlierByNumber.getOrDefault(now.number(), OutletState.UNKNOWN);
      }
      if (before != now.state()) {
        events.add(new DeviceEvent.OutletChanged(device, current.receivedAt(), before, now));
      }
    }
    return events;
  }
}
