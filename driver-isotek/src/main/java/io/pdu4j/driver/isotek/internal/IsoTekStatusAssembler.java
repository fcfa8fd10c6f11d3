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
   * A complete, consistent status block: {@code CH0} (the input) and {@code CH1..CHn} (the
   * outlets), each channel's state and readings in arrays by channel number rather than a {@link
   * Channel} each, and the clock. Immutable.
   */
  public static final class Block implements Result {
    private final long startSeq;
    private final int outletCount;
    private final long on; // bit n: channel n is on
    private final double[] volts; // by channel number, 0..outletCount (the array may be longer)
    private final double[] watts;
    private final Optional<LocalDateTime> clock;

    /**
     * A block of these channels.
     *
     * @param startSeq the sequence number of its first line
     * @param input {@code CH0}
     * @param outlets {@code CH1..CHn} in order, at least one
     * @param clock the {@code RTC} time, when the block had one
     */
    public Block(
        long startSeq, Channel input, List<Channel> outlets, Optional<LocalDateTime> clock) {
      this(
          startSeq,
          outlets.size(),
          onBits(input, outlets),
          readings(input, outlets, Channel::volts),
          readings(input, outlets, Channel::watts),
          clock);
    }

    /**
     * A block of the readings an assembler collected ({@code on}, {@code volts} and {@code watts}
     * by channel number, 0..outletCount, in arrays that may be longer), which it hands over and no
     * longer writes unless it is given the block back ({@link #recycle}).
     */
    Block(
        long startSeq,
        int outletCount,
        long on,
        double[] volts,
        double[] watts,
        Optional<LocalDateTime> clock) {
      if (outletCount < 1
          || outletCount > IsoTekFrame.MAX_CHANNEL
          || volts.length <= outletCount
          || watts.length <= outletCount) {
        throw new IllegalArgumentException(
            "a block has CH0 and 1.." + IsoTekFrame.MAX_CHANNEL + " outlets");
      }
      this.startSeq = startSeq;
      this.outletCount = outletCount;
      this.on = on;
      this.volts = volts;
      this.watts = watts;
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    private static long onBits(Channel input, List<Channel> outlets) {
      if (Objects.requireNonNull(input, "input").number() != 0) {
        throw new IllegalArgumentException("the input is CH0, not CH" + input.number());
      }
      long on = input.on() ? 1 : 0;
      for (int i = 0; i < outlets.size(); i++) {
        Channel c = outlets.get(i);
        if (c.number() != i + 1) {
          throw new IllegalArgumentException("outlet " + (i + 1) + " is CH" + c.number());
        }
        on |= c.on() ? 1L << c.number() : 0;
      }
      return on;
    }

    private static double[] readings(
        Channel input, List<Channel> outlets, java.util.function.ToDoubleFunction<Channel> value) {
      double[] readings = new double[outlets.size() + 1];
      readings[0] = value.applyAsDouble(input);
      for (int i = 0; i < outlets.size(); i++) {
        readings[i + 1] = value.applyAsDouble(outlets.get(i));
      }
      return readings;
    }

    @Override
    public long startSeq() {
      return startSeq;
    }

    /** The number of outlets, n of {@code CH1..CHn}. */
    public int outletCount() {
      return outletCount;
    }

    /** Whether channel {@code n} (0 the input, 1..{@link #outletCount()} the outlets) is on. */
    public boolean on(int n) {
      Objects.checkIndex(n, outletCount + 1);
      return (on & (1L << n)) != 0;
    }

    /** Channel {@code n}'s voltage. */
    public double volts(int n) {
      Objects.checkIndex(n, outletCount + 1);
      return volts[n];
    }

    /** Channel {@code n}'s power. */
    public double watts(int n) {
      Objects.checkIndex(n, outletCount + 1);
      return watts[n];
    }

    /** The {@code RTC} time, when the block had one. */
    public Optional<LocalDateTime> clock() {
      return clock;
    }

    /** Channel {@code n} as a frame. */
    public Channel channel(int n) {
      return new Channel(n, on(n), volts[n], watts[n]);
    }

    /** {@code CH0}, the input. */
    public Channel input() {
      return channel(0);
    }

    /** {@code CH1..CHn} in order. */
    public List<Channel> outlets() {
      Channel[] outlets = new Channel[outletCount];
      for (int n = 1; n <= outletCount; n++) {
        outlets[n - 1] = channel(n);
      }
      return List.of(outlets);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Block b
          && startSeq == b.startSeq
          && outletCount == b.outletCount
          && on == b.on
          && Arrays.equals(volts, 0, outletCount + 1, b.volts, 0, outletCount + 1)
          && Arrays.equals(watts, 0, outletCount + 1, b.watts, 0, outletCount + 1)
          && clock.equals(b.clock);
    }

    @Override
    public int hashCode() {
      return Objects.hash(
          startSeq,
          outletCount,
          on,
          Arrays.hashCode(Arrays.copyOf(volts, outletCount + 1)),
          Arrays.hashCode(Arrays.copyOf(watts, outletCount + 1)),
          clock);
    }

    @Override
    public String toString() {
      return "Block[startSeq="
          + startSeq
          + ", input="
          + input()
          + ", outlets="
          + outlets()
          + ", clock="
          + clock
          + "]";
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

  // the block so far, by channel number: no Channel object per line. A block takes these arrays
  // as they are, and the assembler is left without any (null) until the next block's first line:
  // by then the block before, handed on and done with at once as a rule, has come back (recycle)
  // and its arrays serve again; else new ones are made. So a device keeps one pair, not two
  private double[] volts = new double[IsoTekFrame.MAX_CHANNEL + 1];
  private double[] watts = new double[IsoTekFrame.MAX_CHANNEL + 1];
  private Block handed; // the last block made, until it comes back or the next one is made
  private int present; // bit n: CHn was read
  private long on; // bit n: CHn is on
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
      return channel(c.number(), c.on(), c.volts(), c.watts(), seq);
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

  /**
   * Takes a channel line given by its values, as {@link #take} takes its {@link Channel} frame.
   *
   * @param number the channel, 0..{@value IsoTekFrame#MAX_CHANNEL}
   * @return the block that this line broke off, or null
   */
  Result channel(int number, boolean isOn, double volts, double watts, long seq) {
    Objects.checkIndex(number, IsoTekFrame.MAX_CHANNEL + 1);
    Result abandoned = null;
    if (open && (number == 0 || (present & (1 << number)) != 0)) {
      abandoned = drop(damage != null ? damage : "incomplete: no RTC line before the next CH0");
    }
    if (!open) {
      begin(seq);
    }
    if (this.volts == null) {
      this.volts = new double[IsoTekFrame.MAX_CHANNEL + 1];
      this.watts = new double[IsoTekFrame.MAX_CHANNEL + 1];
    }
    present |= 1 << number;
    if (isOn) {
      on |= 1L << number;
    }
    this.volts[number] = volts;
    this.watts[number] = watts;
    return abandoned;
  }

  /** Forgets a partial block, e.g. when the link went down. */
  public void reset() {
    clear();
  }

  /**
   * Takes back {@code result}, the last block this assembler made, when its caller is done with it
   * and nothing holds it: its arrays are then written with the next block's readings instead of new
   * ones made for it (a status block a second, on every device). Anything else is ignored.
   */
  void recycle(Result result) {
    if (result != null && result == handed) {
      handed = null;
      if (volts == null) {
        volts = ((Block) result).volts;
        watts = ((Block) result).watts;
      }
    }
  }

  private void begin(long seq) {
    open = true;
    startSeq = seq;
  }

  private Result finish(Optional<LocalDateTime> clock) {
    if (damage != null) {
      return drop(damage);
    }
    if ((present & 1) == 0) {
      return drop("no CH0 line");
    }
    // CH1..CHn without gaps: the bits above CH0 up to the first channel missing
    int n = Integer.numberOfTrailingZeros(~(present >>> 1));
    int beyond = present >>> (n + 1);
    if (beyond != 0) {
      return drop(
          "CH" + (n + 1) + " missing before CH" + (n + 1 + Integer.numberOfTrailingZeros(beyond)));
    }
    if (n == 0) {
      return drop("no outlet lines (CH1..)");
    }
    Block block = new Block(startSeq, n, on, volts, watts, clock);
    volts = null; // the block's now: see recycle
    watts = null;
    handed = block;
    clear();
    return block;
  }

  private Dropped drop(String reason) {
    Dropped d = new Dropped(startSeq, reason);
    clear();
    return d;
  }

  private void clear() {
    present = 0;
    on = 0;
    open = false;
    damage = null;
  }
}
