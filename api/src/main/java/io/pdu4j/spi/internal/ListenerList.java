package io.pdu4j.spi.internal;

import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceListener;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Subscription;
import io.pdu4j.spi.support.BurstLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's listeners: add and remove from any thread, dispatch on the device's thread, in
 * registration order. An exception thrown by one listener is logged and does not reach the others
 * or the caller, so a faulty listener cannot break the session.
 *
 * <p>A listener may want some kinds of event only ({@link #add(Set, DeviceListener)}): an event is
 * then not even offered to it. Each kind has its own array of the listeners that want it, so that a
 * status, which every device reports every second or so, walks only the listeners of statuses (at a
 * fleet's scale each listener offered an event is some cache lines out of the cache, and most of a
 * runtime's listeners, its supervision's and its event streams', want other events).
 *
 * <p>Protocol-independent.
 */
public final class ListenerList {
  private static final Logger LOG = LoggerFactory.getLogger(ListenerList.class);

  /** The kinds of {@link DeviceEvent}, in the order of {@link #kind}. */
  private static final List<Class<? extends DeviceEvent>> KINDS =
      List.of(
          DeviceEvent.StatusReported.class,
          DeviceEvent.OutletChanged.class,
          DeviceEvent.OutletAdded.class,
          DeviceEvent.OutletRemoved.class,
          DeviceEvent.Connection.class);

  private static final int EVERY_KIND = (1 << KINDS.size()) - 1;
  private static final Object[] NONE = new Object[0];

  private final String device;
  // a listener that fails on every event must not flood the log: one WARN per burst
  private BurstLog failures; // made at the first failure (most devices' listeners never fail)
  private Registration[] registrations = new Registration[0]; // guarded by this
  // what dispatch walks, by kind (KINDS): each registration that wants the kind, followed by its
  // listener, in one array replaced on every change, so that an event costs no iterator and no
  // read of a registration while none changed (see dispatch). Kinds with the same listeners share
  // one array (a device's outlet events mostly have theirs)
  private volatile Object[] statuses = NONE;
  private volatile Object[] outletChanges = NONE;
  private volatile Object[] outletsAdded = NONE;
  private volatile Object[] outletsRemoved = NONE;
  private volatile Object[] connections = NONE;

  /**
   * A list.
   *
   * @param device the device's redacted address, for the log
   */
  public ListenerList(String device) {
    this.device = Objects.requireNonNull(device, "device");
  }

  /** Adds a listener of every event; closing the subscription removes it. */
  public Subscription add(DeviceListener listener) {
    return add(EVERY_KIND, listener);
  }

  /**
   * Adds a listener of the events that are instances of one of {@code kinds} ({@link
   * io.pdu4j.api.PowerDevice#subscribe(Set, DeviceListener)}); closing the subscription removes it.
   *
   * @throws InvalidArgumentException when {@code kinds} takes in no kind of event
   */
  public Subscription add(
      Set<? extends Class<? extends DeviceEvent>> kinds, DeviceListener listener) {
    return add(mask(kinds), listener);
  }

  /**
   * The kinds of event {@code kinds} takes in, a bit each ({@link #KINDS}); a kind names its own
   * events, {@link DeviceEvent} itself all of them.
   *
   * @throws InvalidArgumentException when that is none ({@link DeviceEvent#checkKinds(Set)})
   */
  static int mask(Set<? extends Class<? extends DeviceEvent>> kinds) {
    int mask = 0;
    for (Class<? extends DeviceEvent> k : DeviceEvent.checkKinds(kinds)) {
      for (int i = 0; i < KINDS.size(); i++) {
        if (k.isAssignableFrom(KINDS.get(i))) {
          mask |= 1 << i;
        }
      }
    }
    if (mask == 0) {
      // every kind of device event is one of KINDS or DeviceEvent itself: a kind added to the
      // sealed family and not to KINDS
      throw new IllegalStateException("no listener array for " + kinds);
    }
    return mask;
  }

  private Subscription add(int kinds, DeviceListener listener) {
    Registration r = new Registration(Objects.requireNonNull(listener, "listener"), kinds);
    synchronized (this) {
      Registration[] more = Arrays.copyOf(registrations, registrations.length + 1);
      more[registrations.length] = r;
      registrations = more;
      refresh();
    }
    return r;
  }

  /** Calls every listener that wants the event with it. Call on the device's thread only. */
  public void dispatch(DeviceEvent event) {
    int kind = kind(event);
    Object[] listeners = listeners(kind);
    for (int i = 0; i < listeners.length; i += 2) {
      // a listener removed while this runs is not called again: the arrays changed, and then its
      // registration says whether it still counts
      if (listeners != listeners(kind) && !((Registration) listeners[i]).active) {
        continue;
      }
      try {
        ((DeviceListener) listeners[i + 1]).onEvent(event);
      } catch (RuntimeException e) {
        if (failures == null) {
          failures = new BurstLog(LOG);
        }
        failures.log("{}: a listener failed on {}", device, event.getClass().getSimpleName(), e);
      }
    }
  }

  /** The index of {@code event}'s kind in {@link #KINDS}, the status first. */
  private static int kind(DeviceEvent event) {
    if (event instanceof DeviceEvent.StatusReported) {
      return 0;
    } else if (event instanceof DeviceEvent.OutletChanged) {
      return 1;
    } else if (event instanceof DeviceEvent.OutletAdded) {
      return 2;
    } else if (event instanceof DeviceEvent.OutletRemoved) {
      return 3;
    }
    return 4;
  }

  /** The array dispatch walks for kind {@code kind} ({@link #KINDS}). */
  private Object[] listeners(int kind) {
    return switch (kind) {
      case 0 -> statuses;
      case 1 -> outletChanges;
      case 2 -> outletsAdded;
      case 3 -> outletsRemoved;
      default -> connections;
    };
  }

  /** Makes the arrays dispatch walks anew (guarded by this). */
  private void refresh() {
    Object[][] byKind = new Object[KINDS.size()][];
    for (int k = 0; k < byKind.length; k++) {
      List<Object> list = new ArrayList<>();
      for (Registration r : registrations) {
        if ((r.kinds & 1 << k) != 0) {
          list.add(r);
          list.add(r.listener);
        }
      }
      byKind[k] = list.isEmpty() ? NONE : list.toArray();
      for (int j = 0; j < k; j++) {
        if (Arrays.equals(byKind[j], byKind[k])) {
          byKind[k] = byKind[j]; // the same listeners: one array
          break;
        }
      }
    }
    outletChanges = byKind[1];
    outletsAdded = byKind[2];
    outletsRemoved = byKind[3];
    connections = byKind[4];
    statuses = byKind[0];
  }

  /** How many listeners are registered. */
  public synchronized int size() {
    return registrations.length;
  }

  private final class Registration implements Subscription {
    final DeviceListener listener;
    final int kinds; // a bit each, as KINDS
    // checked once the arrays changed during a dispatch, so a listener removed meanwhile is not
    // called again
    volatile boolean active = true;

    Registration(DeviceListener listener, int kinds) {
      this.listener = listener;
      this.kinds = kinds;
    }

    @Override
    public void close() {
      active = false;
      synchronized (ListenerList.this) {
        Registration[] rs = registrations;
        for (int i = 0; i < rs.length; i++) {
          if (rs[i] == this) {
            Registration[] fewer = new Registration[rs.length - 1];
            System.arraycopy(rs, 0, fewer, 0, i);
            System.arraycopy(rs, i + 1, fewer, i, rs.length - i - 1);
            registrations = fewer;
            refresh();
            return;
          }
        }
      }
    }
  }
}
