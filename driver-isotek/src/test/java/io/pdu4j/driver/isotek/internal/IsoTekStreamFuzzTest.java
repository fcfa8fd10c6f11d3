package io.pdu4j.driver.isotek.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Channel;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Malformed;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Unknown;
import io.pdu4j.driver.isotek.internal.IsoTekStatusAssembler.Block;
import io.pdu4j.driver.isotek.internal.IsoTekStatusAssembler.Result;
import io.pdu4j.spi.support.LineFramer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Fuzzes what an IsoTek session does with the bytes a unit sends: {@link IsoTekLineReader} (fed in
 * arbitrary chunks), {@link IsoTekParser} on every line and {@link IsoTekStatusAssembler} on every
 * frame, as {@code IsoTekSession.onLine} does.
 *
 * <p>Properties: nothing throws; lines and kept raw text are bounded; every parsed record, written
 * back in the document's format by its {@code toString()}, parses to the same record; every block
 * is consistent (CH0, then CH1..CHn, the same n throughout); and well-formed status blocks mixed
 * with other lines come out as exactly the blocks that were sent.
 */
class IsoTekStreamFuzzTest {
  private static final int MAX_FRAME = 512;
  private static final int MAX_INPUT = 8192;
  private static final List<String> NOISE =
      List.of(
          "OK", ">", "> ", "ERR", "E13", "?", "A=00123|00:1A:2B:3C:4D:5E|", "C1=Router|2|5|", "");
  private static final byte[][] LINE_ENDS = {{'\r'}, {'\n'}, {'\r', '\n'}};

  @FuzzTest
  void stream(FuzzedDataProvider data) {
    int[] cutSeeds = data.consumeInts(data.consumeInt(0, 12));
    List<List<Channel>> sent = new ArrayList<>();
    byte[] input = data.consumeBoolean() ? data.consumeBytes(MAX_INPUT) : statusStream(data, sent);

    List<String> lines = new ArrayList<>();
    IsoTekLineReader reader =
        new IsoTekLineReader(
            MAX_FRAME,
            new LineFramer.Sink() {
              @Override
              public void onFrame(String line) {
                lines.add(line);
              }

              @Override
              public void onOverlong(String start) {
                assertThat(start.length()).isLessThanOrEqualTo(64);
              }
            });
    int from = 0;
    for (int cut : cuts(cutSeeds, input.length)) {
      reader.feed(ByteBuffer.wrap(input, from, cut - from));
      from = cut;
    }
    reader.feed(ByteBuffer.wrap(input, from, input.length - from));

    IsoTekStatusAssembler assembler = new IsoTekStatusAssembler();
    List<Block> blocks = new ArrayList<>();
    long seq = 0;
    for (String line : lines) {
      assertThat(line.length()).isBetween(1, MAX_FRAME);
      IsoTekFrame frame = IsoTekParser.parse(line);
      checkFrame(line, frame);
      long n = ++seq;
      Optional<Result> result = assembler.accept(frame, n);
      if (result.isPresent()) {
        assertThat(result.get().startSeq()).isBetween(1L, n);
        if (result.get() instanceof Block b) {
          checkBlock(b, blocks);
          blocks.add(b);
        }
      }
    }
    if (!sent.isEmpty()) {
      assertThat(blocks.stream().map(IsoTekStreamFuzzTest::channels).toList())
          .as("the well-formed blocks that were sent")
          .isEqualTo(sent);
    }
  }

  private static List<Channel> channels(Block b) {
    List<Channel> all = new ArrayList<>();
    all.add(b.input());
    all.addAll(b.outlets());
    return all;
  }

  private static void checkFrame(String line, IsoTekFrame frame) {
    if (frame instanceof Malformed m) {
      assertThat(m.raw().length()).isLessThanOrEqualTo(IsoTekParser.MAX_LINE + 3);
    } else if (frame instanceof Unknown u) {
      assertThat(u.raw().length()).isLessThanOrEqualTo(IsoTekParser.MAX_LINE + 3);
    } else if (frame instanceof IsoTekFrame.Ok) {
      assertThat(line.strip()).isEqualTo("OK");
    } else if (frame instanceof IsoTekFrame.Prompt) {
      assertThat(line.strip()).isEqualTo(">");
    } else {
      String written = frame.toString();
      if (written.length() > IsoTekParser.MAX_LINE) {
        return; // normalised text may add a '|' to a line that was at the limit
      }
      assertThat(IsoTekParser.parse(written))
          .as("%s written back as %s", line, written)
          .isEqualTo(frame);
    }
  }

  private static void checkBlock(Block b, List<Block> before) {
    assertThat(b.input().number()).isZero();
    assertThat(b.outlets()).isNotEmpty().hasSizeLessThanOrEqualTo(IsoTekFrame.MAX_CHANNEL);
    for (int i = 0; i < b.outlets().size(); i++) {
      assertThat(b.outlets().get(i).number()).isEqualTo(i + 1);
    }
    if (!before.isEmpty()) {
      assertThat(b.outlets()).hasSameSizeAs(before.get(0).outlets());
      assertThat(b.startSeq()).isGreaterThan(before.get(before.size() - 1).startSeq());
    }
  }

  /**
   * Well-formed status blocks of one outlet count, with other lines and line ends between them; the
   * blocks' channels go to {@code sent}.
   */
  private static byte[] statusStream(FuzzedDataProvider data, List<List<Channel>> sent) {
    int outlets = data.consumeInt(1, IsoTekFrame.MAX_CHANNEL);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (out.size() < MAX_INPUT && data.remainingBytes() > 0) {
      byte[] eol = data.pickValue(LINE_ENDS);
      if (data.consumeBoolean()) {
        List<Channel> block = new ArrayList<>();
        for (int n = 0; n <= outlets; n++) {
          String volts = reading(data);
          String watts = reading(data);
          boolean on = data.consumeBoolean();
          block.add(new Channel(n, on, Double.parseDouble(volts), Double.parseDouble(watts)));
          write(out, "CH%d=%d|%s|%s|".formatted(n, on ? 1 : 0, volts, watts), eol);
        }
        write(
            out,
            "RTC=%04d/%02d|%02d|%02d|%02d|%02d|"
                .formatted(
                    data.consumeInt(2000, 2099),
                    data.consumeInt(1, 12),
                    data.consumeInt(1, 28),
                    data.consumeInt(0, 23),
                    data.consumeInt(0, 59),
                    data.consumeInt(0, 59)),
            eol);
        sent.add(block);
      } else {
        // lines that are not status lines: replies, the prompt, junk without CH/RTC/OK
        String line =
            data.consumeBoolean()
                ? data.pickValue(NOISE)
                : "x" + data.consumeAsciiString(40).replaceAll("[\r\n]", " ");
        write(out, line, eol);
      }
    }
    return out.toByteArray();
  }

  private static String reading(FuzzedDataProvider data) {
    String whole = Integer.toString(data.consumeInt(0, 999_999));
    return data.consumeBoolean() ? whole : whole + "." + data.consumeInt(0, 99);
  }

  private static void write(ByteArrayOutputStream out, String line, byte[] eol) {
    out.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(eol);
  }

  private static int[] cuts(int[] seeds, int length) {
    return Arrays.stream(seeds).map(s -> Math.floorMod(s, length + 1)).sorted().toArray();
  }
}
