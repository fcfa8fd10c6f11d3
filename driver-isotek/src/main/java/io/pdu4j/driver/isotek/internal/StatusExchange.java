package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.spi.support.Outcome;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * {@code ?}: completes at the unit's {@code OK} with the status block that began after the command
 * was sent, never an older one.
 *
 * <p>The status lines themselves reach the assembler through the session (they look the same as the
 * one-second push), so by the time {@code OK} arrives the reply's block is complete. A push that
 * began after the command was sent is as fresh as the reply and may be returned if the reply's own
 * block was lost. {@code OK} with no such block fails with {@link ProtocolException}: the unit
 * answered, but not with a usable status.
 */
final class StatusExchange extends IsoTekExchange<DeviceStatus> {
  private long sentSeq = Long.MAX_VALUE;

  StatusExchange(ReplyContext ctx) {
    super(ctx, IsoTekCommands.STATUS, "status");
  }

  @Override
  public ByteBuffer request() {
    // called once, on the device's thread, just before the bytes go out
    sentSeq = ctx.seq();
    return super.request();
  }

  @Override
  public Outcome<DeviceStatus> onFrame(IsoTekFrame frame) {
    if (!(frame instanceof IsoTekFrame.Ok)) {
      return IsoTekReplies.other(ctx, this, frame);
    }
    if (ctx.lastBlockSeq() > sentSeq) {
      Optional<DeviceStatus> status = ctx.lastStatus();
      if (status.isPresent()) {
        return Outcome.done(status.get());
      }
    }
    Optional<IsoTekStatusAssembler.Dropped> dropped =
        ctx.lastDropped().filter(d -> d.startSeq() > sentSeq);
    String why =
        dropped
            .map(d -> "the status in the reply was unusable: " + d.reason())
            .orElse("the device answered OK without a status");
    return Outcome.fail(
        new ProtocolException(why, ctx.device(), describe(), frame.toString(), null));
  }
}
