package io.pdu4j.spi;

/**
 * What a driver tells the runtime about the input it had to skip, for the {@code
 * pdu.frames.malformed} meter (tag {@code reason}: {@code malformed} or {@code overlong}). The
 * runtime hands one to each device in its {@link DriverContext}; without metrics it does nothing.
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
}
