package io.pdu4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecurrenceTest {

  @Test
  void dailyIsOneValue() {
    assertThat(Recurrence.daily()).isSameAs(Recurrence.daily()).isEqualTo(new Recurrence.Daily());
    assertThat(Recurrence.daily()).hasToString("every day");
  }

  @Test
  void monthlyTakesDays1To31() {
    assertThat(Recurrence.monthly(1)).isEqualTo(new Recurrence.Monthly(1));
    assertThat(((Recurrence.Monthly) Recurrence.monthly(31)).dayOfMonth()).isEqualTo(31);
    assertThat(Recurrence.monthly(15)).hasToString("on day 15 of each month");
    for (int bad : new int[] {0, -1, 32}) {
      assertThatThrownBy(() -> Recurrence.monthly(bad))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("1..31")
          .hasMessageContaining(Integer.toString(bad));
    }
  }

  @Test
  void weeklyCopiesItsDaysAndKeepsWeekOrder() {
    Set<DayOfWeek> days = new HashSet<>(Set.of(DayOfWeek.FRIDAY, DayOfWeek.MONDAY));
    Recurrence.Weekly weekly = (Recurrence.Weekly) Recurrence.weekly(days);
    days.add(DayOfWeek.SUNDAY);
    assertThat(weekly.days()).containsExactly(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);
    assertThatThrownBy(() -> weekly.days().add(DayOfWeek.TUESDAY))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(weekly).isEqualTo(Recurrence.weekly(DayOfWeek.FRIDAY, DayOfWeek.MONDAY));
    assertThat(weekly).hasToString("every mon, fri");
  }

  @Test
  void weeklyNeedsADay() {
    assertThatThrownBy(() -> Recurrence.weekly(EnumSet.noneOf(DayOfWeek.class)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("at least one day");
    assertThatThrownBy(() -> Recurrence.weekly((Set<DayOfWeek>) null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void aTimePlanNeedsARecurrence() {
    assertThatThrownBy(
            () -> new ScheduleRule.TimePlan("x", LocalTime.NOON, null, 1, ScheduleAction.ON))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("recurrence");
    ScheduleRule.TimePlan plan =
        new ScheduleRule.TimePlan(
            "x", LocalTime.of(7, 5, 30), Recurrence.monthly(3), 1, ScheduleAction.ON);
    assertThat(plan.at()).isEqualTo(LocalTime.of(7, 5));
    assertThat(plan.recurrence()).isEqualTo(Recurrence.monthly(3));
  }
}
