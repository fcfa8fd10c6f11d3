package io.pdu4j.driver.isotek.internal;

import io.pdu4j.spi.support.LineFramer;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * Cuts an IsoTek unit's byte stream into lines: the SPI {@link LineFramer} with LF, CR LF and CR
 * line ends and the {@code >} prompt as a frame of its own, since the unit may send the prompt
 * without a line end and would otherwise hold back the end of every reply.
 *
 * <p>Bounded by {@code maxLength}: an over-long line goes to {@link LineFramer.Sink#onOverlong} and
 * is skipped up to its line end; the next line is read normally. Not thread-safe: feed it from the
 * device's thread.
 */
public final class IsoTekLineReader {

  /** The prompt token that ends every reply. */
  public static final String PROMPT = ">";

  private final LineFramer framer;
  private final LineFramer.Sink sink;

  /**
   * A reader.
   *
   * @param maxLength the longest line in bytes
   * @param sink where lines go
   */
  public IsoTekLineReader(int maxLength, LineFramer.Sink sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.framer = new LineFramer(maxLength, List.of(PROMPT));
  }

  /** Feeds a chunk as it came off the link; consumes it. */
  public void feed(ByteBuffer chunk) {
    framer.feed(chunk, sink);
  }

  /** Forgets a partial line (the link went down mid-line). */
  public void reset() {
    framer.reset();
  }
}
