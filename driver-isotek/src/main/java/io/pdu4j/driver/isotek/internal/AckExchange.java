package io.pdu4j.driver.isotek.internal;

import io.pdu4j.spi.Exchange;
import io.pdu4j.spi.Outcome;
import java.nio.ByteBuffer;

/** A command whose whole answer is {@code OK} (e.g. {@code T=}); completes at {@code OK}. */
final class AckExchange implements Exchange<IsoTekFrame, Void> {
  private final ReplyContext ctx;
  private final String command;
  private final String name;

  /**
   * An exchange.
   *
   * @param command the command line with its {@code \n}
   * @param name the command's metric name
   */
  AckExchange(ReplyContext ctx, String command, String name) {
    this.ctx = ctx;
    this.command = command;
    this.name = name;
  }

  @Override
  public ByteBuffer request() {
    return IsoTekReplies.bytes(command);
  }

  @Override
  public String describe() {
    return IsoTekReplies.describe(command);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Outcome<Void> onFrame(IsoTekFrame frame) {
    if (frame instanceof IsoTekFrame.Ok) {
      return Outcome.done(null);
    }
    return IsoTekReplies.other(ctx, describe(), frame);
  }
}
