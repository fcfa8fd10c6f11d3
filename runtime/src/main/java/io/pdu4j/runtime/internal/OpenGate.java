package io.pdu4j.runtime.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Paces device opens: at most {@code limit} attempts in flight (from the link's connect to the
 * device's first status, or to the failure), the others waiting in the order they came. An attempt
 * only starts, and its connect and ready timeouts only begin, when it gets a slot, so a fleet
 * opened at once neither floods the network and the I/O threads with connects and handshakes nor
 * counts the time spent waiting here against its devices.
 *
 * <p>The queue holds one entry per open asked for and not yet started; it is bounded by the devices
 * the application opens. Thread-safe; an attempt that had to wait starts on {@code executor} (one
 * of the runtime's I/O threads: starting an attempt does no I/O and does not block).
 */
final class OpenGate {
  private final int limit;
  private final Executor executor;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>(); // guarded by this
  private int inFlight; // guarded by this
  private boolean closed; // guarded by this

  /**
   * @param limit the most attempts in flight, at least 1
   * @param executor where an attempt that had to wait is started
   */
  OpenGate(int limit, Executor executor) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    this.limit = limit;
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * Runs {@code attempt} now, on this thread, when a slot is free, else once one is. The attempt
   * must end with exactly one {@link #release()}, whatever happens to it (an attempt that finds it
   * is no longer wanted releases at once).
   *
   * @return false when the gate is closed: the attempt will never run
   */
  boolean submit(Runnable attempt) {
    synchronized (this) {
      if (closed) {
        return false;
      }
      if (inFlight >= limit) {
        waiting.add(attempt);
        return true;
      }
      inFlight++;
    }
    attempt.run();
    return true;
  }

  /** Ends an attempt: the next waiting one, if any, gets its slot and starts. */
  void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        inFlight--;
        return;
      }
      // the slot passes from the ended attempt to the next one
    }
    try {
      // not on this thread: an attempt that fails at once would release, and so on, deeper
      executor.execute(next);
    } catch (RejectedExecutionException e) {
      next.run(); // the I/O threads are stopping: the attempt finds the runtime closed
    }
  }

  /** Attempts in flight now. */
  synchronized int inFlight() {
    return inFlight;
  }

  /** Attempts waiting for a slot now. */
  synchronized int waiting() {
    return waiting.size();
  }

  /**
   * Closes the gate: nothing starts any more; returns the attempts that were waiting, for the
   * caller to fail (they must not {@link #release()}).
   */
  List<Runnable> close() {
    synchronized (this) {
      closed = true;
      List<Runnable> dropped = new ArrayList<>(waiting);
      waiting.clear();
      return dropped;
    }
  }
}
