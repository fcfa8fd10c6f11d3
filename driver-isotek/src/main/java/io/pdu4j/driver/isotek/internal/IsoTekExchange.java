package io.pdu4j.driver.isotek.internal;

import io.pdu4j.spi.support.Exchange;
import java.nio.ByteBuffer;

/**
 * What every IsoTek exchange shares: one command line, sent as US-ASCII, described without its line
 * end, and named for metrics. Subclasses read the reply.
 *
 * @param <R> the result
 */
abstract class IsoTekExchange<R> implements Exchange<IsoTekFrame, R> {
  final ReplyContext ctx;
  final String command;
  private final String name;
  private final String described;

  /**
   * An exchange.
   *
   * @param command the command line with its {@code \n}
   * @param name the command's metric name
   */
  IsoTekExchange(ReplyContext ctx, String command, String name) {
    this.ctx = ctx;
    this.command = command;
    this.name = name;
    this.described = IsoTekReplies.describe(command);
  }

  @Override
  public ByteBuffer request() {
    return IsoTekReplies.bytes(command);
  }

  @Override
  public String describe() {
    return described;
  }

  @Override
  public String name() {
    return name;
  }
}
