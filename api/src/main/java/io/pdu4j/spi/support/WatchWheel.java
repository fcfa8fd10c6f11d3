package io.pdu4j.spi.support;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Watch}es of one executor: a ring of {@link #SLOTS} slots of {@link
 * WatchTimers#STEP_NANOS} each (about 17 s around), slot {@code k mod SLOTS} a list of the watches
 * due at tick {@code k} (tick: {@code floor(nanoTime / STEP)}), or at a later turn of the ring, and
 * one timer of the executor's set for the next slot that holds a watch. A bit per slot says which
 * hold one. On the executor's thread only, as its watches are.
 */
final class WatchWheel {
  private static final Logger LOG = LoggerFactory.getLogger(WatchWheel.class);

  static final int SLOTS = 512;
  private static final int MASK = SLOTS - 1;
  private static final long STEP = WatchTimers.STEP_NANOS;
  private static final long NONE = Long.MIN_VALUE;
  // beyond any watch's deadline (73 years): kept from overflowing the ticks
  private static final long MAX_DELAY = Long.MAX_VALUE / 4;

  // one wheel an executor; weak keys, and a wheel holds its executor weakly, so that an executor
  // no longer used goes with its wheel
  private static final Map<ScheduledExecutorService, WatchWheel> WHEELS =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final WeakReference<ScheduledExecutorService> executor;
  private final Watch[] heads = new Watch[SLOTS];
  private final long[] occupied = new long[SLOTS / Long.SIZE]; // bit s: slot s holds a watch
  private long doneTick; // every slot up to this tick was looked at
  private ScheduledFuture<?> ticker; // the executor's timer for tick tickerAt, or null
  private long tickerAt = NONE;
  private final List<Watch> due = new ArrayList<>(); // the watches of a tick, while they fire

  private final LongSupplier nanos;

  /** A wheel on {@code executor} by the clock {@code nanos} ({@link System#nanoTime}'s kind). */
  WatchWheel(ScheduledExecutorService executor, LongSupplier nanos) {
    this.executor = new WeakReference<>(executor);
    this.nanos = nanos;
    this.doneTick = Math.floorDiv(nanos.getAsLong(), STEP);
  }

  /** The wheel of {@code executor}, made at its first watch. */
  static WatchWheel of(ScheduledExecutorService executor) {
    return WHEELS.computeIfAbsent(executor, e -> new WatchWheel(e, System::nanoTime));
  }

  void arm(Watch w, long delayNanos) {
    unlink(w);
    w.firing = false;
    long now = nanos.getAsLong();
    // the tick of the grid point WatchTimers rounds the deadline up to (at least a nanosecond
    // ahead): the watch fires never early. Counted from now's tick, so that no sum overflows
    long onGrid = WatchTimers.onGrid(now, Math.min(delayNanos, MAX_DELAY));
    long tick = Math.floorDiv(now, STEP) + (Math.floorMod(now, STEP) + onGrid) / STEP;
    if (tick - doneTick <= 0) {
      tick = doneTick + 1; // not into a slot looked at already (nanoTime does not go back)
    }
    w.dueTick = tick;
    link(w);
    tickAt(tick, now);
  }

  void disarm(Watch w) {
    unlink(w);
    w.firing = false;
  }

  private void link(Watch w) {
    int s = (int) w.dueTick & MASK;
    Watch head = heads[s];
    w.prev = null;
    w.next = head;
    if (head != null) {
      head.prev = w;
    }
    heads[s] = w;
    w.listed = true;
    occupied[s >>> 6] |= 1L << s;
  }

  private void unlink(Watch w) {
    if (!w.listed) {
      return;
    }
    int s = (int) w.dueTick & MASK;
    if (w.prev != null) {
      w.prev.next = w.next;
    } else {
      heads[s] = w.next;
    }
    if (w.next != null) {
      w.next.prev = w.prev;
    }
    w.prev = null;
    w.next = null;
    w.listed = false;
    if (heads[s] == null) {
      occupied[s >>> 6] &= ~(1L << s);
    }
  }

  /** Sets the executor's timer for {@code tick}, unless it is set for that tick or sooner. */
  private void tickAt(long tick, long now) {
    if (tickerAt != NONE && tickerAt - tick <= 0) {
      return;
    }
    ScheduledExecutorService e = executor.get();
    if (e == null) {
      return;
    }
    if (ticker != null) {
      ticker.cancel(false);
      ticker = null;
      tickerAt = NONE;
    }
    long delay = (tick - Math.floorDiv(now, STEP)) * STEP - Math.floorMod(now, STEP);
    try {
      ticker = e.schedule(this::tick, Math.max(delay, 1), TimeUnit.NANOSECONDS);
      tickerAt = tick;
    } catch (RejectedExecutionException shutDown) {
      // the executor is shutting down: its watches never fire, as Watch says
    }
  }

  /** The executor's timer: fires every watch due by now, and sets the timer for the next. */
  private void tick() {
    ticker = null;
    tickerAt = NONE;
    long now = nanos.getAsLong();
    long current = Math.floorDiv(now, STEP);
    // the slots since the last look, each once (all of them after a pause of a whole turn)
    long from = Math.max(doneTick + 1, current - SLOTS + 1);
    for (long k = from; k - current <= 0; k++) {
      int s = (int) k & MASK;
      if ((occupied[s >>> 6] & 1L << s) == 0) {
        continue;
      }
      Watch w = heads[s];
      while (w != null) {
        Watch next = w.next;
        if (w.dueTick - current <= 0) {
          unlink(w);
          w.firing = true;
          due.add(w);
        }
        w = next;
      }
    }
    doneTick = current;
    try {
      // taken off their lists first: an action may arm or disarm any watch of the wheel, one due
      // now among them (which then does not fire now)
      for (int i = 0; i < due.size(); i++) {
        Watch w = due.get(i);
        if (w.firing) {
          w.firing = false;
          try {
            w.action.run();
          } catch (RuntimeException ex) {
            LOG.warn("a watch's action failed", ex);
          }
        }
      }
    } finally {
      due.clear();
      long next = nextOccupied(current);
      if (next != NONE) {
        tickAt(next, nanos.getAsLong());
      }
    }
  }

  /** The first tick after {@code current} whose slot holds a watch, or {@link #NONE}. */
  private long nextOccupied(long current) {
    int start = (int) (current + 1) & MASK;
    for (int d = 0; d < SLOTS; d++) {
      int s = (start + d) & MASK;
      long word = occupied[s >>> 6] >>> (s & 63);
      if (word == 0) {
        d += 63 - (s & 63); // the rest of this word is empty
        continue;
      }
      return current + 1 + d + Long.numberOfTrailingZeros(word);
    }
    return NONE;
  }
}
