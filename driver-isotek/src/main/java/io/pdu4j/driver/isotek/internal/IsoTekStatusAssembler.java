package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Channel;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Clock;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Malformed;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Collects an IsoTek unit's {@code CHn=} lines into status blocks: {@code CH0} (the input), {@code
 * CH1..CHn} (the outlets), ended by the {@code RTC=} line. A block ended by {@code OK} instead (no
 * clock line) is accepted without a clock.
 *
 * <p>The same lines arrive in reply to {@code ?} and in the unit's one-second push, so this runs on
 * every line whatever command is in flight. A block is judged by its content: it must have {@code
 * CH0} and {@code CH1..CHn} without gaps and no malformed status line. Anything else is returned as
 * {@link Dropped}, so the caller can count it and never publishes half a status. The number of
 * outlets is not judged here: a unit swapped at the same address may have another one, and what
 * that means is the session's decision. Lines that are not status lines ({@code >}, garbage) do not
 * break a block: they are not channels.
 *
 * <p>Pure state machine, no I/O, not thread-safe: feed it from the device's thread. Each line comes
 * with a sequence number from the caller so that callers can tell blocks that began after a given
 * line (e.g. after a command's {@code OK}) from older ones.
 */
public final class IsoTekStatusAssembler {

  /** What ending a block produced. */
  public sealed interface Result {
    /** The sequence number of the block's first line. */
    long startSeq();
  }

  /**
   * A complete, consistent status block.
   *
   * @param startSeq the sequence number of its first line
   * @param input {@code CH0}
   * @param outlets {@code CH1..CHn} in order
   * @param clock the {@code RTC} time, when the block had one
   */
  public record Block(
      long startSeq, Channel input, List<Channel> outlets, Optional<LocalDateTime> clock)
      implements Result {
    /** Validates and copies. */
    public Block {
      Objects.requireNonNull(input, "input");
      outlets = List.copyOf(outlets);
      Objects.requireNonNull(clock, "clock");
    }
  }

  /**
   * A block that was discarded.
   *
   * @param startSeq the sequence number of its first line
   * @param reason why, for logs and errors
   */
  public record Dropped(long startSeq, String reason) implements Result {
    /** Validates that the reason is present. */
    public Dropped {
      Objects.requireNonNull(reason, "reason");
    }
  }

  private final Channel[] channels = new Channel[IsoTekFrame.MAX_CHANNEL + 1];
  private boolean open;
  private long startSeq;
  private String damage;

  /**
   * Takes one line.
   *
   * @param frame the parsed line
   * @param seq its sequence number, increasing
   * @return a block that this line ended or broke off, if any
   */
  public Optional<Result> accept(IsoTekFrame frame, long seq) {
    return Optional.ofNullable(take(frame, seq));
  }

  /**
   * Takes one line, as {@link #accept} does.
   *
   * @return the block that this line ended or broke off, or null: this runs for every line
   */
  Result take(IsoTekFrame frame, long seq) {
    if (frame instanceof Channel c) {
      Result abandoned = null;
      if (open && (c.number() == 0 || channels[c.number()] != null)) {
        abandoned = drop(damage != null ? damage : "incomplete: no RTC line before the next CH0");
      }
      if (!open) {
        begin(seq);
      }
      channels[c.number()] = c;
      return abandoned;
    }
    if (frame instanceof Clock clock) {
      if (!open) {
        return new Dropped(seq, "RTC line without CH lines before it");
      }
      return finish(Optional.of(clock.time()));
    }
    if (frame instanceof IsoTekFrame.Ok && open) {
      return finish(Optional.empty());
    }
    if (frame instanceof Malformed m && m.statusLine()) {
      if (!open) {
        begin(seq);
      }
      if (damage == null) {
        damage =
            "malformed line " + PowerDeviceException.printable(m.raw()) + " (" + m.reason() + ")";
      }
    }
    return null;
  }

  /** Forgets a partial block, e.g. when the link went down. */
  public void reset() {
    clear();
  }

  private void begin(long seq) {
    open = true;
    startSeq = seq;
  }

  private Result finish(Optional<LocalDateTime> clock) {
    if (damage != null) {
      return drop(damage);
    }
    if (channels[0] == null) {
      return drop("no CH0 line");
    }
    int n = 0;
    while (n < IsoTekFrame.MAX_CHANNEL && channels[n + 1] != null) {
      n++;
    }
    for (int i = n + 1; i <= IsoTekFrame.MAX_CHANNEL; i++) {
      if (channels[i] != null) {
        return drop("CH" + (n + 1) + " missing before CH" + i);
      }
    }
    if (n == 0) {
      return drop("no outlet lines (CH1..)");
    }
    // List.of: the immutable list Block keeps as it is, rather than a list copied again
    Block block =
        new Block(startSeq, channels[0], List.of(Arrays.copyOfRange(channels, 1, n + 1)), clock);
    clear();
    return block;
  }

  private Dropped drop(String reason) {
    Dropped d = new Dropped(startSeq, reason);
    clear();
    return d;
  }

  private void clear() {
    Arrays.fill(channels, null);
    open = false;
    damage = null;
  }
}
