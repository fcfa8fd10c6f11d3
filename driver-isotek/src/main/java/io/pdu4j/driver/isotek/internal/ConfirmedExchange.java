package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.spi.support.Outcome;
import java.util.function.Function;

/**
 * A switching command ({@code Sx=s}, {@code G}, {@code H}) that completes only when the unit has
 * accepted it ({@code OK}) and then reported a status that began after that {@code OK}.
 *
 * <p>At the {@code OK} this exchange writes {@code ?} at once, outside the queue, and stays in
 * flight until the {@code OK} of that {@code ?} too: nothing else is sent in between, and the
 * follow-up's {@code OK} cannot be taken for the next command's. The confirming status is the first
 * block that began after the first {@code OK}: the reply to {@code ?} or a push, whichever comes
 * first. If the follow-up's status was unusable, the exchange keeps waiting for a push until its
 * timeout. What the confirming status means (the outlet's new state, or the whole status) is up to
 * {@code confirm}.
 *
 * @param <R> the result
 */
final class ConfirmedExchange<R> extends IsoTekExchange<R> {
  private final Function<DeviceStatus, Outcome<R>> confirm;
  private boolean accepted;
  private long okSeq;
  private boolean followUpAnswered;
  private DeviceStatus confirmation;

  /**
   * An exchange.
   *
   * @param command the command line with its {@code \n}
   * @param name the command's metric name
   * @param confirm judges the confirming status; must not throw
   */
  ConfirmedExchange(
      ReplyContext ctx, String command, String name, Function<DeviceStatus, Outcome<R>> confirm) {
    super(ctx, command, name);
    this.confirm = confirm;
  }

  @Override
  public String describe() {
    return accepted ? super.describe() + ", then ?" : super.describe();
  }

  @Override
  public Outcome<R> onFrame(IsoTekFrame frame) {
    if (accepted && confirmation == null && ctx.lastBlockSeq() > okSeq) {
      confirmation = ctx.lastStatus().orElse(null);
    }
    if (frame instanceof IsoTekFrame.Ok) {
      if (!accepted) {
        accepted = true;
        okSeq = ctx.seq();
        ctx.sendFollowUp(IsoTekCommands.STATUS, () -> followUpAnswered = true);
        return Outcome.more();
      }
      followUpAnswered = true;
      return confirmation != null ? confirm.apply(confirmation) : Outcome.more();
    }
    Outcome<R> other =
        accepted
            ? IsoTekReplies.other(
                ctx,
                this,
                frame,
                "the device accepted the command, then rejected the status request after it")
            : IsoTekReplies.other(ctx, this, frame);
    if (other.kind() == Outcome.Kind.UNSOLICITED
        && confirmation != null
        && followUpAnswered
        && !(frame instanceof IsoTekFrame.Prompt)) {
      // the follow-up's status was unusable and a later push has now confirmed
      return confirm.apply(confirmation);
    }
    return other;
  }
}
