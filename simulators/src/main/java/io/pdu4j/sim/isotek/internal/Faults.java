package io.pdu4j.sim.isotek.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The faults currently injected; all off at first.
 *
 * <p>Thread-safe: set from a test thread, read by the connection and push threads. One-shot faults
 * are consumed by whichever connection replies next.
 */
public final class Faults {

  private volatile Duration replyLatency = Duration.ZERO;
  private volatile boolean silent;
  private volatile boolean pushesPaused;
  private final AtomicInteger pushDuringReplies = new AtomicInteger();
  private final AtomicInteger pushBeforeReplies = new AtomicInteger();
  private final AtomicBoolean closeMidReply = new AtomicBoolean();
  private final AtomicBoolean truncateReply = new AtomicBoolean();

  /** The delay before each reply. */
  public Duration replyLatency() {
    return replyLatency;
  }

  /** Sets the delay before each reply; zero for none. */
  public void setReplyLatency(Duration latency) {
    if (latency == null || latency.isNegative()) {
      throw new IllegalArgumentException("latency must be zero or positive, was " + latency);
    }
    this.replyLatency = latency;
  }

  /** Whether commands are executed but never answered. */
  public boolean silent() {
    return silent;
  }

  /** Sets whether commands are executed but never answered. */
  public void setSilent(boolean silent) {
    this.silent = silent;
  }

  /** Whether the periodic status pushes are paused. */
  public boolean pushesPaused() {
    return pushesPaused;
  }

  /** Pauses or resumes the periodic status pushes. */
  public void setPushesPaused(boolean paused) {
    this.pushesPaused = paused;
  }

  /** Arms a push block inside each of the next {@code count} replies (0 disarms). */
  public void setPushDuringReplies(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be zero or positive, was " + count);
    }
    pushDuringReplies.set(count);
  }

  /** Consumes one armed push-during-reply, if any. */
  public boolean takePushDuringReply() {
    return pushDuringReplies.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  /** Arms a push block right before each of the next {@code count} replies (0 disarms). */
  public void setPushBeforeReplies(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be zero or positive, was " + count);
    }
    pushBeforeReplies.set(count);
  }

  /** Consumes one armed push-before-reply, if any. */
  public boolean takePushBeforeReply() {
    return pushBeforeReplies.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  /** Arms or disarms close-mid-reply for the next reply. */
  public void setCloseMidReply(boolean armed) {
    closeMidReply.set(armed);
  }

  /** Consumes the armed close-mid-reply, if any. */
  public boolean takeCloseMidReply() {
    return closeMidReply.getAndSet(false);
  }

  /** Arms or disarms truncate-next-reply (half the reply, the connection stays). */
  public void setTruncateReply(boolean armed) {
    truncateReply.set(armed);
  }

  /** Consumes the armed truncate-next-reply, if any. */
  public boolean takeTruncateReply() {
    return truncateReply.getAndSet(false);
  }

  /** Turns every fault off. */
  public void clear() {
    replyLatency = Duration.ZERO;
    silent = false;
    pushesPaused = false;
    pushDuringReplies.set(0);
    pushBeforeReplies.set(0);
    closeMidReply.set(false);
    truncateReply.set(false);
  }
}
