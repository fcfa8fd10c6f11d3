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
 *       datagrams; it reads on (readiness) without waiting when it stopped at the per-wake limit,
 *       since more are waiting; below {@value #STAY_FOUND} the socket goes back to readiness.
 * </ul>
 *
 * <p>Between the two thresholds (more than {@value #STAY_FOUND} a read, fewer than {@value
 * #ENTER_READS} wakes an interval) the socket stays in the mode it is in, so it does not flip on
 * every read at a rate near either. Confined to the socket's event loop; no clock of its own (the
 * caller passes the time of each read).
 */
final class UdpReadPacer {
  /** The timer's interval unless the endpoint sets another: 1 ms. */
  static final long DEFAULT_INTERVAL_NANOS = 1_000_000L;

  /** Reads (each finding something) within one interval that switch readiness to the timer. */
  static final int ENTER_READS = 8;

  /** Datagrams found by one read that switch readiness to the timer. */
  static final int ENTER_BATCH = 32;

  /** Datagrams a timed read must find to keep the timer. */
  static final int STAY_FOUND = 2;

  /** What to do after a read. */
  enum Next {
    /** Stay on readiness (the socket's read interest stays on). */
    READINESS,
    /** Read again at once: a timed read stopped at the per-wake limit (interest stays on). */
    READ_ON,
    /** Stop reading and read again after the interval (interest off until the timer fires). */
    WAIT
  }

  private final long intervalNanos;
  private final int perWakeLimit;

  private boolean timed;
  private long windowStart;
  private int readsInWindow;

  /**
   * @param intervalNanos the timer's interval
   * @param perWakeLimit the most datagrams one read takes (a read that took these may have left
   *     more)
   */
  UdpReadPacer(long intervalNanos, int perWakeLimit) {
    if (intervalNanos <= 0 || perWakeLimit < 1) {
      throw new IllegalArgumentException("interval and per-wake limit must be positive");
    }
    this.intervalNanos = intervalNanos;
    this.perWakeLimit = perWakeLimit;
  }

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
        return Next.READ_ON;
      }
      if (found >= STAY_FOUND) {
        return Next.WAIT;
      }
      timed = false;
      readsInWindow = 0;
      return Next.READINESS;
    }
    if (found == 0) {
      return Next.READINESS;
    }
    if (readsInWindow == 0 || nowNanos - windowStart > intervalNanos) {
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
