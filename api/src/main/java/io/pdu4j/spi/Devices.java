package io.pdu4j.spi;

import io.pdu4j.api.PowerDevice;
import io.pdu4j.spi.internal.ManagedDevice;
import io.pdu4j.spi.support.CommandQueue;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Builds the {@link PowerDevice} around a driver's {@link DeviceSession}: pdu4j's one
 * implementation of the user's types. The runtime calls it for every device it opens; a driver's
 * own tests may call it (or {@link PowerDriver#open}) to open a device without the runtime.
 */
public final class Devices {
  private Devices() {}

  /**
   * Opens a device: opens {@code context}'s link, starts {@code session}, and completes with the
   * device once it reported its first status (see {@link PowerDriver#open}).
   */
  public static CompletionStage<PowerDevice> open(DeviceSession session, DriverContext context) {
    return open(session, context, null);
  }

  /**
   * Opens a device as {@link #open(DeviceSession, DriverContext)} does, telling {@code observer} of
   * every command the device runs: its name ({@code refresh}, {@code switch_on}, {@code
   * switch_off}, {@code switch_all}, {@code cycle}, {@code config}, {@code configure}, {@code
   * restart}, {@code clock_read}, {@code clock_set}, {@code schedule_read}, {@code schedule_add},
   * {@code schedule_replace}, {@code schedule_clear}), how long it took from the call, and how it
   * ended; on the thread that completed it.
   *
   * @param observer the command observer, or null
   */
  public static CompletionStage<PowerDevice> open(
      DeviceSession session, DriverContext context, CommandQueue.Observer observer) {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(context, "context");
    return ManagedDevice.open(session, context, observer);
  }
}
