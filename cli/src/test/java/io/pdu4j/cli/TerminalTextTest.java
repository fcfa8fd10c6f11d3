package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.Recurrence;
import io.pdu4j.api.ScheduleAction;
import io.pdu4j.api.ScheduleRule;
import io.pdu4j.spi.DeviceDiscoverer;
import java.time.LocalTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TerminalTextTest {

  @Test
  void controlCharactersAreEscapedAndPrintableUnicodeIsKept() {
    assertThat(TerminalText.safe("\u001b[31mred\u0007")).isEqualTo("\\x1B[31mred\\x07");
    assertThat(TerminalText.safe("a\tb\r\nc\u0000\u007f")).isEqualTo("a\\tb\\r\\nc\\x00\\x7F");
    assertThat(TerminalText.safe("csi\u009b2J")).isEqualTo("csi\\x9B2J");
    assertThat(TerminalText.safe("abc\u202Egpj.exe")).isEqualTo("abc\\u202Egpj.exe");
    assertThat(TerminalText.safe("Küche 電源 ⚡ Ω")).isEqualTo("Küche 電源 ⚡ Ω");
    assertThat(TerminalText.safe("")).isEmpty();
    assertThat(TerminalText.safe(null)).isEqualTo("null");
  }

  @Test
  void safeLinesKeepsLineBreaksOnly() {
    assertThat(TerminalText.safeLines("one\u001b[2J\r\ntwo\u0007"))
        .isEqualTo("one\\x1B[2J" + System.lineSeparator() + "two\\x07");
  }

  @Test
  void scheduleAndDiscoverLinesEscapeWhatTheDeviceSent() {
    String rule =
        ScheduleCommand.text(
            1,
            new ScheduleRule.TimePlan(
                "\u001b[8mX", LocalTime.of(23, 0), Recurrence.daily(), 3, ScheduleAction.OFF));
    assertThat(rule).contains("\\x1B[8mX").doesNotContain("\u001b");
    String found =
        DiscoverCommand.text(
            new DeviceDiscoverer.Found(
                "isotek", "isotek:tcp://10.0.0.5:501", "SN\u0007", Optional.of("\u009b")));
    assertThat(found).contains("SN\\x07").contains("\\x9B").doesNotContain("\u0007");
  }
}
