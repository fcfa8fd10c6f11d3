package io.pdu4j.spi.support;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.Durations;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Decides whether a reported status still counts, and what an outlet reads when it does not. States
 * come from the device only: with no current report an outlet is {@link OutletState#UNKNOWN} and
 * has no readings, never the last known or the last commanded state.
 *
 * <p>Protocol-independent.
 */
public final class Freshness {
  private final long staleAfterNanos;
  private final Clock clock;

  /**
   * A policy.
   *
   * @param staleAfter a status older than this is stale
   * @param clock the wall clock
   */
  public Freshness(Duration staleAfter, Clock clock) {
    this.staleAfterNanos =
        Durations.saturatedNanos(Objects.requireNonNull(staleAfter, "staleAfter"));
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Whether {@code status} is present and not older than the limit now ({@link #isCurrent(long,
   * int, Instant, long)}).
   */
  public boolean isCurrent(DeviceStatus status) {
    if (status == null) {
      return false;
    }
    Instant at = status.receivedAt();
    return isCurrent(at.getEpochSecond(), at.getNano(), clock.instant(), staleAfterNanos);
  }

  /**
   * Whether a status received at the instant of {@code epochSecond} and {@code nano} ({@link
   * Instant#getEpochSecond()}, {@link Instant#getNano()}) is not older than {@code staleAfterNanos}
   * at {@code now}: exactly that old still counts, a nanosecond more does not; a time after {@code
   * now} (the wall clock went back) counts. Ages and limits are saturated at the ends of {@code
   * long} ({@link Durations#nanosBetween(long, int, Instant)}, {@link Durations#saturatedNanos}),
   * so a limit of about 292 years or more never goes stale.
   *
   * <p>For a caller that keeps the time of its last status as two numbers rather than as an object
   * and asks for every status it receives: nothing is made.
   *
   * @param staleAfterNanos the limit in nanoseconds ({@link Durations#saturatedNanos} of it)
   */
  public static boolean isCurrent(long epochSecond, int nano, Instant now, long staleAfterNanos) {
    return Durations.nanosBetween(epochSecond, nano, now) <= staleAfterNanos;
  }

  /**
   * What an outlet reads: its reported status when {@code current}, otherwise the same outlet with
   * state UNKNOWN and no readings.
   */
  public static OutletStatus effective(OutletStatus reported, boolean current) {
    return current ? reported : unknown(reported);
  }

  /** The outlet with state UNKNOWN and no readings. */
  public static OutletStatus unknown(OutletStatus outlet) {
    return new OutletStatus(
        outlet.number(),
        outlet.id(),
        outlet.name(),
        OutletState.UNKNOWN,
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        outlet.capabilities());
  }
}
