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
    return of(
        device, previous == null || !previousCurrent ? null : OutletStates.of(previous), current);
  }

  /**
   * The events for {@code current}, against the outlets of the status before as {@link
   * OutletStates} keeps them.
   *
   * @param earlier the outlets of the status reported before, or null when there was none or it no
   *     longer counted
   */
  static List<DeviceEvent> of(String device, OutletStates earlier, DeviceStatus current) {
    DeviceEvent reported = new DeviceEvent.StatusReported(device, current.receivedAt(), current);
    List<DeviceEvent> changes = changes(device, earlier, current);
    if (changes.isEmpty()) {
      return List.of(reported);
    }
    List<DeviceEvent> events = new ArrayList<>(1 + changes.size());
    events.add(reported);
    events.addAll(changes);
    return events;
  }

  /**
   * The {@link DeviceEvent.OutletChanged} events of {@link #of}, without the {@link
   * DeviceEvent.StatusReported} before them: an empty, shared list when no state changed (most
   * statuses), so that a device dispatching its status itself allocates no list for it.
   */
  static List<DeviceEvent> changes(String device, OutletStates earlier, DeviceStatus current) {
    List<OutletStatus> outlets = current.outlets();
    List<DeviceEvent> events = null; // made at the first change: most statuses change no state
    int earlierCount = earlier == null ? 0 : earlier.size();
    Map<Integer, OutletState> earlierByNumber = null; // built only when the outlets moved
    for (int i = 0; i < outlets.size(); i++) {
      OutletStatus now = outlets.get(i);
      int number = now.number();
      OutletState before;
      if (i < earlierCount && earlier.number(i) == number) {
        before = earlier.state(i);
      } else {
        if (earlierByNumber == null) {
          earlierByNumber = new HashMap<>();
          for (int j = 0; j < earlierCount; j++) {
            earlierByNumber.put(earlier.number(j), earlier.state(j));
          }
        }
        before = earlierByNumber.getOrDefault(number, OutletState.UNKNOWN);
      }
      OutletState state = now.state();
      if (before != state) {
        if (events == null) {
          events = new ArrayList<>(outlets.size() - i);
        }
        events.add(new DeviceEvent.OutletChanged(device, current.receivedAt(), before, now));
      }
    }
    return events == null ? List.of() : events;
  }
}
