package io.pdu4j.api;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a device: its outlets, its input reading and its clock, as of one report.
 *
 * @param receivedAt when the host received the report this snapshot comes from
 * @param input the device's input (whole-unit) reading, when reported
 * @param outlets every known outlet, in number order
 * @param deviceClock the device's own clock as it reported it, when it has one
 */
public record DeviceStatus(
    Instant receivedAt,
    Optional<PowerReading> input,
    List<OutletStatus> outlets,
    Optional<LocalDateTime> deviceClock) {

  /** Validates and copies the outlet list. */
  public DeviceStatus {
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(deviceClock, "deviceClock");
    outlets = List.copyOf(outlets);
  }

  /** The outlet with this number, if the report has it. */
  public Optional<OutletStatus> outlet(int number) {
    // asked several times a command (its checks, its confirmation): a loop, not a stream
    for (int i = 0, n = outlets.size(); i < n; i++) {
      OutletStatus o = outlets.get(i);
      if (o.number() == number) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  /** How old this snapshot is at {@code now}. */
  public Duration age(Instant now) {
    return Duration.between(receivedAt, now);
  }

  /** Whether this snapshot is older than {@code maxAge} at {@code now}. */
  public boolean isOlderThan(Duration maxAge, Instant now) {
    // age(now).compareTo(maxAge) > 0 without making a Duration: asked for every status received
    long seconds = now.getEpochSecond() - receivedAt.getEpochSecond();
    int nanos = now.getNano() - receivedAt.getNano();
    if (nanos < 0) {
      seconds--;
      nanos += 1_000_000_000;
    }
    return seconds != maxAge.getSeconds()
        ? seconds > maxAge.getSeconds()
        : nanos > maxAge.getNano();
  }

  // equals and hashCode are a record's, written out: the record's own are made at their first call
  // by ObjectMethods' bootstrap, method handles spun into classes no class-data-sharing archive
  // holds, a good part of a one-shot command's start (docs/benchmarks.md, "CLI start")

  /** Equal when every component is equal, as a record's. */
  @Override
  public boolean equals(Object o) {
    return o == this
        || o instanceof DeviceStatus s
            && receivedAt.equals(s.receivedAt)
            && input.equals(s.input)
            && outlets.equals(s.outlets)
            && deviceClock.equals(s.deviceClock);
  }

  @Override
  public int hashCode() {
    int h = receivedAt.hashCode();
    h = 31 * h + input.hashCode();
    h = 31 * h + outlets.hashCode();
    return 31 * h + deviceClock.hashCode();
  }

  /** A status of outlets alone: no input reading, no device clock. */
  public static DeviceStatus of(Instant receivedAt, List<OutletStatus> outlets) {
    return new DeviceStatus(receivedAt, Optional.empty(), outlets, Optional.empty());
  }
}
