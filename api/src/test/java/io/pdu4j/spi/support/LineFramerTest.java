package io.pdu4j.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.InvalidArgumentException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LineFramerTest {
  private final List<String> frames = new ArrayList<>();
  private final List<String> overlong = new ArrayList<>();
  private final LineFramer.Sink sink =
      new LineFramer.Sink() {
        @Override
        public void onFrame(String frame) {
          frames.add(frame);
        }

        @Override
        public void onOverlong(String start) {
          overlong.add(start);
        }
      };

  private void feed(LineFramer f, String text) {
    f.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)), sink);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r\n", "\r"})
  void everyLineEndEndsALine(String eol) {
    LineFramer f = new LineFramer(64, List.of(">"));
    feed(f, "CH1=1|230|5|" + eol + "OK" + eol + ">" + eol + "RTC=x" + eol);
    assertThat(frames).containsExactly("CH1=1|230|5|", "OK", ">", "RTC=x");
    assertThat(f.buffered()).isZero();
  }

  @Test
  void promptWithoutLineEndIsAFrameAtOnce() {
    LineFramer f = new LineFramer(64, List.of(">"));
    feed(f, "OK\r\n>");
    assertThat(frames).containsExactly("OK", ">");
  }

  @Test
  void splitReadsAtEveryPositionGiveTheSameFrames() {
    String reply = "CH0=1|231|120|\r\nCH1=0|231|0|\r\nRTC=2026/11|21|10|00|00|\r\nOK\r\n>";
    byte[] bytes = reply.getBytes(StandardCharsets.ISO_8859_1);
    for (int cut = 0; cut <= bytes.length; cut++) {
      frames.clear();
      LineFramer f = new LineFramer(64, List.of(">"));
      f.feed(ByteBuffer.wrap(bytes, 0, cut), sink);
      f.feed(ByteBuffer.wrap(bytes, cut, bytes.length - cut), sink);
      assertThat(frames)
          .as("cut at %d", cut)
          .containsExactly("CH0=1|231|120|", "CH1=0|231|0|", "RTC=2026/11|21|10|00|00|", "OK", ">");
    }
  }

  @Test
  void aSinkThatReadsBytesGetsEveryLineAsBytesAndPromptsAsText() {
    String reply = "CH0=1|231|120|\r\nCH1=0|231|0|\r\nRTC=2026/11|21|10|00|00|\r\nOK\r\n>";
    byte[] bytes = reply.getBytes(StandardCharsets.ISO_8859_1);
    List<String> seen = new ArrayList<>();
    LineFramer.Sink bytesSink =
        new LineFramer.Sink() {
          @Override
          public void onFrame(String frame) {
            seen.add("text " + frame);
          }

          @Override
          public void onFrame(byte[] b, int from, int length) {
            seen.add("bytes " + new String(b, from, length, StandardCharsets.ISO_8859_1));
          }

          @Override
          public void onOverlong(String start) {
            overlong.add(start);
          }
        };
    for (int cut = 0; cut <= bytes.length; cut++) {
      seen.clear();
      LineFramer f = new LineFramer(64, List.of(">"));
      f.feed(ByteBuffer.wrap(bytes, 0, cut), bytesSink);
      f.feed(
          ByteBuffer.allocateDirect(bytes.length - cut).put(bytes, cut, bytes.length - cut).flip(),
          bytesSink);
      assertThat(seen)
          .as("cut at %d", cut)
          .containsExactly(
              "bytes CH0=1|231|120|",
              "bytes CH1=0|231|0|",
              "bytes RTC=2026/11|21|10|00|00|",
              "bytes OK",
              "text >");
    }
    assertThat(overlong).isEmpty();
  }

  @Test
  void crAtTheEndOfAChunkThenLfIsOneLineEnd() {
    LineFramer f = new LineFramer(64, List.of());
    feed(f, "A\r");
    feed(f, "\nB\n");
    assertThat(frames).containsExactly("A", "B");
  }

  @Test
  void emptyLinesAreDropped() {
    LineFramer f = new LineFramer(64, List.of());
    feed(f, "\n\r\n\rA\n\n");
    assertThat(frames).containsExactly("A");
  }

  @Test
  void overLongLineIsReportedAndSkippedToTheNextLineEnd() {
    LineFramer f = new LineFramer(16, List.of(">"));
    feed(f, "OK\n" + "X".repeat(40));
    assertThat(overlong).hasSize(1);
    assertThat(overlong.get(0)).isEqualTo("X".repeat(16));
    assertThat(f.buffered()).isZero();
    feed(f, "X".repeat(1000) + "\nCH1=1|2|3|\n");
    assertThat(frames).containsExactly("OK", "CH1=1|2|3|");
    assertThat(overlong).hasSize(1);
  }

  @Test
  void bytesAreDecodedOneToOne() {
    LineFramer f = new LineFramer(64, List.of());
    f.feed(ByteBuffer.wrap(new byte[] {(byte) 0xFF, 0x00, 'a', '\n'}), sink);
    assertThat(frames).containsExactly("\u00ff\u0000a");
  }

  @Test
  void directBuffersAreFramedLikeHeapBuffers() {
    LineFramer f = new LineFramer(64, List.of(">"));
    byte[] bytes =
        ("CH1=1|230|5|\r\n" + "X".repeat(600) + "\nOK\r\n>").getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
    direct.put(bytes).flip();
    f.feed(direct, sink);
    assertThat(direct.hasRemaining()).isFalse();
    assertThat(frames).containsExactly("CH1=1|230|5|", "OK", ">");
    assertThat(overlong).containsExactly("X".repeat(64));
  }

  @Test
  void aFramerFedDirectBuffersFromAnotherFramersSinkOnTheSameThreadKeepsBothStreamsApart() {
    // a tunnel: the outer framer's lines carry the inner device's bytes, fed while the outer
    // framer is still scanning its own direct buffer on the same thread
    LineFramer inner = new LineFramer(64, List.of(">"));
    LineFramer outer = new LineFramer(64, List.of());
    List<String> outerFrames = new ArrayList<>();
    LineFramer.Sink outerSink =
        new LineFramer.Sink() {
          @Override
          public void onFrame(String frame) {
            outerFrames.add(frame);
            inner.feed(direct(("CH1=1|230|" + frame.length() + "|\r\n>").repeat(20)), sink);
          }

          @Override
          public void onOverlong(String start) {
            throw new AssertionError(start);
          }
        };
    outer.feed(direct("first outer line\nsecond\nthird line of the outer stream\n"), outerSink);
    outer.feed(direct("fourth\n"), outerSink);

    assertThat(outerFrames)
        .containsExactly("first outer line", "second", "third line of the outer stream", "fourth");
    List<String> expected = new ArrayList<>();
    for (String f : outerFrames) {
      for (int i = 0; i < 20; i++) {
        expected.add("CH1=1|230|" + f.length() + "|");
        expected.add(">");
      }
    }
    assertThat(frames).isEqualTo(expected);
  }

  private static ByteBuffer direct(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
  }

  @Test
  void aLongPromptArrivingAByteAtATimeIsOneFrame() {
    LineFramer f = new LineFramer(64, List.of("Password:"));
    for (char c : "Password:user\n".toCharArray()) {
      feed(f, String.valueOf(c));
    }
    assertThat(frames).containsExactly("Password:", "user");
  }

  @Test
  void resetForgetsThePartialLine() {
    LineFramer f = new LineFramer(64, List.of());
    feed(f, "partial");
    f.reset();
    feed(f, "whole\n");
    assertThat(frames).containsExactly("whole");
  }

  @Test
  void refusesBadSettings() {
    assertThatThrownBy(() -> new LineFramer(0, List.of()))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> new LineFramer(8, List.of("\n")))
        .isInstanceOf(InvalidArgumentException.class);
  }
}
