package io.pdu4j.driver.isotek.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.OutletState;
import java.time.LocalDateTime;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class IsoTekCommandsTest {

  @Test
  void formatsTheStatusRequest() {
    assertThat(IsoTekCommands.STATUS).isEqualTo("?\n");
  }

  @Test
  void formatsOutletSwitching() {
    assertThat(IsoTekCommands.switchOutlet(1, OutletState.ON)).isEqualTo("S1=1\n");
    assertThat(IsoTekCommands.switchOutlet(16, OutletState.OFF)).isEqualTo("S16=0\n");
  }

  @Test
  void refusesOutletsOutsideOneToSixteen() {
    assertThatThrownBy(() -> IsoTekCommands.switchOutlet(0, OutletState.ON))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("1..16");
    assertThatThrownBy(() -> IsoTekCommands.switchOutlet(17, OutletState.ON))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void refusesToSwitchToUnknownOrNull() {
    assertThatThrownBy(() -> IsoTekCommands.switchOutlet(1, OutletState.UNKNOWN))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> IsoTekCommands.switchOutlet(1, null))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> IsoTekCommands.switchAll(OutletState.UNKNOWN))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void formatsAllOnAndAllOff() {
    assertThat(IsoTekCommands.switchAll(OutletState.ON)).isEqualTo("H\n");
    assertThat(IsoTekCommands.switchAll(OutletState.OFF)).isEqualTo("G\n");
  }

  @Test
  void formatsTheClockAsTheDocumentShowsIt() {
    assertThat(IsoTekCommands.setClock(LocalDateTime.of(2026, 11, 21, 10, 0, 0, 999_000_000)))
        .isEqualTo("T=2026/11|21|10|00|00|\n");
    assertThat(IsoTekCommands.setClock(LocalDateTime.of(2027, 1, 2, 3, 4, 5)))
        .isEqualTo("T=2027/01|02|03|04|05|\n");
  }

  @Test
  void writesTheClockWithAsciiDigitsWhateverTheDefaultLocale() {
    Locale saved = Locale.getDefault();
    try {
      Locale.setDefault(Locale.forLanguageTag("ar-EG-u-nu-arab"));
      assertThat(IsoTekCommands.setClock(LocalDateTime.of(2026, 11, 21, 10, 0, 0)))
          .isEqualTo("T=2026/11|21|10|00|00|\n");
    } finally {
      Locale.setDefault(saved);
    }
  }

  @Test
  void refusesYearsThatDoNotHaveFourDigitsAndNull() {
    assertThatThrownBy(() -> IsoTekCommands.setClock(LocalDateTime.of(999, 1, 1, 0, 0)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> IsoTekCommands.setClock(LocalDateTime.of(10000, 1, 1, 0, 0)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> IsoTekCommands.setClock(null))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void theClockItWritesIsTheClockTheParserReads() {
    LocalDateTime t = LocalDateTime.of(2026, 12, 31, 23, 59, 58);
    String line = IsoTekCommands.setClock(t).strip().replace("T=", "RTC=");
    assertThat(IsoTekParser.parse(line)).isEqualTo(new IsoTekFrame.Clock(t));
  }
}
