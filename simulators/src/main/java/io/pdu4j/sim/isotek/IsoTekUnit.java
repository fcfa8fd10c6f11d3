package io.pdu4j.sim.isotek;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.pdu4j.sim.isotek.internal.CommandProcessor;
import io.pdu4j.sim.isotek.internal.DeviceModel;
import io.pdu4j.sim.isotek.internal.Reply;
import io.pdu4j.sim.isotek.internal.ReplyRenderer;
import io.pdu4j.sim.isotek.internal.StatusFormat;

/**
 * One simulated IsoTek unit without any I/O: the {@link IsoTekSimulator}'s device model, command
 * handling and reply text, for a caller that does its own networking (a load generator serving
 * thousands of units from one thread). Made by {@link IsoTekSimulator.Builder#buildUnit()}, so it
 * answers exactly as a simulator with the same settings writes on its socket.
 *
 * <p>Thread-safe. What needs a server is left out: {@code X} is answered {@code OK} but restarts
 * nothing, and there is no fault injection. The {@code A=} line gives port 0.
 */
public final class IsoTekUnit {

  private final DeviceModel device;
  private final ReplyRenderer renderer;
  private final CommandProcessor processor;
  private final boolean silentOnError;

  IsoTekUnit(IsoTekSimulator.Builder b) {
    this.device = IsoTekSimulator.model(b);
    this.renderer = IsoTekSimulator.renderer(b);
    String address =
        StatusFormat.addressLine(b.serialNumber(), b.mac(), "127.0.0.1", 0, "0.0.0.0", 0);
    this.processor = new CommandProcessor(device, () -> address, b.refused());
    this.silentOnError = b.silentOnError();
  }

  /**
   * Executes one command line (without its line ending) and returns the bytes to send back: the
   * reply's lines, {@code OK} or the error reply, and the prompt; none for a rejected command when
   * the unit is silent on errors.
   */
  public byte[] answer(String line) {
    Reply reply = processor.handle(line);
    if (reply.rejected() && silentOnError) {
      return new byte[0];
    }
    return renderer.render(reply).getBytes(ISO_8859_1);
  }

  /** The status push as it is sent unasked: the status block, with its endings. */
  public byte[] push() {
    return renderer.renderPush(StatusFormat.statusLines(device.snapshot())).getBytes(ISO_8859_1);
  }

  /** Whether outlet {@code n} (from 1) is on. */
  public boolean outletState(int n) {
    return device.isOn(n);
  }

  /** The number of outlets, 8 or 16. */
  public int outletCount() {
    return device.outletCount();
  }
}
