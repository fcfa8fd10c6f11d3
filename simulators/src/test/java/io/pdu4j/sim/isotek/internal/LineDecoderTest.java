package io.pdu4j.sim.isotek.internal;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineDecoderTest {

  private final List<LineDecoder.Line> out = new ArrayList<>();

  private void feed(LineDecoder decoder, String text) {
    byte[] bytes = text.getBytes(ISO_8859_1);
    decoder.feed(bytes, 0, bytes.length, out::add);
  }

  private List<String> texts() {
    return out.stream()
        .map(l -> l.overlong() ? "<overlong " + l.length() + ">" : l.text())
        .toList();
  }

  @Test
  void splitsOnLfCrLfAndCr() {
    LineDecoder decoder = new LineDecoder(1024);
    feed(decoder, "?\nS1=1\r\nS2=0\rG\n");
    assertThat(texts()).containsExactly("?", "S1=1", "S2=0", "G");
  }

  @Test
  void keepsAnIncompleteLineForTheNextRead() {
    LineDecoder decoder = new LineDecoder(1024);
    feed(decoder, "S1");
    assertThat(out).isEmpty();
    feed(decoder, "=1\nS");
    feed(decoder, "2=0\n");
    assertThat(texts()).containsExactly("S1=1", "S2=0");
  }

  @Test
  void aCrLfSplitAcrossReadsIsOneLineEnd() {
    LineDecoder decoder = new LineDecoder(1024);
    feed(decoder, "H\r");
    feed(decoder, "\nG\r");
    feed(decoder, "\n");
    assertThat(texts()).containsExactly("H", "G");
  }

  @Test
  void blankLinesAreEmittedEmptyForTheCallerToSkip() {
    LineDecoder decoder = new LineDecoder(1024);
    feed(decoder, "\n\r\r\n?\n");
    assertThat(texts()).containsExactly("", "", "", "?");
  }

  @Test
  void aLineAtTheLimitIsKeptOneBeyondIsDiscardedToTheNextLineEnd() {
    LineDecoder decoder = new LineDecoder(8);
    feed(decoder, "12345678\n123456789\nok\n");
    assertThat(texts()).containsExactly("12345678", "<overlong 9>", "ok");
  }

  @Test
  void anOverlongLineSpreadOverManyReadsIsNeverBuffered() {
    LineDecoder decoder = new LineDecoder(16);
    for (int i = 0; i < 1000; i++) {
      feed(decoder, "x".repeat(100));
    }
    assertThat(out).isEmpty();
    feed(decoder, "\r\n?\n");
    assertThat(texts()).containsExactly("<overlong 100000>", "?");
  }

  @Test
  void feedsFromAnOffset() {
    LineDecoder decoder = new LineDecoder(16);
    byte[] bytes = "junkG\nmore".getBytes(ISO_8859_1);
    decoder.feed(bytes, 4, 2, out::add);
    assertThat(texts()).containsExactly("G");
  }
}
