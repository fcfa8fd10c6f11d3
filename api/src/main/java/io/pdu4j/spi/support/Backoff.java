package io.pdu4j.spi.support;

import java.time.Duration;
import java.util.Objects;

/**
 * Capped exponential backoff for reconnect attempts: {@code initial}, doubling, at most {@code
 * max}.
 *
 * <p>No jitter: one driver instance reconnects one device, and the runtime's supervision (which
 * knows about fleets) is where jitter belongs. Protocol-independent; not thread-safe.
 */
public final class Backoff {
  private final Duration initial;
  private final Duration max;
  private Duration next;

  /**
   * A backoff.
   *
   * @param initial the first delay, positive
   * @param max the largest delay, not less than {@code initial}
   */
  public Backoff(Duration initial, Duration max) {
    this.initial = Objects.requireNonNull(initial, "initial");
    this.max = Objects.requireNonNull(max, "max");
    if (initial.isZero() || initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max");
    }
    this.next = initial;
  }

  /** The delay before the next attempt; each call doubles the following one, up to the cap. */
  public Duration next() {
    Duration d = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return d;
  }

  /** Starts again from the initial delay (after a successful attempt). */
  public void reset() {
    next = initial;
  }
}
