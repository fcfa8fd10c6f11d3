package io.pdu4j.spi.transport;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Lets a thread other than a connection's event loop write to the connection's socket itself, one
 * at a time, and makes the socket's closing wait until no such write is under way: a socket's
 * descriptor number is reused by the next socket opened, so a write that raced a close could land
 * on another device's connection.
 *
 * <p>The transport makes a gate for each connection and hands it to the event loop that serves it
 * (for Netty: the channel attribute {@link #CHANNEL_ATTRIBUTE}). The loop {@linkplain #open()
 * opens} it when the connection is registered, if it can promise to {@linkplain #shut() shut} it
 * before the socket closes (the runtime's I/O threads do: their registration of the connection is
 * cancelled on the loop right before the descriptor is closed). A gate nobody opened stays closed,
 * and the transport then writes only on the loop, as always.
 *
 * <p>A writer {@linkplain #enter() enters}, writes, and {@linkplain #leave() leaves}; the write is
 * one non-blocking system call, so {@link #shut()} waits at most that long (it spins).
 *
 * <p>A loop that opens gates also promises never to sleep longer than {@link #MAX_SLEEP}, so that a
 * task left for its next wake-up without waking it (the take-over of a command a caller wrote, the
 * completion of the write) runs within that long.
 */
public final class WriteGate {
  /** The name of the Netty channel attribute that carries a connection's gate. */
  public static final String CHANNEL_ATTRIBUTE = "io.pdu4j.writeGate";

  /** The longest a loop that opens gates sleeps, timers or not. */
  public static final java.time.Duration MAX_SLEEP =
      io.pdu4j.spi.support.CommandQueue.UNHURRIED_WITHIN;

  private static final int NEW = 0;
  private static final int OPEN = 1;
  private static final int WRITING = 2;
  private static final int SHUT = 3;

  private final AtomicInteger state = new AtomicInteger(NEW);
  private volatile BooleanSupplier batching = () -> false;

  /**
   * Lets writers in, unless the gate is shut already. Called by the loop that will shut it before
   * the socket closes.
   */
  public void open() {
    open(() -> false);
  }

  /**
   * As {@link #open()}, from a loop that may read in batches: {@code batching} says whether it does
   * now, when a task left for its next wake-up would also hold up a reply it should read at once.
   */
  public void open(BooleanSupplier batching) {
    this.batching = Objects.requireNonNull(batching, "batching");
    state.compareAndSet(NEW, OPEN);
  }

  /**
   * Whether a task may be left for the loop's next wake-up: the gate is open (the loop sleeps at
   * most {@link #MAX_SLEEP}) and the loop does not read in batches now.
   */
  public boolean unhurried() {
    return isOpen() && !batching.getAsBoolean();
  }

  /** Whether a writer may enter now (open, and no other writer inside). */
  public boolean enter() {
    return state.compareAndSet(OPEN, WRITING);
  }

  /** The writer that entered is done. */
  public void leave() {
    state.compareAndSet(WRITING, OPEN);
  }

  /**
   * Lets no writer in any more and waits for the one inside, if any, to leave. Idempotent; called
   * by the loop before the socket closes.
   */
  public void shut() {
    for (int spins = 0; ; spins++) {
      int s = state.get();
      if (s == SHUT) {
        return;
      }
      if (s != WRITING && state.compareAndSet(s, SHUT)) {
        return;
      }
      if (spins < 100) {
        Thread.onSpinWait();
      } else {
        Thread.yield(); // the writer's thread lost its core mid-write: let it have one
      }
    }
  }

  /** Whether the gate was opened and is not shut (for tests and diagnostics). */
  public boolean isOpen() {
    int s = state.get();
    return s == OPEN || s == WRITING;
  }

  @Override
  public String toString() {
    return "WriteGate["
        + (switch (state.get()) {
          case NEW -> "new";
          case OPEN -> "open";
          case WRITING -> "writing";
          default -> "shut";
        })
        + "]";
  }
}
