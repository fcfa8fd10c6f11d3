package io.pdu4j.driver.extron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pdu4j.api.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Fuzzes the IPCP's reply reader ({@link SisReplyReader}) as {@code ExtronTunnelLink} uses it:
 * requests (SIS commands awaiting one line, send-data-strings awaiting the device's reply after the
 * IPCP's prefix and echo) answered by bytes that arrive in arbitrary chunks; a {@code 0L} reply is
 * ended by quiet once everything has arrived.
 *
 * <p>Properties: nothing is thrown but {@link ProtocolException}; a reply never holds more bytes
 * than were given, nor uses more than are kept; never more than the bound is kept; the same bytes
 * cut anywhere give the same replies, unless the bound was hit (the bytes dropped depend on the
 * cuts) or the delimiter is a byte of an {@code Enn} (then an error cut before its CR LF is read as
 * the device's data, as the IPCP's own reader does).
 */
class SisReplyReaderFuzzTest {
  private static final String[] PREFIXES = {"", "", ">", "COM1:", "\r\n"};
  private static final String[] ECHOES = {"", "?\r", "pset 1 on\r", "E13", "Q"};

  @FuzzTest
  void replies(FuzzedDataProvider data) {
    int max = data.consumeInt(1, 600);
    boolean crlfAppended = data.consumeBoolean();
    OptionalInt delimiter =
        data.consumeBoolean() ? OptionalInt.of(data.consumeInt(0, 255)) : OptionalInt.empty();
    byte[] prefix = bytes(data.pickValue(PREFIXES));
    int n = data.consumeInt(1, 4);
    List<byte[]> requests = new ArrayList<>(); // null: a SIS command awaiting one line
    for (int i = 0; i < n; i++) {
      requests.add(data.consumeBoolean() ? null : bytes(data.pickValue(ECHOES)));
    }
    int[] cutSeeds = data.consumeInts(data.consumeInt(0, 12));
    byte[] input = data.consumeRemainingAsBytes();

    int[] cuts =
        Arrays.stream(cutSeeds).map(s -> Math.floorMod(s, input.length + 1)).sorted().toArray();
    List<byte[]> chunks = new ArrayList<>();
    int from = 0;
    for (int cut : cuts) {
      chunks.add(Arrays.copyOfRange(input, from, cut));
      from = cut;
    }
    chunks.add(Arrays.copyOfRange(input, from, input.length));

    Run whole = run(List.of(input), requests, delimiter, crlfAppended, prefix, max);
    Run cut = run(chunks, requests, delimiter, crlfAppended, prefix, max);
    int d = delimiter.orElse(-1);
    boolean inError = d == 'E' || (d >= '0' && d <= '9') || (!crlfAppended && d == '\r');
    if (!whole.overlong && !cut.overlong && !inError) {
      assertThat(cut.replies).as("the same bytes cut elsewhere").isEqualTo(whole.replies);
    }
  }

  private record Run(List<String> replies, boolean overlong) {}

  private static Run run(
      List<byte[]> chunks,
      List<byte[]> requests,
      OptionalInt delimiter,
      boolean crlfAppended,
      byte[] prefix,
      int max) {
    SisReplyReader reader = new SisReplyReader(delimiter, crlfAppended, prefix, max);
    List<String> replies = new ArrayList<>();
    boolean overlong = false;
    int fed = 0;
    int request = 0;
    expect(reader, requests.get(0));
    try {
      for (byte[] chunk : chunks) {
        fed += chunk.length;
        SisReplyReader.Read read = reader.feed(chunk);
        while (true) {
          overlong |= read.overlong();
          assertThat(reader.buffered()).isBetween(0, max);
          assertThat(read.consumed()).isBetween(0, fed);
          if (read.reply().isEmpty()) {
            break;
          }
          replies.add(checked(read.reply().get(), fed));
          assertThat(reader.mode()).isEqualTo(SisReplyReader.Mode.NONE);
          assertThat(read.consumed() + reader.buffered()).isLessThanOrEqualTo(fed);
          if (++request == requests.size()) {
            break;
          }
          expect(reader, requests.get(request)); // the next request, answered by what is kept
          read = reader.feed(new byte[0]);
        }
      }
      if (reader.endsIfQuiet()) {
        assertThat(delimiter).isEmpty();
        Optional<SisReplyReader.Reply> quiet = reader.quiet();
        assertThat(quiet).isPresent();
        replies.add(checked(quiet.get(), fed));
        assertThat(reader.buffered()).isZero();
      }
    } catch (ProtocolException e) {
      replies.add("refused: " + e.getMessage());
    }
    return new Run(replies, overlong);
  }

  private static void expect(SisReplyReader reader, byte[] echo) {
    if (echo == null) {
      reader.expectLine();
    } else {
      reader.expectData(echo);
    }
  }

  private static String checked(SisReplyReader.Reply reply, int fed) {
    assertThat(reply.data().length).isLessThanOrEqualTo(fed);
    if (reply.error() != null) {
      // empty for a send-data-string, the line itself for a command
      assertThat(new String(reply.data(), StandardCharsets.ISO_8859_1).trim())
          .matches("(E[0-9][0-9])?");
      assertThat(reply.error().code()).isBetween(0, 99);
    }
    return (reply.error() != null ? "error " : "data ") + reply;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
