package io.pdu4j.runtime.internal;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.Subscription;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices a runtime opened and is opening, and the names (device tags) they hold, until the
 * runtime closes. No driver code runs under its lock.
 */
final class OpenDevices {
  private static final Logger LOG = LoggerFactory.getLogger(OpenDevices.class);

  /**
   * An open device: the driver's, the one handed out, the runtime's listener on it, its metrics (or
   * null) and its name.
   */
  record Entry(
      PowerDevice raw,
      PowerDevice device,
      Subscription subscription,
      DeviceMetrics metrics,
      String name) {

    /** Removes the runtime's listener, closes the device, then its meters. */
    void close() {
      try {
        subscription.close();
      } catch (RuntimeException e) {
        LOG.debug("removing a listener failed", e);
      }
      closeQuietly(raw, raw.info().address());
      if (metrics != null) {
        metrics.close();
      }
    }
  }

  /** What was open and opening when the runtime closed. */
  record Closing(List<Entry> open, List<CompletableFuture<PowerDevice>> opening) {}

  private final Object lock = new Object();
  private final List<Entry> devices = new ArrayList<>(); // guarded by lock
  private final Set<CompletableFuture<PowerDevice>> opening =
      Collections.newSetFromMap(new IdentityHashMap<>()); // guarded by lock
  private final Set<String> names = new HashSet<>(); // guarded by lock: device tags in use
  private volatile boolean closed; // written under lock
  private final PowerHistories histories;

  /** Holds each name's power history in {@code histories} while the name is in use. */
  OpenDevices(PowerHistories histories) {
    this.histories = histories;
  }

  /** Whether {@link #close()} was called. */
  boolean isClosed() {
    return closed;
  }

  /**
   * Holds a name for a device about to open: {@code requested}, or {@code address} (numbered when
   * it is open twice) when null.
   *
   * @throws DeviceClosedException when the runtime is closed
   * @throws InvalidArgumentException when a device of the requested name is open
   */
  String reserve(String requested, String address, CompletableFuture<PowerDevice> result) {
    synchronized (lock) {
      if (closed) {
        throw new DeviceClosedException("the pdu4j runtime is closed; cannot open " + address);
      }
      if (requested != null && names.contains(requested)) {
        throw new InvalidArgumentException(
            "a device named '" + requested + "' is already open in this runtime");
      }
      String name = requested != null ? requested : uniqueName(address);
      names.add(name);
      histories.hold(name);
      opening.add(result);
      return name;
    }
  }

  /** Frees a name reserved by {@link #reserve}; call under lock. */
  private void free(String name) {
    if (names.remove(name)) {
      histories.release(name);
    }
  }

  /** A name for a device opened by address: the address, numbered when it is open twice. */
  private String uniqueName(String address) {
    String name = address;
    for (int n = 2; names.contains(name); n++) {
      name = address + " #" + n;
    }
    return name;
  }

  /** Releases what {@link #reserve} held for an open that failed. */
  void forgetOpening(CompletableFuture<PowerDevice> result, String name) {
    synchronized (lock) {
      opening.remove(result);
      free(name);
    }
  }

  /**
   * Lists a device that opened, unless the runtime closed or the caller gave up meanwhile; then its
   * name is freed and the caller must close it.
   */
  boolean admit(CompletableFuture<PowerDevice> result, Entry entry) {
    synchronized (lock) {
      opening.remove(result);
      boolean keep = !closed && !result.isDone();
      if (keep) {
        devices.add(entry);
      } else {
        free(entry.name());
      }
      return keep;
    }
  }

  /** Drops a closed device from the list, frees its name and removes its meters. */
  void forget(PowerDevice raw) {
    List<Entry> gone = new ArrayList<>();
    synchronized (lock) {
      devices.removeIf(
          e -> {
            if (e.raw() == raw) {
              gone.add(e);
              free(e.name());
              return true;
            }
            return false;
          });
    }
    for (Entry e : gone) {
      if (e.metrics() != null) {
        e.metrics().close();
      }
    }
  }

  /** The metrics of the open devices that have them, in the order they were opened. */
  List<DeviceMetrics> metrics() {
    List<DeviceMetrics> list = new ArrayList<>();
    synchronized (lock) {
      for (Entry e : devices) {
        if (e.metrics() != null) {
          list.add(e.metrics());
        }
      }
    }
    return list;
  }

  /** The open devices, in the order they were opened, skipping those closed a moment ago. */
  List<PowerDevice> devices() {
    List<PowerDevice> listed;
    synchronized (lock) {
      listed = devices.stream().map(Entry::device).toList();
    }
    return listed.stream().filter(d -> d.connectionState() != ConnectionState.CLOSED).toList();
  }

  /**
   * Marks the runtime closed and hands over what was open and opening, for the caller to close;
   * empty when it was closed already.
   */
  Closing close() {
    synchronized (lock) {
      if (closed) {
        return new Closing(List.of(), List.of());
      }
      closed = true;
      Closing closing = new Closing(List.copyOf(devices), List.copyOf(opening));
      devices.clear();
      for (String name : names) {
        histories.release(name);
      }
      names.clear();
      opening.clear();
      return closing;
    }
  }

  static void closeQuietly(PowerDevice device, String address) {
    try {
      device.close();
    } catch (RuntimeException e) {
      LOG.warn("{}: closing failed: {}", address, e.toString());
    }
  }
}
