package io.pdu4j.api;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** A device's own clock, which runs in local time with no zone. */
@DoNotImplement
public interface DeviceClock {

  /** A reading of the device clock and the host's clock at the moment it was received. */
  record Reading(LocalDateTime deviceTime, Instant hostTime) {
    /** Validates that neither time is null. */
    public Reading {
      Objects.requireNonNull(deviceTime, "deviceTime");
      Objects.requireNonNull(hostTime, "hostTime");
    }

    /**
     * How far the device clock is ahead of the host clock (negative when behind), taking the
     * device's local time as being in {@code zone}.
     */
    public Duration offset(java.time.ZoneId zone) {
      return Duration.between(hostTime, deviceTime.atZone(zone).toInstant());
    }
  }

  /** Asks the device for its clock now. */
  CompletionStage<Reading> read();

  /** The latest clock reading the device sent, asked for or pushed. */
  Optional<Reading> lastReading();

  /** Sets the device clock ({@link DeviceCapability#CLOCK_SET}). */
  CompletionStage<Void> set(LocalDateTime time);

  /**
   * Sets the device clock to the host's time now in {@code zone} (the device keeps local time with
   * no zone, so the caller says which local time it should keep).
   */
  default CompletionStage<Void> setToNow(java.time.ZoneId zone) {
    if (zone == null) {
      return java.util.concurrent.CompletableFuture.failedFuture(
          new InvalidArgumentException("a zone is required to set the clock to the host's time"));
    }
    return set(LocalDateTime.now(zone));
  }
}
