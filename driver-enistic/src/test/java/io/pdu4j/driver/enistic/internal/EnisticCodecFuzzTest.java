package io.pdu4j.driver.enistic.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.driver.enistic.internal.EnisticCodec.Reading;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Fuzzes {@link EnisticCodec} as the session uses it on a datagram: the payload decoded as
 * ISO-8859-1, split into lines, each line parsed.
 *
 * <p>Properties: splitting loses and invents nothing and is bounded; a line gives a reading, an
 * empty result or a {@link ProtocolException} with a short, printable message, nothing else; a
 * reading written back as {@code Controller:Reading:Meter:Power:Channel:State} parses to the same
 * reading; a switch command for a parsed reading's serials is the document's shape.
 */
class EnisticCodecFuzzTest {
  private static final int MAX_DATAGRAM = 2048;

  @FuzzTest
  void datagram(FuzzedDataProvider data) {
    byte[] payload =
        data.consumeBoolean()
            ? data.consumeBytes(MAX_DATAGRAM)
            : readings(data).getBytes(StandardCharsets.US_ASCII);
    String text = new String(payload, StandardCharsets.ISO_8859_1);

    List<String> lines = EnisticCodec.lines(text);
    assertThat(lines).hasSizeLessThanOrEqualTo(EnisticCodec.MAX_LINES + 1);
    assertThat(String.join("", lines).replaceAll("[\r\n]", ""))
        .as("the lines are the datagram without its line ends")
        .isEqualTo(text.replaceAll("[\r\n]", ""));
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      assertThat(line).isNotEmpty();
      if (i < EnisticCodec.MAX_LINES) {
        assertThat(line).doesNotContain("\r", "\n");
      }
      parseLine(line);
    }
  }

  private static void parseLine(String line) {
    Optional<Reading> reading;
    try {
      reading = EnisticCodec.parse(line);
    } catch (ProtocolException e) {
      assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(200).matches("[\\x20-\\x7e]*");
      return;
    }
    if (reading.isEmpty()) {
      assertThat(line.strip().split(":", -1)[1]).isNotEqualToIgnoringCase("Reading");
      return;
    }
    Reading r = reading.get();
    String written =
        "%s:Reading:%s:%s:%d:%d"
            .formatted(
                r.controller(),
                r.meter(),
                BigDecimal.valueOf(r.power()).stripTrailingZeros().toPlainString(),
                r.channel(),
                r.state());
    assertThat(EnisticCodec.parse(written)).as("%s written back as %s", line, written).contains(r);
    assertThat(EnisticCodec.parse(" " + written.toLowerCase() + "\r"))
        .map(Reading::meter)
        .hasValueSatisfying(m -> assertThat(EnisticCodec.sameSerial(m, r.meter())).isTrue());
    for (boolean on : new boolean[] {true, false}) {
      String command = EnisticCodec.command(r.controller(), r.meter(), on, true);
      assertThat(command)
          .isEqualTo(r.controller() + "," + (on ? "0" : "1") + "," + r.meter() + ";")
          .hasSizeLessThanOrEqualTo(12 + 1 + 1 + 1 + 16 + 1);
    }
  }

  /** Lines in the shape of readings and events, with fuzzed fields and line ends. */
  private static String readings(FuzzedDataProvider data) {
    StringBuilder b = new StringBuilder();
    int n = data.consumeInt(0, 80);
    for (int i = 0; i < n && b.length() < MAX_DATAGRAM; i++) {
      String controller = data.consumeBoolean() ? "004A3BB5B04" : data.consumeAsciiString(14);
      String event = data.consumeBoolean() ? "Reading" : data.consumeAsciiString(10);
      String meter = data.consumeBoolean() ? "0021ED0000041319" : data.consumeAsciiString(18);
      String power =
          data.consumeBoolean()
              ? data.consumeInt(0, 99_999_999) + "." + data.consumeInt(0, 999)
              : data.consumeAsciiString(12);
      String channel = Integer.toString(data.consumeInt(-1, 20));
      String state = data.consumeBoolean() ? "1" : data.consumeAsciiString(3);
      b.append(String.join(":", controller, event, meter, power, channel, state));
      b.append(data.pickValue(List.of("\r", "\n", "\r\n", "", ":")));
    }
    return b.toString();
  }
}
