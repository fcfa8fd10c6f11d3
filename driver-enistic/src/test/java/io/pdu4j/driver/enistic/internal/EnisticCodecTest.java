package io.pdu4j.driver.enistic.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.OutletState;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.driver.enistic.internal.EnisticCodec.Reading;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnisticCodecTest {
  private static final String EXAMPLE = "004A3BB5B04:Reading:0021ED0000041319:94031.992:1:1";

  @Test
  void parsesTheDocumentsExample() {
    Reading r = EnisticCodec.parse(EXAMPLE).orElseThrow();
    assertThat(r.controller()).isEqualTo("004A3BB5B04");
    assertThat(r.meter()).isEqualTo("0021ED0000041319");
    assertThat(r.power()).isEqualTo(94031.992);
    assertThat(r.channel()).isEqualTo(1);
    assertThat(r.state()).isEqualTo(1);
    assertThat(r.socketState()).isEqualTo(OutletState.ON);
  }

  @Test
  void keepsSerialsExactlyAsRead() {
    Reading r = EnisticCodec.parse("004a3bb5b04:Reading:0021ed0000041319:0:16:0").orElseThrow();
    assertThat(r.controller()).isEqualTo("004a3bb5b04");
    assertThat(r.meter()).isEqualTo("0021ed0000041319");
    assertThat(r.channel()).isEqualTo(16);
    assertThat(r.socketState()).isEqualTo(OutletState.OFF);
    assertThat(EnisticCodec.sameSerial(r.controller(), "004A3BB5B04")).isTrue();
  }

  @Test
  void acceptsTwelveDigitControllersIntegerPowerAndStatesUpTo99() {
    Reading r = EnisticCodec.parse("FFFFFFFFFFFF:Reading:0021ED0000041319:12:3:99").orElseThrow();
    assertThat(r.power()).isEqualTo(12.0);
    assertThat(r.socketState()).isEqualTo(OutletState.UNKNOWN);
    assertThat(EnisticCodec.parse("A:Reading:0021ED0000041319:0.5:1:0")).isPresent();
  }

  @Test
  void toleratesTrailingCarriageReturnAndSpaces() {
    assertThat(EnisticCodec.parse(EXAMPLE + "\r")).isPresent();
    assertThat(EnisticCodec.parse(EXAMPLE + "  ")).isPresent();
  }

  @Test
  void otherEventsAreNotReadingsAndNotErrors() {
    assertThat(EnisticCodec.parse("004A3BB5B04:Joined:0021ED0000041319")).isEmpty();
    assertThat(EnisticCodec.parse("004A3BB5B04:Status:ok:1:2:3:4")).isEqualTo(Optional.empty());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage",
        ":",
        "::::::",
        "004A3BB5B04",
        "004A3BB5B04:",
        "004A3BB5B04::0021ED0000041319:1:1:1",
        "004A3BB5B04:Reading",
        "004A3BB5B04:Reading:0021ED0000041319:94031.992:1",
        "004A3BB5B04:Reading:0021ED0000041319:94031.992:1:1:extra",
        "004A3BB5B04:Reading:0021ED0000041319:94031.992:1:1:",
        ":Reading:0021ED0000041319:1:1:1",
        "004A3BB5B04G:Reading:0021ED0000041319:1:1:1",
        "0004A3BB5B044:Reading:0021ED0000041319:1:1:1",
        "004A3BB5B04:Reading:0021ED000004131:1:1:1",
        "004A3BB5B04:Reading:0021ED00000413190:1:1:1",
        "004A3BB5B04:Reading:0021ED000004131Z:1:1:1",
        "004A3BB5B04:Reading::1:1:1",
        "004A3BB5B04:Reading:0021ED0000041319::1:1",
        "004A3BB5B04:Reading:0021ED0000041319:-1:1:1",
        "004A3BB5B04:Reading:0021ED0000041319:NaN:1:1",
        "004A3BB5B04:Reading:0021ED0000041319:Infinity:1:1",
        "004A3BB5B04:Reading:0021ED0000041319:1e5:1:1",
        "004A3BB5B04:Reading:0021ED0000041319:0x10:1:1",
        "004A3BB5B04:Reading:0021ED0000041319:1.:1:1",
        "004A3BB5B04:Reading:0021ED0000041319:.5:1:1",
        "004A3BB5B04:Reading:0021ED0000041319:1,5:1:1",
        "004A3BB5B04:Reading:0021ED0000041319:999999999.9:1:1",
        "004A3BB5B04:Reading:0021ED0000041319:1:0:1",
        "004A3BB5B04:Reading:0021ED0000041319:1:17:1",
        "004A3BB5B04:Reading:0021ED0000041319:1:-1:1",
        "004A3BB5B04:Reading:0021ED0000041319:1:x:1",
        "004A3BB5B04:Reading:0021ED0000041319:1:1:100",
        "004A3BB5B04:Reading:0021ED0000041319:1:1:-1",
        "004A3BB5B04:Reading:0021ED0000041319:1:1:on",
        "004A3BB5B04:Reading:0021ED0000041319:1: 1:1",
        "004A3BB5B04:Reading:0021ED0000041319:1:1:",
        "004A3BB5B04;Reading;0021ED0000041319;1;1;1",
        "004A3BB5B04,1,0021ED0000041319;",
        "004A3BB5B04:123:0021ED0000041319:1:1:1",
      })
  void rejectsMalformedLinesWithAProtocolException(String line) {
    assertThatThrownBy(() -> EnisticCodec.parse(line)).isInstanceOf(ProtocolException.class);
  }

  @Test
  void rejectsOverlongLinesWithoutEchoingThemWhole() {
    String line = EXAMPLE + "x".repeat(EnisticCodec.MAX_LINE);
    assertThatThrownBy(() -> EnisticCodec.parse(line))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("longer than");
  }

  @Test
  void splitsDatagramsAtCrLfAndCrLf() {
    assertThat(EnisticCodec.lines("a\rb\nc\r\nd")).containsExactly("a", "b", "c", "d");
    assertThat(EnisticCodec.lines("\r\n\r\n")).isEmpty();
    assertThat(EnisticCodec.lines(EXAMPLE + "\r")).containsExactly(EXAMPLE);
  }

  @Test
  void boundsTheLinesPerDatagram() {
    String many = "x\r".repeat(EnisticCodec.MAX_LINES + 10);
    assertThat(EnisticCodec.lines(many)).hasSize(EnisticCodec.MAX_LINES + 1);
  }

  @Test
  void neverThrowsAnythingButProtocolExceptionOnRandomInput() {
    Random random = new Random(42);
    String alphabet = "0123456789ABCDEFabcdef:.,;-+eEx RrReading\r\n";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = random.nextInt(80);
      for (int j = 0; j < n; j++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      for (String line : EnisticCodec.lines(b.toString())) {
        try {
          EnisticCodec.parse(line);
        } catch (ProtocolException expected) {
          // fine
        }
      }
    }
  }

  @Test
  void formatsCommandsPerTheTableOrTheExamples() {
    assertThat(EnisticCodec.command("004A3BB5B04", "0021ED0000041319", true, false))
        .isEqualTo("004A3BB5B04,1,0021ED0000041319;");
    assertThat(EnisticCodec.command("004A3BB5B04", "0021ED0000041319", false, false))
        .isEqualTo("004A3BB5B04,0,0021ED0000041319;");
    // the document's examples: 0 turns on, 1 turns off
    assertThat(EnisticCodec.command("004A3BB5B04", "0021ED0000041319", true, true))
        .isEqualTo("004A3BB5B04,0,0021ED0000041319;");
    assertThat(EnisticCodec.command("004a3bb5b04", "0021ed0000041319", false, true))
        .isEqualTo("004a3bb5b04,1,0021ed0000041319;");
    assertThatThrownBy(() -> EnisticCodec.command("xyz", "0021ED0000041319", true, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
