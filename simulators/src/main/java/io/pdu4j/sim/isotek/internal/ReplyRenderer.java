package io.pdu4j.sim.isotek.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns replies and pushes into the exact text written on the socket.
 *
 * <p>Pure. A reply is its body lines, {@code OK} (or the error line), then the {@code >} prompt,
 * each line followed by the configured ending, the prompt only if so configured. A push is the
 * status lines alone, or (when so configured) the status lines, {@code OK} and the prompt exactly
 * as the answer to {@code ?}.
 */
public final class ReplyRenderer {

  private final String ending;
  private final boolean promptLineEnd;
  private final String errorLine;
  private final boolean pushWithOk;

  /**
   * Creates a renderer whose pushes are the status lines alone.
   *
   * @param ending the characters after each line
   * @param promptLineEnd whether the {@code >} prompt is followed by {@code ending}
   * @param errorLine the line sent instead of {@code OK} for a rejected command
   */
  public ReplyRenderer(String ending, boolean promptLineEnd, String errorLine) {
    this(ending, promptLineEnd, errorLine, false);
  }

  /**
   * Creates a renderer.
   *
   * @param ending the characters after each line
   * @param promptLineEnd whether the {@code >} prompt is followed by {@code ending}
   * @param errorLine the line sent instead of {@code OK} for a rejected command
   * @param pushWithOk whether a push ends with {@code OK} and the prompt, as the answer to {@code
   *     ?}
   */
  public ReplyRenderer(String ending, boolean promptLineEnd, String errorLine, boolean pushWithOk) {
    this.ending = ending;
    this.promptLineEnd = promptLineEnd;
    this.errorLine = errorLine;
    this.pushWithOk = pushWithOk;
  }

  /** Whether a push ends with {@code OK} and the prompt. */
  public boolean pushWithOk() {
    return pushWithOk;
  }

  /** Renders {@code reply} alone. */
  public String render(Reply reply) {
    return render(reply, List.of());
  }

  /**
   * Renders {@code reply} with {@code pushLines} (a whole status block, or nothing) inserted in its
   * middle: halfway through the body, or before {@code OK}/the error line when there is no body of
   * more than one line. The push always comes whole (with its {@code OK} and prompt when pushes
   * carry them), between two complete lines.
   */
  public String render(Reply reply, List<String> pushLines) {
    List<String> lines = new ArrayList<>(reply.body());
    int insertAt = (reply.body().size() + 1) / 2;
    StringBuilder out = new StringBuilder();
    appendLines(out, lines.subList(0, insertAt));
    if (!pushLines.isEmpty()) {
      out.append(renderPush(pushLines));
    }
    appendLines(out, lines.subList(insertAt, lines.size()));
    out.append(reply.rejected() ? errorLine : "OK").append(ending);
    appendPrompt(out);
    return out.toString();
  }

  /**
   * Renders a push: the lines, each with its ending; then {@code OK} and the prompt when pushes are
   * configured to end like the answer to {@code ?}.
   */
  public String renderPush(List<String> statusLines) {
    StringBuilder out = new StringBuilder();
    appendLines(out, statusLines);
    if (pushWithOk) {
      out.append("OK").append(ending);
      appendPrompt(out);
    }
    return out.toString();
  }

  private void appendPrompt(StringBuilder out) {
    out.append('>');
    if (promptLineEnd) {
      out.append(ending);
    }
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
