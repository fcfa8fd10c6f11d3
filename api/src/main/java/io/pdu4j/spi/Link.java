package io.pdu4j.spi;

import io.pdu4j.api.UnsupportedCapabilityException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A way to move bytes to and from one device: a TCP connection, a serial port, a tunnel through a
 * gateway, or a UDP endpoint. Framing is not the link's business.
 *
 * <p>A link is created closed. {@link #open(LinkListener)} opens it; after it went down it may be
 * opened again (reconnect). Every listener call and every stage completion happens on {@link
 * #executor()}, which is also where the driver runs its session and timers, so a driver needs no
 * locks.
 */
public interface Link {

  /** Whether the link carries a byte stream or datagrams. */
  enum Kind {
    /** Bytes in order, with no boundaries ({@link LinkListener#onData}). */
    STREAM,
    /** Whole datagrams with their peers ({@link LinkListener#onDatagram}). */
    DATAGRAM
  }

  /** Stream or datagram. */
  Kind kind();

  /**
   * Whether the link delivers what the device sends unasked. A request/reply tunnel does not, and a
   * driver that relies on pushes must then poll.
   */
  boolean carriesUnsolicited();

  /** What this link is connected to, safe to log (no secrets). */
  String describe();

  /**
   * The single thread on which this link calls its listener; drivers schedule their timers here.
   */
  ScheduledExecutorService executor();

  /**
   * Opens the link. Completes (on {@link #executor()}, after {@link LinkListener#onUp()}) when it
   * is up, or fails with {@link io.pdu4j.api.DeviceUnreachableException}, or with {@link
   * io.pdu4j.api.DeviceClosedException} when {@link #close()} is called before it completes (so a
   * reconnect loop can tell the two apart). Calling it while open or opening returns a stage that
   * fails with {@link IllegalStateException}. If the executor has been shut down, stages complete
   * on the calling thread.
   */
  CompletionStage<Void> open(LinkListener listener);

  /** Whether the link is up. */
  boolean isOpen();

  /**
   * Writes bytes on a stream link (or a datagram to the link's default peer). Completes when the
   * bytes are handed to the operating system; fails with {@link io.pdu4j.api.LinkLostException}
   * when the link is not open or the write fails, and with {@link io.pdu4j.api.DeviceBusyException}
   * when the outbound buffer is full. The buffer's remaining bytes are copied before this returns.
   * Safe from any thread (a {@link io.pdu4j.spi.support.CommandQueue} that {@linkplain
   * io.pdu4j.spi.support.CommandQueue#sendFromCaller() sends from the caller's thread} calls it
   * there); the stage still completes on {@link #executor()}.
   *
   * <p>A request/reply link in front of a gateway (an Extron tunnel) completes when the gateway has
   * answered instead, and fails with {@link io.pdu4j.api.DeviceRejectedException} when the gateway
   * refused the request (an error code, a denied login): it will refuse the next requests alike, so
   * a driver still opening should fail its open with it rather than wait for its ready timeout. A
   * busy gateway fails with {@link io.pdu4j.api.DeviceBusyException}, worth asking again.
   */
  CompletionStage<Void> send(ByteBuffer data);

  /**
   * Runs {@code task} on {@link #executor()} at its next wake-up, without waking it for the task,
   * where the link knows that wake-up comes within {@link
   * io.pdu4j.spi.transport.WriteGate#MAX_SLEEP}; otherwise (the default) as {@code
   * executor().execute(task)}. For work that need not be done now but must be done soon: the
   * take-over of a command a caller's thread wrote ({@link
   * io.pdu4j.spi.support.CommandQueue#sendFromCaller(java.util.concurrent.Executor)}). Safe from
   * any thread; throws {@link java.util.concurrent.RejectedExecutionException} as {@code execute}
   * does.
   */
  default void executeUnhurried(Runnable task) {
    executor().execute(task);
  }

  /** Sends a datagram to its peer, on datagram links. */
  default CompletionStage<Void> send(Datagram datagram) {
    throw new UnsupportedCapabilityException(describe() + " is not a datagram link");
  }

  /**
   * Closes the link; the listener gets {@link LinkListener#onDown} if it was up. Idempotent.
   * Completes when the underlying resource is released.
   */
  CompletionStage<Void> close();
}
