package io.pdu4j.driver.isotek.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.pdu4j.driver.isotek.internal.IsoTekFrame.Address;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Channel;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Clock;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Malformed;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Unknown;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoTekParserTest {

  // --- the seed document's own lines, with its placeholders filled in

  @Test
  void readsTheInputChannel() {
    assertThat(IsoTekParser.parse("CH0=1|230|1200|")).isEqualTo(new Channel(0, true, 230, 1200));
  }

  @Test
  void readsOutletChannelsOneToSixteen() {
    assertThat(IsoTekParser.parse("CH1=0|231|0|")).isEqualTo(new Channel(1, false, 231, 0));
    assertThat(IsoTekParser.parse("CH16=1|229|85|")).isEqualTo(new Channel(16, true, 229, 85));
  }

  @Test
  void readsDecimalReadings() {
    assertThat(IsoTekParser.parse("CH3=1|229.6|12.25|"))
        .isEqualTo(new Channel(3, true, 229.6, 12.25));
  }

  @Test
  void readsTheClockAsTheDocumentWritesIt() {
    assertThat(IsoTekParser.parse("RTC=2026/11|21|10|00|00|"))
        .isEqualTo(new Clock(LocalDateTime.of(2026, 11, 21, 10, 0, 0)));
  }

  @Test
  void readsTheClockWithABarAfterTheYear() {
    assertThat(IsoTekParser.parse("RTC=2026|11|21|10|05|09|"))
        .isEqualTo(new Clock(LocalDateTime.of(2026, 11, 21, 10, 5, 9)));
  }

  @Test
  void readsOkAndThePrompt() {
    assertThat(IsoTekParser.parse("OK")).isSameAs(IsoTekFrame.OK);
    assertThat(IsoTekParser.parse(">")).isSameAs(IsoTekFrame.PROMPT);
  }

  @Test
  void readsTheAddressLine() {
    IsoTekFrame f =
        IsoTekParser.parse("A=SerialNum|MAC|ServerIP1|ServerPort1|ServerIP2|ServerPort2|");
    assertThat(f).isInstanceOf(Address.class);
    Address a = (Address) f;
    assertThat(a.serial()).isEqualTo("SerialNum");
    assertThat(a.mac()).contains("MAC");
    assertThat(a.fields()).hasSize(6);
  }

  @Test
  void readsAnAddressWithRealValues() {
    Address a =
        (Address) IsoTekParser.parse("A=IT0012345|00:1E:C0:12:34:56|10.0.0.5|501|0.0.0.0|0|");
    assertThat(a.serial()).isEqualTo("IT0012345");
    assertThat(a.mac()).contains("00:1E:C0:12:34:56");
    assertThat(a.fields())
        .containsExactly("IT0012345", "00:1E:C0:12:34:56", "10.0.0.5", "501", "0.0.0.0", "0");
  }

  // --- tolerated variations

  @Test
  void toleratesAMissingTrailingBar() {
    assertThat(IsoTekParser.parse("CH2=1|230|5")).isEqualTo(new Channel(2, true, 230, 5));
    assertThat(IsoTekParser.parse("RTC=2026/11|21|10|00|00"))
        .isEqualTo(new Clock(LocalDateTime.of(2026, 11, 21, 10, 0, 0)));
  }

  @Test
  void toleratesSurroundingBlanksAndLeadingZeros() {
    assertThat(IsoTekParser.parse("  CH02=1|0230|005|\t")).isEqualTo(new Channel(2, true, 230, 5));
    assertThat(IsoTekParser.parse(" OK ")).isSameAs(IsoTekFrame.OK);
    assertThat(IsoTekParser.parse("RTC=2026/1|2|3|4|5|"))
        .isEqualTo(new Clock(LocalDateTime.of(2026, 1, 2, 3, 4, 5)));
  }

  // --- a frame says what came back in the unit's own format (errors quote it)

  @ParameterizedTest
  @ValueSource(
      strings = {
        "CH0=1|230|1200|",
        "CH3=1|229.6|12.25|",
        "RTC=2026/11|21|10|00|00|",
        "C1=Router|2|5|",
        "P1=1|1|Night|22:30|0|0|1|3|||2|",
        "A=IT0012345|00:1E:C0:12:34:56|10.0.0.5|501|0.0.0.0|0|",
        "OK",
        ">",
        "ERR",
        "CH3=1|230|",
      })
  void aFrameReadsBackAsTheLineItCameFrom(String line) {
    assertThat(IsoTekParser.parse(line)).hasToString(line);
  }

  // --- malformed status lines: counted and skipped by the session, never thrown

  @ParameterizedTest
  @ValueSource(
      strings = {
        "CH0=s|vvv|ppp|", // the document's placeholders
        "CH3=x|y|",
        "CH3=1|230|",
        "CH3=1|230",
        "CH3=1||45|",
        "CH3=|230|45|",
        "CH3=",
        "CH3",
        "CH=1|230|45|",
        "CH17=1|230|45|",
        "CH99=1|230|45|",
        "CH123=1|230|45|",
        "CH3=2|230|45|",
        "CH3=on|230|45|",
        "CH3=1|230|45|junk",
        "CH3=1|230|45||",
        "CH3=1|230|45|1|2|3|4|5|6|7|8|9|",
        "CH3=1|-230|45|",
        "CH3=1|230|+45|",
        "CH3=1|2.|45|",
        "CH3=1|.5|45|",
        "CH3=1|1e3|45|",
        "CH3=1|NaN|45|",
        "CH3=1|Infinity|45|",
        "CH3=1|9999999|45|",
        "CH3=1|230|12345678901234567890|",
        "CH3=1|230.1234567|45|",
        "CH3=1|2 30|45|",
        "CH3=1|230|0x1F|",
      })
  void refusesBrokenChannelLines(String line) {
    IsoTekFrame f = IsoTekParser.parse(line);
    assertThat(f).isInstanceOf(Malformed.class);
    assertThat(((Malformed) f).statusLine()).isTrue();
    assertThat(((Malformed) f).raw()).isEqualTo(line.strip());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "RTC=2026/13|21|10|00|00|",
        "RTC=2026/02|30|10|00|00|",
        "RTC=2026/11|21|24|00|00|",
        "RTC=2026/11|21|10|60|00|",
        "RTC=2026/11|21|10|00|",
        "RTC=2026/11|21|10|00|00|00|",
        "RTC=2026/11|21|10|00|00|x",
        "RTC=26/11|21|10|00|00|",
        "RTC=2026-11|21|10|00|00|",
        "RTC=2026/11|21|10|/00|00|",
        "RTC=2026/111|21|10|00|00|",
        "RTC=yyyy/mm|dd|hh|min|ss|",
        "RTC=",
        "RTC",
        "RTC2026/11|21|10|00|00|",
      })
  void refusesBrokenClockLines(String line) {
    IsoTekFrame f = IsoTekParser.parse(line);
    assertThat(f).isInstanceOf(Malformed.class);
    assertThat(((Malformed) f).statusLine()).isTrue();
  }

  @Test
  void refusesAnAddressLineWithoutSerialOrWithTooManyFields() {
    assertThat(IsoTekParser.parse("A=")).isInstanceOf(Malformed.class);
    assertThat(IsoTekParser.parse("A=|MAC|")).isInstanceOf(Malformed.class);
    assertThat(IsoTekParser.parse("A=1|2|3|4|5|6|7|8|9|")).isInstanceOf(Malformed.class);
    assertThat(((Malformed) IsoTekParser.parse("A=")).statusLine()).isFalse();
  }

  // --- anything else is Unknown: an error reply or garbage

  @ParameterizedTest
  @ValueSource(strings = {"ERR", "?", "E10", "ok", "OK>", "> ?", "CHANNEL", "CHx=1|2|3|", "hello"})
  void treatsAnythingElseAsUnknown(String line) {
    assertThat(IsoTekParser.parse(line)).isEqualTo(new Unknown(line));
  }

  @Test
  void treatsEmptyAndNullAsUnknown() {
    assertThat(IsoTekParser.parse("")).isEqualTo(new Unknown(""));
    assertThat(IsoTekParser.parse("   ")).isEqualTo(new Unknown(""));
    assertThat(IsoTekParser.parse(null)).isEqualTo(new Unknown(""));
  }

  @Test
  void cutsLongLines() {
    String longGarbage = "x".repeat(5000);
    IsoTekFrame f = IsoTekParser.parse(longGarbage);
    assertThat(f).isInstanceOf(Unknown.class);
    assertThat(((Unknown) f).raw()).hasSize(IsoTekParser.MAX_LINE + 3).endsWith("...");

    IsoTekFrame ch = IsoTekParser.parse("CH1=1|230|" + "9".repeat(5000) + "|");
    assertThat(ch).isInstanceOf(Malformed.class);
    assertThat(((Malformed) ch).raw()).hasSize(IsoTekParser.MAX_LINE + 3);
  }

  @Test
  void readsLinesWithCharsBeyondLatin1AsTheReferenceDoes() {
    // a surrogate pair is two chars but one byte when the line is read as ISO-8859-1 bytes
    for (String line :
        List.of(
            "CH1=1|230|\uD83D\uDE00|",
            "CH1\uD83D\uDE00=1|230|0|",
            "CH\uD83D\uDE00=1|230|0|",
            "CH1=1|230|0|\uD83D\uDE00",
            "RTC=202\uD83D\uDE00",
            "RTC=2026\uD83D\uDE00/11|21|10|00|00|",
            "RTC=2026/11|21|10|00|\uD83D\uDE00|",
            "RTC\uD83D\uDE00")) {
      assertThat(IsoTekParser.parse(line))
          .as("%s", line)
          .isEqualTo(ReferenceIsoTekParser.parse(line));
    }
  }

  @Test
  void acceptsTheLargestReadingsAndRefusesLarger() {
    assertThat(IsoTekParser.parse("CH1=1|999999.999999|999999|"))
        .isEqualTo(new Channel(1, true, 999999.999999, 999999));
    assertThat(IsoTekParser.parse("CH1=1|1000000|0|")).isInstanceOf(Malformed.class);
  }

  @Test
  void neverThrowsOnRandomInput() {
    Random random = new Random(42);
    List<String> seeds =
        List.of(
            "CH0=1|230|1200|",
            "CH16=0|229.5|0|",
            "RTC=2026/11|21|10|00|00|",
            "A=SerialNum|MAC|ServerIP1|ServerPort1|ServerIP2|ServerPort2|",
            "OK",
            ">");
    String alphabet = "CHRTA=|/.0123456789-+eE xOK>\u0000\u00ff\r";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits && b.length() > 0; e++) {
        int at = random.nextInt(b.length());
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (random.nextInt(3)) {
          case 0 -> b.setCharAt(at, c);
          case 1 -> b.insert(at, c);
          default -> b.deleteCharAt(at);
        }
      }
      String line = b.toString();
      assertThatCode(() -> IsoTekParser.parse(line)).as(line).doesNotThrowAnyException();
      assertThat(IsoTekParser.parse(line)).as(line).isNotNull();
    }
  }
}
