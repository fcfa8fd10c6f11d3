package io.pdu4j.driver.enistic.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.OutletState;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.driver.enistic.internal.EnisticCodec.Reading;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link EnisticCodec.Line}, the parser the session reuses for every line: the same fields as the
 * {@link Reading} of that line, a meter key that ignores case, and controller serials compared in
 * place.
 */
class EnisticCodecLineTest {

  @Test
  void aReusedLineReadsEachLineAsParseDoes() {
    Random random = new Random(5);
    EnisticCodec.Line line = new EnisticCodec.Line();
    for (int n = 0; n < 2_000; n++) {
      String controller = hex(random, 1 + random.nextInt(12));
      String meter = hex(random, 16);
      String text =
          "  %s:Reading:%s:%d.%d:%d:%d\r"
              .formatted(
                  controller,
                  meter,
                  random.nextInt(100_000),
                  random.nextInt(10),
                  1 + random.nextInt(16),
                  random.nextInt(100));
      byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
      assertThat(line.parse(bytes, 0, bytes.length)).isTrue();
      Reading expected = EnisticCodec.parse(text).orElseThrow();
      assertThat(line.reading()).isEqualTo(expected);
      assertThat(line.controller()).isEqualTo(controller);
      assertThat(line.meter()).isEqualTo(meter);
      assertThat(line.power()).isEqualTo(expected.power());
      assertThat(line.channel()).isEqualTo(expected.channel());
      assertThat(line.state()).isEqualTo(expected.state());
      assertThat(line.socketState()).isEqualTo(expected.socketState());
      assertThat(line.meterKey()).isEqualTo(Long.parseUnsignedLong(meter, 16));
    }
  }

  @Test
  void theMeterKeyIgnoresCaseAndTellsSerialsApart() {
    assertThat(key("A:Reading:0021ed00000ABCDf:1:1:1"))
        .isEqualTo(key("A:Reading:0021ED00000abcdF:2:3:0"))
        .isEqualTo(0x0021ED00000ABCDFL);
    assertThat(key("A:Reading:FFFFFFFFFFFFFFFF:1:1:1")).isEqualTo(-1L);
    assertThat(key("A:Reading:0000000000000000:1:1:1"))
        .isNotEqualTo(key("A:Reading:0000000000000001:1:1:1"));
  }

  @Test
  void comparesTheControllerSerialInPlace() {
    EnisticCodec.Line line = line("004a3Bb5B04:Reading:0021ED0000041319:1:1:1");
    assertThat(line.controllerIs("004A3BB5B04")).isTrue();
    assertThat(line.controllerIs("004a3bb5b04")).isTrue();
    assertThat(line.controllerIs("004A3BB5B0")).isFalse();
    assertThat(line.controllerIs("004A3BB5B05")).isFalse();
    assertThat(line.controllerIs("104A3BB5B04")).isFalse();
    assertThat(line.controllerReadsAs("004a3Bb5B04")).isTrue();
    assertThat(line.controllerReadsAs("004A3BB5B04")).isFalse();
    assertThat(line.controllerReadsAs("004a3Bb5B0")).isFalse();
  }

  @Test
  void anEventIsNotAReadingAndABadLineFailsAsParseDoes() {
    EnisticCodec.Line line = new EnisticCodec.Line();
    byte[] event = "004A3BB5B04:Joined:0021ED0000041319".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(line.parse(event, 0, event.length)).isFalse();
    byte[] bad = "004A3BB5B04:Reading:0021ED00000413:1:1:1".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> line.parse(bad, 0, bad.length))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("the meter serial is not 16 hex digits");
    assertThat(line("A:Reading:0021ED0000041319:1:1:7").socketState())
        .isEqualTo(OutletState.UNKNOWN);
  }

  private static long key(String text) {
    return line(text).meterKey();
  }

  private static EnisticCodec.Line line(String text) {
    EnisticCodec.Line line = new EnisticCodec.Line();
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    assertThat(line.parse(bytes, 0, bytes.length)).as(text).isTrue();
    return line;
  }

  private static String hex(Random random, int digits) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < digits; i++) {
      String d = Integer.toHexString(random.nextInt(16));
      b.append(random.nextBoolean() ? d : d.toUpperCase(Locale.ROOT));
    }
    return b.toString();
  }
}
