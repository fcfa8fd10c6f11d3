package io.pdu4j.runtime.internal;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The runtime's supervisors by device name, in the order started, until the runtime closes. */
final class Supervisors {
  private final Object lock = new Object();
  private final Map<String, Supervisor> byName = new LinkedHashMap<>(); // guarded by lock
  private boolean closed; // guarded by lock
  private final PowerHistories histories;

  /** Holds each supervised name's power history in {@code histories}, across its reopens. */
  Supervisors(PowerHistories histories) {
    this.histories = histories;
  }

  /**
   * Makes (with {@code make}, given the callback that removes it again) and starts the supervisor
   * of {@code name}.
   *
   * @throws InvalidArgumentException when a device of that name is supervised already
   * @throws DeviceClosedException when the runtime is closed
   */
  Supervisor start(String name, String address, Function<Runnable, Supervisor> make) {
    Supervisor supervisor;
    synchronized (lock) {
      if (closed) {
        throw new DeviceClosedException("the pdu4j runtime is closed; cannot supervise " + address);
      }
      if (byName.containsKey(name)) {
        throw new InvalidArgumentException(
            "a device named '" + name + "' is already supervised in this runtime");
      }
      supervisor = make.apply(() -> remove(name));
      byName.put(name, supervisor);
      histories.hold(name);
    }
    supervisor.start();
    return supervisor;
  }

  private void remove(String name) {
    synchronized (lock) {
      if (byName.remove(name) != null) {
        histories.release(name);
      }
    }
  }

  /** The supervisors, in the order they were started. */
  List<Supervisor> list() {
    synchronized (lock) {
      return List.copyOf(byName.values());
    }
  }

  /** Refuses new supervisors and stops the running ones, leaving their devices open. */
  void stopAll() {
    List<Supervisor> toStop;
    synchronized (lock) {
      closed = true;
      toStop = new ArrayList<>(byName.values());
    }
    for (Supervisor s : toStop) {
      s.stop(false);
    }
  }
}
