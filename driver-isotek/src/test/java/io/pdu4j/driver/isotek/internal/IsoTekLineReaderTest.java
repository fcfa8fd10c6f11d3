package io.pdu4j.driver.isotek.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.spi.support.LineFramer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Framing through the real SPI {@link io.pdu4j.spi.support.LineFramer}, as the session configures
 * it.
 */
class IsoTekLineReaderTest {
  private final List<String> lines = new ArrayList<>();
  private final List<String> overlong = new ArrayList<>();

  private IsoTekLineReader reader(int maxLength) {
    return new IsoTekLineReader(
        maxLength,
        new LineFramer.Sink() {
          @Override
          public void onFrame(String line) {
            lines.add(line);
          }

          @Override
          public void onOverlong(String start) {
            overlong.add(start);
          }
        });
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  static String statusReply(String eol) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i <= 16; i++) {
      b.append("CH").append(i).append('=').append(i % 2).append("|230|").append(i).append('|');
      b.append(eol);
    }
    b.append("RTC=2026/11|21|10|00|00|").append(eol).append("OK").append(eol).append('>');
    return b.toString();
  }

  static List<String> statusReplyLines() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i <= 16; i++) {
      out.add("CH" + i + "=" + (i % 2) + "|230|" + i + "|");
    }
    out.add("RTC=2026/11|21|10|00|00|");
    out.add("OK");
    out.add(">");
    return out;
  }

  @Test
  void readsAWholeReplyInOneChunk() {
    reader(1024).feed(bytes(statusReply("\r\n")));
    assertThat(lines).isEqualTo(statusReplyLines());
  }

  @Test
  void readsAReplySplitAtEveryBytePosition() {
    String reply = statusReply("\r\n");
    for (int cut = 0; cut <= reply.length(); cut++) {
      lines.clear();
      IsoTekLineReader r = reader(1024);
      r.feed(bytes(reply.substring(0, cut)));
      r.feed(bytes(reply.substring(cut)));
      assertThat(lines).as("cut at %d", cut).isEqualTo(statusReplyLines());
    }
  }

  @Test
  void readsAReplyFedOneByteAtATime() {
    String reply = statusReply("\n");
    IsoTekLineReader r = reader(1024);
    for (int i = 0; i < reply.length(); i++) {
      r.feed(bytes(reply.substring(i, i + 1)));
    }
    assertThat(lines).isEqualTo(statusReplyLines());
  }

  @Test
  void readsLfCrLfAndCrAlike() {
    for (String eol : List.of("\n", "\r\n", "\r")) {
      lines.clear();
      reader(1024).feed(bytes(statusReply(eol)));
      assertThat(lines)
          .as("line end %s", eol.replace("\r", "CR").replace("\n", "LF"))
          .isEqualTo(statusReplyLines());
    }
  }

  @Test
  void readsSeveralFramesInOneChunk() {
    reader(1024).feed(bytes("OK\r\n>S1=1\nCH1=1|230|5|\rOK\n>"));
    assertThat(lines).containsExactly("OK", ">", "S1=1", "CH1=1|230|5|", "OK", ">");
  }

  @Test
  void thePromptEndsAReplyWithOrWithoutALineEnd() {
    IsoTekLineReader r = reader(1024);
    r.feed(bytes("OK\r\n>"));
    assertThat(lines).containsExactly("OK", ">");
    r.feed(bytes("\r\nOK\n>\n"));
    assertThat(lines).containsExactly("OK", ">", "OK", ">");
    r.feed(bytes(">CH0=1|230|0|\n"));
    assertThat(lines).containsExactly("OK", ">", "OK", ">", ">", "CH0=1|230|0|");
  }

  @Test
  void skipsAnOverlongLineAndReadsTheNext() {
    IsoTekLineReader r = reader(64);
    r.feed(bytes("CH1=1|230|" + "9".repeat(200) + "|\r\nOK\r\n>"));
    assertThat(overlong).singleElement().asString().startsWith("CH1=1|230|999");
    assertThat(lines).containsExactly("OK", ">");
  }

  @Test
  void skipsAnOverlongLineSplitAcrossChunks() {
    IsoTekLineReader r = reader(64);
    r.feed(bytes("x".repeat(50)));
    r.feed(bytes("x".repeat(50)));
    r.feed(bytes("x".repeat(50) + "\nCH0=1|230|0|\n"));
    assertThat(overlong).hasSize(1);
    assertThat(lines).containsExactly("CH0=1|230|0|");
  }

  @Test
  void passesGarbageOnAsLinesTheParserCallsUnknown() {
    IsoTekLineReader r = reader(1024);
    ByteBuffer garbage = ByteBuffer.wrap(new byte[] {0, (byte) 0xff, 0x1b, 'E', 'R', 'R', '\n'});
    r.feed(garbage);
    r.feed(bytes("OK\n"));
    assertThat(lines).hasSize(2);
    assertThat(IsoTekParser.parse(lines.get(0))).isInstanceOf(IsoTekFrame.Unknown.class);
    assertThat(IsoTekParser.parse(lines.get(1))).isSameAs(IsoTekFrame.OK);
  }

  @Test
  void resetDropsAPartialLine() {
    IsoTekLineReader r = reader(1024);
    r.feed(bytes("CH3=1|2"));
    r.reset();
    r.feed(bytes("OK\n"));
    assertThat(lines).containsExactly("OK");
  }
}
