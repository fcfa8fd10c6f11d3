package io.pdu4j.spi.support;

/**
 * How many commands sent on the calling thread await their reply: the event loop that serves a
 * device reads it to poll its connections at once while a reply is awaited, where it would
 * otherwise wait a moment to read a busy fleet's pushes in batches (the runtime's I/O threads do
 * so). {@link CommandQueue} counts its commands in flight here, on the device's executor; a driver
 * that sends its commands without one can count its own with {@link #started()} and {@link
 * #ended()}, in pairs, on that executor.
 *
 * <p>A per-thread counter: no locks, no effect on other threads.
 */
public final class AwaitedReplies {
  private static final ThreadLocal<int[]> COUNT = ThreadLocal.withInitial(() -> new int[1]);

  private AwaitedReplies() {}

  /** A command was sent on this thread and awaits its reply. */
  public static void started() {
    COUNT.get()[0]++;
  }

  /** A command counted with {@link #started()} on this thread has its reply, or never will. */
  public static void ended() {
    int[] count = COUNT.get();
    if (count[0] > 0) {
      count[0]--;
    }
  }

  /** Whether a command sent on this thread awaits its reply. */
  public static boolean any() {
    return COUNT.get()[0] > 0;
  }
}
