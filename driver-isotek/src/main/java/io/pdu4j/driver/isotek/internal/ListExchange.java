package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.ProtocolException;
import io.pdu4j.spi.support.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * A command answered by a list of lines of one kind and {@code OK}: {@code C?} ({@code Cn=} lines)
 * and {@code P?} ({@code Pn=} lines). Completes at {@code OK} with the lines in the order received.
 *
 * <p>Status pushes arriving in the middle are not its business (the session handles them). A line
 * that starts like one of its lines but breaks the shape fails the command at {@code OK} with
 * {@link ProtocolException}: a partial list read as the whole would, for example, drop a locked
 * outlet's lock.
 *
 * @param <T> the frame kind collected
 */
final class ListExchange<T extends IsoTekFrame> extends IsoTekExchange<List<T>> {
  /** The most lines kept: 16 outlets, or 99 schedule records, with room to spare. */
  static final int MAX_LINES = 128;

  private final Class<T> kind;
  private final char letter;
  private final List<T> lines = new ArrayList<>();
  private String damage;

  /**
   * An exchange.
   *
   * @param command the command line with its {@code \n}
   * @param name the command's metric name
   * @param kind the frame kind collected
   * @param letter the first letter of its lines, to tell its malformed lines from others
   */
  ListExchange(ReplyContext ctx, String command, String name, Class<T> kind, char letter) {
    super(ctx, command, name);
    this.kind = kind;
    this.letter = letter;
  }

  @Override
  public Outcome<List<T>> onFrame(IsoTekFrame frame) {
    if (kind.isInstance(frame)) {
      if (lines.size() >= MAX_LINES) {
        damage = "more than " + MAX_LINES + " lines";
      } else {
        lines.add(kind.cast(frame));
      }
      return Outcome.more();
    }
    if (frame instanceof IsoTekFrame.Malformed m
        && !m.statusLine()
        && !m.raw().isEmpty()
        && m.raw().charAt(0) == letter) {
      if (damage == null) {
        damage = m.reason() + " in " + m.raw();
      }
      return Outcome.more();
    }
    if (frame instanceof IsoTekFrame.Ok) {
      if (damage != null) {
        return Outcome.fail(
            new ProtocolException(
                "the answer had an unusable line: " + damage,
                ctx.device(),
                describe(),
                frame.toString(),
                null));
      }
      return Outcome.done(List.copyOf(lines));
    }
    return IsoTekReplies.other(ctx, this, frame);
  }
}
