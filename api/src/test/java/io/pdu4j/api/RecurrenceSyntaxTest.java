package io.pdu4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import org.junit.jupiter.api.Test;

class RecurrenceSyntaxTest {

  @Test
  void readsEveryDayDaysOfTheMonthAndDaysOfTheWeek() {
    assertThat(Recurrence.parse("day")).isEqualTo(Recurrence.daily());
    assertThat(Recurrence.parse(" Daily ")).isEqualTo(Recurrence.daily());
    assertThat(Recurrence.parse("15th")).isEqualTo(Recurrence.monthly(15));
    assertThat(Recurrence.parse("1st")).isEqualTo(Recurrence.monthly(1));
    assertThat(Recurrence.parse("31")).isEqualTo(Recurrence.monthly(31));
    assertThat(Recurrence.parse("mon,Friday"))
        .isEqualTo(Recurrence.weekly(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
    assertThat(Recurrence.parse("SUN")).isEqualTo(Recurrence.weekly(DayOfWeek.SUNDAY));
  }

  @Test
  void refusesWhatItCannotRead() {
    for (String bad : new String[] {"", "someday", "mon,", "0", "32nd", "mo", "15x", "1,2"}) {
      assertThatThrownBy(() -> Recurrence.parse(bad))
          .as(bad)
          .isInstanceOf(InvalidArgumentException.class);
    }
  }

  @Test
  void writesWhatItReads() {
    for (String text :
        new String[] {
          "day",
          "1st",
          "2nd",
          "3rd",
          "4th",
          "11th",
          "12th",
          "13th",
          "21st",
          "22nd",
          "23rd",
          "31st",
          "mon,fri",
          "tue,wed,thu,sat,sun"
        }) {
      assertThat(Recurrence.parse(text).spec()).isEqualTo(text);
    }
  }
}
