package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Recurrence;
import java.time.DayOfWeek;
import org.junit.jupiter.api.Test;

class ScheduleRecurrenceSyntaxTest {

  @Test
  void readsEveryDayDaysOfTheMonthAndDaysOfTheWeek() {
    assertThat(ScheduleCommand.recurrence("day")).isEqualTo(Recurrence.daily());
    assertThat(ScheduleCommand.recurrence(" Daily ")).isEqualTo(Recurrence.daily());
    assertThat(ScheduleCommand.recurrence("15th")).isEqualTo(Recurrence.monthly(15));
    assertThat(ScheduleCommand.recurrence("1st")).isEqualTo(Recurrence.monthly(1));
    assertThat(ScheduleCommand.recurrence("31")).isEqualTo(Recurrence.monthly(31));
    assertThat(ScheduleCommand.recurrence("mon,Friday"))
        .isEqualTo(Recurrence.weekly(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
    assertThat(ScheduleCommand.recurrence("SUN")).isEqualTo(Recurrence.weekly(DayOfWeek.SUNDAY));
  }

  @Test
  void refusesWhatItCannotRead() {
    for (String bad : new String[] {"", "someday", "mon,", "0", "32nd", "mo", "15x", "1,2"}) {
      assertThatThrownBy(() -> ScheduleCommand.recurrence(bad))
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
      assertThat(ScheduleCommand.every(ScheduleCommand.recurrence(text))).isEqualTo(text);
    }
  }
}
