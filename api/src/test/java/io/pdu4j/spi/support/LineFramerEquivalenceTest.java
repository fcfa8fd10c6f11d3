package io.pdu4j.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scanning {@link LineFramer} against the byte-at-a-time {@link ReferenceLineFramer}: the same
 * frames, over-long reports and partial line for random streams of lines, line ends, prompts and
 * raw bytes, cut into random chunks, in heap, read-only and direct buffers.
 */
class LineFramerEquivalenceTest {
  private static final List<List<String>> PROMPT_SETS =
      List.of(
          List.of(),
          List.of(">"),
          List.of(">", "OK"),
          List.of("Password:"),
          List.of("#", "> "),
          List.of("ab", "a", "abc"),
          List.of("\u20ac", ">"));
  private static final String[] PIECES = {
    "\r", "\n", "\r\n", "\n\r", ">", "> ", "OK", "Password:", "a", "ab", "abc", "#", "CH1=1|230|5|"
  };

  private static final class Recorder implements LineFramer.Sink {
    final List<String> events = new ArrayList<>();

    @Override
    public void onFrame(String frame) {
      events.add("F:" + frame);
    }

    @Override
    public void onOverlong(String start) {
      events.add("O:" + start);
    }
  }

  @Test
  void agreesWithTheReferenceOnRandomStreamsAndChunks() {
    Random random = new Random(12);
    for (int run = 0; run < 20_000; run++) {
      int maxLength = 1 + random.nextInt(random.nextBoolean() ? 8 : 300);
      List<String> prompts = PROMPT_SETS.get(random.nextInt(PROMPT_SETS.size()));
      byte[] input = input(random);
      int kind = random.nextInt(3);

      Recorder expected = new Recorder();
      ReferenceLineFramer reference = new ReferenceLineFramer(maxLength, prompts);
      Recorder actual = new Recorder();
      LineFramer framer = new LineFramer(maxLength, prompts);
      int at = 0;
      while (at < input.length) {
        int n = Math.min(input.length - at, random.nextInt(random.nextBoolean() ? 4 : 600));
        reference.feed(ByteBuffer.wrap(input, at, n), expected);
        ByteBuffer chunk = chunk(input, at, n, kind);
        framer.feed(chunk, actual);
        assertThat(chunk.hasRemaining()).isFalse();
        assertThat(framer.buffered()).isEqualTo(reference.buffered());
        at += n;
      }
      assertThat(actual.events)
          .as("run %d, maxLength %d, prompts %s", run, maxLength, prompts)
          .isEqualTo(expected.events);
    }
  }

  private static ByteBuffer chunk(byte[] input, int at, int n, int kind) {
    return switch (kind) {
      case 0 -> ByteBuffer.wrap(input, at, n);
      case 1 -> ByteBuffer.wrap(input, at, n).asReadOnlyBuffer();
      default -> {
        ByteBuffer direct = ByteBuffer.allocateDirect(n + 3);
        direct.position(3);
        direct.put(input, at, n);
        direct.position(3);
        yield direct;
      }
    };
  }

  private static byte[] input(Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int parts = random.nextInt(40);
    for (int i = 0; i < parts; i++) {
      switch (random.nextInt(4)) {
        case 0 ->
            out.writeBytes(
                PIECES[random.nextInt(PIECES.length)].getBytes(StandardCharsets.ISO_8859_1));
        case 1 ->
            out.writeBytes(
                "x"
                    .repeat(random.nextInt(random.nextBoolean() ? 10 : 400))
                    .getBytes(StandardCharsets.ISO_8859_1));
        case 2 -> {
          byte[] raw = new byte[random.nextInt(8)];
          random.nextBytes(raw);
          out.writeBytes(raw);
        }
        default -> out.writeBytes(PIECES[random.nextInt(3)].getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    return out.toByteArray();
  }
}
