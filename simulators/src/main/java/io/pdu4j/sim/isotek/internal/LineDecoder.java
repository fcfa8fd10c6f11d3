package io.pdu4j.sim.isotek.internal;

import java.util.function.Consumer;

/**
 * Splits a byte stream into command lines ended by {@code \n}, {@code \r\n} or {@code \r}, with a
 * bound on the line length.
 *
 * <p>Pure and single-threaded: one instance per connection, fed from its reader thread. Bytes are
 * decoded as ISO-8859-1 so that every byte maps to one character and nothing fails to decode. A
 * line longer than the limit is not buffered: its excess is discarded up to the next line end, and
 * the consumer then receives {@link Line#overlong()} instead of its text.
 */
public final class LineDecoder {

  /** One decoded line, or the marker for a line that exceeded the limit and was discarded. */
  public record Line(String text, boolean overlong, int length) {

    static Line of(String text) {
      return new Line(text, false, text.length());
    }

    static Line discarded(int length) {
      return new Line("", true, length);
    }
  }

  private final int maxLength;
  private final StringBuilder buffer = new StringBuilder();
  private boolean discarding;
  private int discardedLength;
  private boolean lastWasCr;

  /**
   * Creates a decoder.
   *
   * @param maxLength the longest line kept, in characters, not counting its ending
   */
  public LineDecoder(int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be at least 1, was " + maxLength);
    }
    this.maxLength = maxLength;
  }

  /**
   * Feeds bytes in; every complete line is handed to {@code out} before this method returns, in
   * order. An incomplete line is kept for the next call.
   */
  public void feed(byte[] bytes, int offset, int length, Consumer<Line> out) {
    for (int i = offset; i < offset + length; i++) {
      char c = (char) (bytes[i] & 0xFF);
      if (c == '\n') {
        if (lastWasCr) {
          // second half of a CRLF: the line was already emitted on the CR
          lastWasCr = false;
          continue;
        }
        emit(out);
      } else if (c == '\r') {
        lastWasCr = true;
        emit(out);
      } else {
        lastWasCr = false;
        if (discarding) {
          discardedLength++;
        } else if (buffer.length() >= maxLength) {
          discarding = true;
          discardedLength = buffer.length() + 1;
          buffer.setLength(0);
        } else {
          buffer.append(c);
        }
      }
    }
  }

  private void emit(Consumer<Line> out) {
    if (discarding) {
      discarding = false;
      out.accept(Line.discarded(discardedLength));
      discardedLength = 0;
    } else {
      String text = buffer.toString();
      buffer.setLength(0);
      out.accept(Line.of(text));
    }
  }
}
