package io.pdu4j.spi.support;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import java.time.Clock;
import java.time.Duration;
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
  private final Duration staleAfter;
  private final Clock clock;

  /**
   * A policy.
   *
   * @param staleAfter a status older than this is stale
   * @param clock the wall clock
   */
  public Freshness(Duration staleAfter, Clock clock) {
    this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Whether {@code status} is present and not older than the limit now. */
  public boolean isCurrent(DeviceStatus status) {
    return status != null && !status.isOlderThan(staleAfter, clock.instant());
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
