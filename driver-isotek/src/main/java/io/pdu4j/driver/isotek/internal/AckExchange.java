package io.pdu4j.driver.isotek.internal;

import io.pdu4j.spi.support.Outcome;

/** A command whose whole answer is {@code OK} (e.g. {@code T=}); completes at {@code OK}. */
final class AckExchange extends IsoTekExchange<Void> {

  /**
   * An exchange.
   *
   * @param command the command line with its {@code \n}
   * @param name the command's metric name
   */
  AckExchange(ReplyContext ctx, String command, String name) {
    super(ctx, command, name);
  }

  @Override
  public Outcome<Void> onFrame(IsoTekFrame frame) {
    if (frame instanceof IsoTekFrame.Ok) {
      return Outcome.done(null);
    }
    return IsoTekReplies.other(ctx, this, frame);
  }
}
