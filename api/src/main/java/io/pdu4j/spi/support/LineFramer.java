package io.pdu4j.spi.support;

import io.pdu4j.api.InvalidArgumentException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Cuts a byte stream into text lines: ended by LF, CR LF or a lone CR, with optional prompt tokens
 * that count as a whole frame without any line end (a {@code >} prompt usually has none).
 *
 * <p>Bounded: a line longer than {@code maxLength} bytes is reported to {@link
 * Sink#onOverlong(String)} and the rest of it is skipped up to the next line end; nothing is
 * buffered beyond the bound. Bytes are decoded as ISO-8859-1, one char per byte, so decoding never
 * fails. Empty lines are dropped. A prompt token is recognised only as the whole content of a line
 * so far; a real line must therefore not start with a prompt token.
 *
 * <p>Not thread-safe: feed it from the link's thread.
 */
public final class LineFramer {

  /** Receives what the framer cuts. */
  public interface Sink {
    /** A complete line without its line end, or a prompt token. */
    void onFrame(String frame);

    /**
     * A line exceeded the bound and was dropped.
     *
     * @param start the first bytes of the dropped line (at most 64), for diagnostics
     */
    void onOverlong(String start);

    /** A sink from two functions: one for frames, one for the starts of dropped lines. */
    static Sink of(
        java.util.function.Consumer<String> frames, java.util.function.Consumer<String> overlong) {
      java.util.Objects.requireNonNull(frames, "frames");
      java.util.Objects.requireNonNull(overlong, "overlong");
      return new Sink() {
        @Override
        public void onFrame(String frame) {
          frames.accept(frame);
        }

        @Override
        public void onOverlong(String start) {
          overlong.accept(start);
        }
      };
    }
  }

  private final int maxLength;
  private final List<String> prompts;
  private final int longestPrompt;
  private final StringBuilder line;
  private boolean afterCr;
  private boolean skipping;

  /**
   * A framer.
   *
   * @param maxLength the longest line in bytes, 1 or more
   * @param prompts tokens that form a frame on their own, without a line end
   */
  public LineFramer(int maxLength, List<String> prompts) {
    if (maxLength < 1) {
      throw new InvalidArgumentException("maxLength must be 1 or more, got " + maxLength);
    }
    for (String p : prompts) {
      if (p.isEmpty() || p.indexOf('\r') >= 0 || p.indexOf('\n') >= 0) {
        throw new InvalidArgumentException("a prompt must be non-empty text without line ends");
      }
    }
    this.maxLength = maxLength;
    this.prompts = List.copyOf(prompts);
    this.longestPrompt = prompts.stream().mapToInt(String::length).max().orElse(0);
    this.line = new StringBuilder(Math.min(maxLength, 256));
  }

  /** Feeds a chunk; frames go to {@code sink} before this returns. Consumes the buffer. */
  public void feed(ByteBuffer chunk, Sink sink) {
    while (chunk.hasRemaining()) {
      char c = (char) (chunk.get() & 0xFF);
      if (c == '\n') {
        if (!afterCr) {
          endLine(sink);
        }
        afterCr = false;
        continue;
      }
      afterCr = false;
      if (c == '\r') {
        endLine(sink);
        afterCr = true;
        continue;
      }
      if (skipping) {
        continue;
      }
      if (line.length() >= maxLength) {
        String start = line.substring(0, Math.min(64, line.length()));
        line.setLength(0);
        skipping = true;
        sink.onOverlong(start);
        continue;
      }
      line.append(c);
      if (line.length() <= longestPrompt && prompts.contains(line.toString())) {
        String prompt = line.toString();
        line.setLength(0);
        sink.onFrame(prompt);
      }
    }
  }

  private void endLine(Sink sink) {
    if (skipping) {
      skipping = false;
      line.setLength(0);
      return;
    }
    if (line.length() > 0) {
      String frame = line.toString();
      line.setLength(0);
      sink.onFrame(frame);
    }
  }

  /** Forgets any partial line, e.g. after the link went down. */
  public void reset() {
    line.setLength(0);
    afterCr = false;
    skipping = false;
  }

  /** Bytes of the current partial line. */
  public int buffered() {
    return line.length();
  }
}
