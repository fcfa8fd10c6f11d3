package io.pdu4j.spi;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.spi.support.CommandQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * What the runtime gives a {@link PowerDriver} to open a device with.
 *
 * @param address the device's address
 * @param link the link to the device, created closed; the driver opens it
 * @param options the device's settings, with the address's overrides applied
 * @param clock the wall clock (tests may pass a fixed one)
 * @param counters where the driver counts skipped input ({@link DriverCounters#NONE} counts
 *     nothing)
 */
public record DriverContext(
    DeviceAddress address, Link link, DeviceOptions options, Clock clock, DriverCounters counters) {

  /** Validates that nothing is null. */
  public DriverContext {
    java.util.Objects.requireNonNull(address, "address");
    java.util.Objects.requireNonNull(link, "link");
    java.util.Objects.requireNonNull(options, "options");
    java.util.Objects.requireNonNull(clock, "clock");
    java.util.Objects.requireNonNull(counters, "counters");
  }

  /** A context whose counters count nothing (tests, drivers wired by hand). */
  public DriverContext(DeviceAddress address, Link link, DeviceOptions options, Clock clock) {
    this(address, link, options, clock, DriverCounters.NONE);
  }

  /** The device's thread, where the link calls back and the driver keeps its state. */
  public ScheduledExecutorService executor() {
    return link.executor();
  }

  /**
   * A command queue for this device: its executor, {@link DeviceOptions#queueCapacity()} and {@link
   * DeviceOptions#commandTimeout()}, writing to its link, telling no observer (pdu4j times the
   * device's commands itself). The queue is support, not contract ({@code io.pdu4j.spi.support}
   * knows no SPI type), so the context builds it.
   *
   * @param <F> the frame type
   * @param settleAfterTimeout see {@link CommandQueue#CommandQueue}
   * @param unsolicited receives frames no command claims
   */
  public <F> CommandQueue<F> commandQueue(Duration settleAfterTimeout, Consumer<F> unsolicited) {
    return new CommandQueue<>(
        address.toString(),
        executor(),
        options.queueCapacity(),
        options.commandTimeout(),
        settleAfterTimeout,
        link::send,
        unsolicited,
        null);
  }
}
