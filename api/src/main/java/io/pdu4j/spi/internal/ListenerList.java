package io.pdu4j.spi.internal;

import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceListener;
import io.pdu4j.api.Subscription;
import io.pdu4j.spi.support.BurstLog;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's listeners: add and remove from any thread, dispatch on the device's thread, in
 * registration order. An exception thrown by one listener is logged and does not reach the others
 * or the caller, so a faulty listener cannot break the session.
 *
 * <p>Protocol-independent.
 */
public final class ListenerList {
  private static final Logger LOG = LoggerFactory.getLogger(ListenerList.class);

  private final String device;
  // a listener that fails on every event must not flood the log: one WARN per burst
  private BurstLog failures; // made at the first failure (most devices' listeners never fail)
  private final CopyOnWriteArrayList<Registration> registrations = new CopyOnWriteArrayList<>();
  // what dispatch walks: the registrations as an array, replaced on every change, so that an
  // event (several per status, every status of every device) costs no iterator
  private volatile Registration[] snapshot = new Registration[0];

  /**
   * A list.
   *
   * @param device the device's redacted address, for the log
   */
  public ListenerList(String device) {
    this.device = Objects.requireNonNull(device, "device");
  }

  /** Adds a listener; closing the subscription removes it. */
  public Subscription add(DeviceListener listener) {
    Registration r = new Registration(Objects.requireNonNull(listener, "listener"));
    registrations.add(r);
    refresh();
    return r;
  }

  /** Calls every listener with the event. Call on the device's thread only. */
  public void dispatch(DeviceEvent event) {
    for (Registration r : snapshot) {
      if (!r.active) {
        continue;
      }
      try {
        r.listener.onEvent(event);
      } catch (RuntimeException e) {
        if (failures == null) {
          failures = new BurstLog(LOG);
        }
        failures.log("{}: a listener failed on {}", device, event.getClass().getSimpleName(), e);
      }
    }
  }

  private void refresh() {
    synchronized (registrations) {
      snapshot = registrations.toArray(new Registration[0]);
    }
  }

  /** How many listeners are registered. */
  public int size() {
    return registrations.size();
  }

  private final class Registration implements Subscription {
    final DeviceListener listener;
    // checked before each call, so a listener removed mid-dispatch is not called again
    volatile boolean active = true;

    Registration(DeviceListener listener) {
      this.listener = listener;
    }

    @Override
    public void close() {
      active = false;
      registrations.remove(this);
      refresh();
    }
  }
}
