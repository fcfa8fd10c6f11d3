package io.pdu4j.transport.net.internal;

/**
 * When a UDP socket is read on readiness and when on a timer.
 *
 * <p>On readiness the event loop wakes for every datagram that finds the socket empty: at 50,000
 * evenly spaced datagrams a second that is a wake (an {@code epoll_wait}, a receive that finds one
 * datagram and one that finds none) per datagram. Read on a timer instead, every {@link
 * #intervalNanos()}, a wake takes what arrived since the last one: 50 datagrams at that rate, in
 * two {@code recvmmsg}. Datagrams wait in the socket's receive buffer meanwhile, for at most about
 * one interval (longer when the loop is busy), which bounds how long the interval may be: at the
 * default 1 ms and 50,000/s that is 50 datagrams, about 42 KB in the kernel's accounting (some 830
 * bytes per small datagram on loopback), against the 2 MiB the kernel allows a socket whose {@code
 * rcvbuf} is 1 MiB (it doubles the value asked for).
 *
 * <p>The rules, applied after every read of the socket (one wake, up to {@link
 * UdpEndpoints#MAX_READS_PER_WAKE} datagrams):
 *
 * <ul>
 *   <li>On readiness, the socket goes over to the timer when {@value #ENTER_READS} reads that found
 *       something came within one interval (a wake at least every {@code interval / }{@value
 *       #ENTER_READS}: a timer would save wakes), or when one read found at least {@value
 *       #ENTER_BATCH} datagrams (the reader is behind).
 *   <li>A read the timer allowed keeps the timer when it found at least {@value #STAY_FOUND}
 *       datagrams per base interval; it reads on (readiness) without waiting when it stopped at the
 *       per-wake limit, since more are waiting; below {@value #STAY_FOUND} per base interval the
 *       socket goes back to readiness.
 *   <li>On the timer, the interval stretches so that a wake takes about {@value #TARGET_BATCH} or
 *       more: a timed read that found fewer doubles it, up to {@value #MAX_STRETCH} times the base
 *       interval; one that found more than twice that halves it, down to the base; a read that
 *       stopped at the per-wake limit goes back to the base. Most of a wake's cost (the loop's
 *       wake-up, the timer, turning the read interest on and off, the receives that find the socket
 *       empty) does not depend on how many datagrams it takes, so at 10,000 a second a wake every 4
 *       ms costs a quarter of one every millisecond; a reading waits at most about that long, and
 *       the receive buffer holds far more than one stretched interval's datagrams (a stretched
 *       interval means fewer than {@value #TARGET_BATCH} per half of it).
 * </ul>
 *
 * <p>Between the two thresholds (more than {@value #STAY_FOUND} a base interval, fewer than {@value
 * #ENTER_READS} wakes one) the socket stays in the mode it is in, so it does not flip on every read
 * at a rate near either. Confined to the socket's event loop; no clock of its own (the caller
 * passes the time of each read).
 */
final class UdpReadPacer {
  /** The timer's interval unless the endpoint sets another: 1 ms. */
  static final long DEFAULT_INTERVAL_NANOS = 1_000_000L;

  /** Reads (each finding something) within one interval that switch readiness to the timer. */
  static final int ENTER_READS = 8;

  /** Datagrams found by one read that switch readiness to the timer. */
  static final int ENTER_BATCH = 32;

  /** Datagrams a timed read must find per base interval to keep the timer. */
  static final int STAY_FOUND = 2;

  /** Datagrams a timed read should find: fewer stretch the interval, twice as many shorten it. */
  static final int TARGET_BATCH = 32;

  /** The most the interval stretches: this many times the base interval. */
  static final int MAX_STRETCH = 4;

  /** What to do after a read. */
  enum Next {
    /** Stay on readiness (the socket's read interest stays on). */
    READINESS,
    /** Read again at once: a timed read stopped at the per-wake limit (interest stays on). */
    READ_ON,
    /** Stop reading and read again after the interval (interest off until the timer fires). */
    WAIT
  }

  private final long baseIntervalNanos;
  private final int perWakeLimit;

  private boolean timed;
  private long intervalNanos;
  private long windowStart;
  private int readsInWindow;

  /**
   * @param intervalNanos the timer's base interval
   * @param perWakeLimit the most datagrams one read takes (a read that took these may have left
   *     more)
   */
  UdpReadPacer(long intervalNanos, int perWakeLimit) {
    if (intervalNanos <= 0 || perWakeLimit < 1) {
      throw new IllegalArgumentException("interval and per-wake limit must be positive");
    }
    this.baseIntervalNanos = intervalNanos;
    this.intervalNanos = intervalNanos;
    this.perWakeLimit = perWakeLimit;
  }

  /**
   * How long to wait before the next timed read: the base interval, or up to {@value #MAX_STRETCH}
   * times it.
   */
  long intervalNanos() {
    return intervalNanos;
  }

  /** Whether the socket is read on the timer now. */
  boolean timed() {
    return timed;
  }

  /**
   * After a read that found {@code found} datagrams, at {@code nowNanos} ({@link System#nanoTime}):
   * what the socket does next.
   */
  Next afterRead(int found, long nowNanos) {
    if (timed) {
      if (found >= perWakeLimit) {
        intervalNanos = baseIntervalNanos;
        return Next.READ_ON;
      }
      // at least STAY_FOUND per base interval, whatever the interval is now
      int stretch = (int) (intervalNanos / baseIntervalNanos);
      if (found >= STAY_FOUND * stretch) {
        if (found < TARGET_BATCH && stretch < MAX_STRETCH) {
          intervalNanos *= 2;
        } else if (found > 2 * TARGET_BATCH && stretch > 1) {
          intervalNanos /= 2;
        }
        return Next.WAIT;
      }
      timed = false;
      intervalNanos = baseIntervalNanos;
      readsInWindow = 0;
      return Next.READINESS;
    }
    if (found == 0) {
      return Next.READINESS;
    }
    if (readsInWindow == 0 || nowNanos - windowStart > baseIntervalNanos) {
      windowStart = nowNanos;
      readsInWindow = 0;
    }
    readsInWindow++;
    if (readsInWindow >= ENTER_READS || found >= ENTER_BATCH) {
      timed = true;
      readsInWindow = 0;
      return found >= perWakeLimit ? Next.READ_ON : Next.WAIT;
    }
    return Next.READINESS;
  }
}
