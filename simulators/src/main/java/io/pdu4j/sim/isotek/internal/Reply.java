package io.pdu4j.sim.isotek.internal;

import java.util.List;

/**
 * What the simulator answers to one command, before rendering.
 *
 * @param body the lines before {@code OK} (empty for most commands)
 * @param rejected true for the error reply, in which case the body is empty
 */
public record Reply(List<String> body, boolean rejected) {

  private static final Reply OK = new Reply(List.of(), false);
  private static final Reply ERROR = new Reply(List.of(), true);

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

  /** The error reply. */
  public static Reply error() {
    return ERROR;
  }
}
