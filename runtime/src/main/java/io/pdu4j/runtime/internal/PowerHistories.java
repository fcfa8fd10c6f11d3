package io.pdu4j.runtime.internal;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.runtime.history.PowerHistory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The power history of each device name in use: held while a device of that name is open or opening
 * ({@link OpenDevices}) and while it is supervised ({@link Supervisors}), so that a supervised
 * device keeps its history across reconnects; dropped when the last holder lets go. Calls out to
 * nothing under its lock.
 */
final class PowerHistories {
  private final Object lock = new Object();
  private final Map<String, Held> byName = new HashMap<>(); // guarded by lock
  private final Clock clock;
  private final java.time.Duration step;

  private static final class Held {
    final PowerRecorder recorder;
    int holders;

    Held(PowerRecorder recorder) {
      this.recorder = recorder;
    }
  }

  PowerHistories(Clock clock, java.time.Duration step) {
    this.clock = clock;
    this.step = PowerHistory.checkStep(step);
  }

  /**
   * Holds the history of {@code name}, making it when nobody held it; pair with {@link #release}.
   */
  PowerRecorder hold(String name) {
    synchronized (lock) {
      Held h = byName.computeIfAbsent(name, n -> new Held(new PowerRecorder(n, clock, step)));
      h.holders++;
      return h.recorder;
    }
  }

  /** Lets go of one hold of {@code name}; the last one drops the history. */
  void release(String name) {
    synchronized (lock) {
      Held h = byName.get(name);
      if (h != null && --h.holders <= 0) {
        byName.remove(name);
      }
    }
  }

  /** The recorder of a name held now, or null. */
  PowerRecorder recorder(String name) {
    synchronized (lock) {
      Held h = name == null ? null : byName.get(name);
      return h == null ? null : h.recorder;
    }
  }

  /**
   * A snapshot of the history of {@code name}.
   *
   * @throws InvalidArgumentException when no device of that name is open or supervised
   */
  PowerHistory snapshot(String name) {
    PowerRecorder recorder;
    synchronized (lock) {
      Held h = name == null ? null : byName.get(name);
      if (h == null) {
        List<String> known = new ArrayList<>(byName.keySet());
        Collections.sort(known);
        throw new InvalidArgumentException(
            "no device named '"
                + name
                + "' is open or supervised in this runtime"
                + (known.isEmpty() ? "" : "; known: " + String.join(", ", known)));
      }
      recorder = h.recorder;
    }
    return recorder.snapshot();
  }

  /** Drops every history (the runtime closed). */
  void clear() {
    synchronized (lock) {
      byName.clear();
    }
  }
}
