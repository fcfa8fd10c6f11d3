package io.pdu4j.spi.internal;

import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.InvalidArgumentException;
import java.time.LocalDateTime;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The clock of a {@link ManagedDevice}: read and set through its session; the last reading is the
 * newer of the last read and the clock the last status carried.
 */
final class ManagedClock implements DeviceClock {
  private final ManagedDevice device;
  private volatile Reading lastRead;

  ManagedClock(ManagedDevice device) {
    this.device = device;
  }

  @Override
  public CompletionStage<Reading> read() {
    CompletionStage<Reading> stage =
        device.command(
            "clock_read", DeviceCapability.CLOCK_READ, () -> device.session().readClock());
    stage.thenAccept(r -> lastRead = r);
    return stage;
  }

  @Override
  public Optional<Reading> lastReading() {
    Reading read = lastRead;
    DeviceStatus s = device.last();
    Optional<Reading> fromStatus =
        s == null ? Optional.empty() : s.deviceClock().map(t -> new Reading(t, s.receivedAt()));
    if (fromStatus.isPresent()
        && (read == null || fromStatus.get().hostTime().isAfter(read.hostTime()))) {
      return fromStatus;
    }
    return Optional.ofNullable(read);
  }

  @Override
  public CompletionStage<Void> set(LocalDateTime time) {
    if (time == null) {
      return device.refused(
          "clock_set",
          new InvalidArgumentException(
              "the time must not be null", device.device(), null, null, null));
    }
    return device.command(
        "clock_set", DeviceCapability.CLOCK_SET, () -> device.session().setClock(time));
  }
}
