package io.pdu4j.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes {@link LineFramer} with every option combination (CR, LF and CR LF line ends, prompt
 * tokens, maxLength) and arbitrary chunking of the same input.
 *
 * <p>Seeds: {@code src/test/resources/io/pdu4j/spi/support/LineFramerFuzzTestInputs/frames/}. See
 * docs/reliability.md for how to fuzz it for a fixed time.
 */
class LineFramerFuzzTest {
  private static final List<List<String>> PROMPT_SETS =
      List.of(
          List.of(), List.of(">"), List.of(">", "OK"), List.of("Password:"), List.of("#", "> "));
  private static final byte[][] LINE_ENDS = {{'\r'}, {'\n'}, {'\r', '\n'}};
  private static final int MAX_INPUT = 4096;

  /** What a framer reported, in order: frames as "F:text", over-long lines as "O:start". */
  private static final class Recorder implements LineFramer.Sink {
    final List<String> events = new ArrayList<>();
    final List<String> frames = new ArrayList<>();
    int overlong;

    @Override
    public void onFrame(String frame) {
      events.add("F:" + frame);
      frames.add(frame);
    }

    @Override
    public void onOverlong(String start) {
      events.add("O:" + start);
      overlong++;
    }
  }

  @FuzzTest
  void frames(FuzzedDataProvider data) {
    int maxLength = data.consumeInt(1, 300);
    List<String> prompts = data.pickValue(PROMPT_SETS);
    int[] cutSeeds = data.consumeInts(data.consumeInt(0, 16));
    byte[] input = input(data, prompts);
    int[] cuts = cuts(cutSeeds, input.length);

    Recorder whole = new Recorder();
    LineFramer one = new LineFramer(maxLength, prompts);
    one.feed(ByteBuffer.wrap(input), whole);

    Recorder chunked = new Recorder();
    LineFramer split = new LineFramer(maxLength, prompts);
    int from = 0;
    for (int cut : cuts) {
      ByteBuffer chunk = ByteBuffer.wrap(input, from, cut - from);
      split.feed(chunk, chunked);
      assertThat(chunk.hasRemaining()).as("feed consumes the whole chunk").isFalse();
      from = cut;
    }
    split.feed(ByteBuffer.wrap(input, from, input.length - from), chunked);

    // the same bytes in any chunks give the same frames and the same over-long reports
    assertThat(chunked.events).isEqualTo(whole.events);
    assertThat(split.buffered()).isEqualTo(one.buffered());

    assertThat(one.buffered()).isBetween(0, maxLength);
    for (String frame : whole.frames) {
      assertThat(frame).isNotEmpty().doesNotContain("\r", "\n");
      assertThat(frame.length()).isLessThanOrEqualTo(maxLength);
    }
    for (String event : whole.events) {
      if (event.startsWith("O:")) {
        assertThat(event.length() - 2).isLessThanOrEqualTo(Math.min(64, maxLength));
      }
    }

    String text = new String(input, StandardCharsets.ISO_8859_1);
    String content = text.replace("\r", "").replace("\n", "");
    if (whole.overlong == 0) {
      // nothing lost, nothing invented: frames then the partial line are the input without line
      // ends
      assertThat(String.join("", whole.frames) + tail(text, one.buffered())).isEqualTo(content);
    }
    if (prompts.isEmpty()) {
      assertThat(whole.events).isEqualTo(model(text, maxLength));
    }

    one.reset();
    assertThat(one.buffered()).isZero();
  }

  /** The last {@code n} characters of the input that are not line ends. */
  private static String tail(String text, int n) {
    String content = text.replace("\r", "").replace("\n", "");
    return content.substring(content.length() - n);
  }

  /**
   * An independent statement of the contract without prompts: split at CR LF, CR or LF; drop empty
   * lines; a completed line longer than maxLength is one over-long report with its first min(64,
   * maxLength) characters, as is an unfinished one that already passed the bound.
   */
  private static List<String> model(String text, int maxLength) {
    List<String> events = new ArrayList<>();
    String[] parts = text.split("\r\n|\r|\n", -1);
    for (int i = 0; i < parts.length; i++) {
      String line = parts[i];
      boolean last = i == parts.length - 1;
      if (line.length() > maxLength) {
        events.add("O:" + line.substring(0, Math.min(64, maxLength)));
      } else if (!line.isEmpty() && !last) {
        events.add("F:" + line);
      }
    }
    return events;
  }

  /** Either raw bytes or a stream built from lines, line ends and prompts. */
  private static byte[] input(FuzzedDataProvider data, List<String> prompts) {
    if (data.consumeBoolean()) {
      return data.consumeBytes(MAX_INPUT);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (out.size() < MAX_INPUT && data.remainingBytes() > 0) {
      switch (data.consumeInt(0, 3)) {
        case 0 -> out.writeBytes(data.consumeAsciiString(data.consumeInt(0, 400)).getBytes());
        case 1 -> out.writeBytes(data.pickValue(LINE_ENDS));
        case 2 -> {
          if (!prompts.isEmpty()) {
            out.writeBytes(data.pickValue(prompts).getBytes(StandardCharsets.ISO_8859_1));
          }
        }
        default -> out.writeBytes(data.consumeBytes(data.consumeInt(0, 8)));
      }
    }
    return out.toByteArray();
  }

  /** Ascending cut positions in [0, length]. */
  private static int[] cuts(int[] seeds, int length) {
    return java.util.Arrays.stream(seeds).map(s -> Math.floorMod(s, length + 1)).sorted().toArray();
  }
}
