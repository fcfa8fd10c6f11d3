package io.pdu4j.sim.isotek.internal;

import java.util.List;

/**
 * What the simulator answers to one command, before rendering.
 *
 * @param body the lines before {@code OK} (empty for most commands)
 * @param rejected true for the error reply, in which case the body is empty
 * @param restart true when the unit restarts once the reply is out ({@code X})
 */
public record Reply(List<String> body, boolean rejected, boolean restart) {

  private static final Reply OK = new Reply(List.of(), false, false);
  private static final Reply ERROR = new Reply(List.of(), true, false);
  private static final Reply RESTART = new Reply(List.of(), false, true);

  /** A reply that does not restart the unit. */
  public Reply(List<String> body, boolean rejected) {
    this(body, rejected, false);
  }

  /** Copies the body. */
  public Reply {
    body = List.copyOf(body);
    if (rejected && !body.isEmpty()) {
      throw new IllegalArgumentException("an error reply has no body");
    }
  }

  /** {@code OK} and the prompt. */
  public static Reply ok() {
    return OK;
  }

  /** {@code lines}, {@code OK} and the prompt. */
  public static Reply ok(List<String> lines) {
    return new Reply(lines, false);
  }

  /** {@code OK} and the prompt, then the unit restarts. */
  public static Reply okThenRestart() {
    return RESTART;
  }

  /** The error reply. */
  public static Reply error() {
    return ERROR;
  }
}
