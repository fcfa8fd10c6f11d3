package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.DeviceStatus;
import java.util.Optional;

/**
 * What an IsoTek exchange may see of its session while its command is in flight. Every line is
 * numbered, and the session runs the status assembler on each line before the command queue hands
 * the line to the exchange, so an exchange looking at {@link #lastBlockSeq()} sees the block that
 * line completed.
 */
interface ReplyContext {

  /** The device's redacted address, for error messages. */
  String device();

  /** The number of the last line received (0 before the first). */
  long seq();

  /** The number of the first line of the last complete status block, or -1. */
  long lastBlockSeq();

  /** The status built from that block. */
  Optional<DeviceStatus> lastStatus();

  /** The last status block that was discarded, if any. */
  Optional<IsoTekStatusAssembler.Dropped> lastDropped();

  /**
   * Writes a follow-up command right away, bypassing the command queue: only for an exchange in
   * flight that will itself consume the follow-up's reply, so nothing else is sent in between.
   *
   * @param command the command line, with its {@code \n}
   * @param onFailure run on the device's thread if the write fails
   */
  void sendFollowUp(String command, Runnable onFailure);
}
