package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Address;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Unknown;
import io.pdu4j.spi.support.Exchange;
import io.pdu4j.spi.support.Outcome;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** What every IsoTek exchange shares in reading a reply. */
final class IsoTekReplies {
  private IsoTekReplies() {}

  /** The command's bytes (US-ASCII: every command is ASCII). */
  static ByteBuffer bytes(String command) {
    return ByteBuffer.wrap(command.getBytes(StandardCharsets.US_ASCII));
  }

  /** The command without its line end, for messages. */
  static String describe(String command) {
    return command.strip();
  }

  /**
   * The outcome of a line that is neither {@code OK} nor a status line: the prompt and status lines
   * (which the session has already handed to the assembler) are not the exchange's business;
   * anything else rejects the command with the line as the device's answer.
   */
  static <R> Outcome<R> other(ReplyContext ctx, Exchange<?, ?> sent, IsoTekFrame frame) {
    return other(ctx, sent, frame, "the device rejected the command");
  }

  /**
   * As {@link #other(ReplyContext, Exchange, IsoTekFrame)}, with the rejection's message. The
   * exchange is described only when it fails: every line of a status block passes here.
   */
  static <R> Outcome<R> other(
      ReplyContext ctx, Exchange<?, ?> sent, IsoTekFrame frame, String message) {
    // an address line cannot answer a command either: a session never asks for it
    if (frame instanceof Unknown || frame instanceof Address) {
      return Outcome.fail(
          new DeviceRejectedException(
              message, ctx.device(), sent.describe(), frame.toString(), null));
    }
    return Outcome.unsolicited();
  }
}
