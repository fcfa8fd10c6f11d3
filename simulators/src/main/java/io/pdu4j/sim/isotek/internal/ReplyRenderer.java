package io.pdu4j.sim.isotek.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns replies and pushes into the exact text written on the socket.
 *
 * <p>Pure. A reply is its body lines, {@code OK} (or the error line), then the {@code >} prompt,
 * each line followed by the configured ending, the prompt only if so configured. A push is the
 * status lines alone: no {@code OK}, no prompt.
 */
public final class ReplyRenderer {

  private final String ending;
  private final boolean promptLineEnd;
  private final String errorLine;

  /**
   * Creates a renderer.
   *
   * @param ending the characters after each line
   * @param promptLineEnd whether the {@code >} prompt is followed by {@code ending}
   * @param errorLine the line sent instead of {@code OK} for a rejected command
   */
  public ReplyRenderer(String ending, boolean promptLineEnd, String errorLine) {
    this.ending = ending;
    this.promptLineEnd = promptLineEnd;
    this.errorLine = errorLine;
  }

  /** Renders {@code reply} alone. */
  public String render(Reply reply) {
    return render(reply, List.of());
  }

  /**
   * Renders {@code reply} with {@code pushLines} (a whole status block, or nothing) inserted in its
   * middle: halfway through the body, or before {@code OK}/the error line when there is no body of
   * more than one line. The push lines always come as a whole block, between two complete lines.
   */
  public String render(Reply reply, List<String> pushLines) {
    List<String> lines = new ArrayList<>(reply.body());
    lines.add(reply.rejected() ? errorLine : "OK");
    int insertAt = (reply.body().size() + 1) / 2;
    lines.addAll(insertAt, pushLines);
    StringBuilder out = new StringBuilder();
    appendLines(out, lines);
    out.append('>');
    if (promptLineEnd) {
      out.append(ending);
    }
    return out.toString();
  }

  /** Renders a push: the lines, each with its ending, nothing after. */
  public String renderPush(List<String> statusLines) {
    StringBuilder out = new StringBuilder();
    appendLines(out, statusLines);
    return out.toString();
  }

  /** Renders one line with its ending. */
  public String renderLine(String line) {
    return line + ending;
  }

  private void appendLines(StringBuilder out, List<String> lines) {
    for (String line : lines) {
      out.append(line).append(ending);
    }
  }
}
