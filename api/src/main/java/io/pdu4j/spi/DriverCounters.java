package io.pdu4j.spi;

/**
 * What a device tells the runtime's meters: the commands it ran (counted by pdu4j's device itself)
 * and, from the driver, the input it had to skip, for the {@code pdu.frames.malformed} meter (tag
 * {@code reason}: {@code malformed} or {@code overlong}) and the {@code pdu.readings.dropped} meter
 * (tag {@code reason}: {@code outlet_limit} or {@code source}). The runtime hands one to each
 * device in its {@link DriverContext}; without metrics it does nothing.
 *
 * <p>Call it on the device's thread when a frame is skipped; it never blocks and never throws.
 */
public interface DriverCounters {
  /** Counts nothing. */
  DriverCounters NONE = new DriverCounters() {};

  /** A frame arrived that the driver could not parse and skipped. */
  default void malformedFrame() {}

  /** A frame longer than the driver's bound arrived and was skipped. */
  default void overlongFrame() {}

  /**
   * A well-formed reading was dropped because it would have added an outlet beyond the device's
   * bound (outlets are never evicted to make room).
   */
  default void readingOverOutletLimit() {}

  /**
   * A datagram was dropped unread because its source is not one the device accepts readings from.
   */
  default void readingFromRefusedSource() {}

  /**
   * A command of the device completed, for the {@code pdu.commands} timer. pdu4j's device calls it
   * for every command a user ran, on the thread that completed it.
   *
   * @param command the command's name ({@code refresh}, {@code switch_on}, ...: see {@link
   *     Devices#open(DeviceSession, DriverContext, CommandQueue.Observer)})
   * @param elapsed from the call to the completion
   * @param failure what it failed with, or null
   */
  default void commandCompleted(String command, java.time.Duration elapsed, Throwable failure) {}
}
