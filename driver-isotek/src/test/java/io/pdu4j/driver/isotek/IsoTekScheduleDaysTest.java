package io.pdu4j.driver.isotek;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.Recurrence;
import io.pdu4j.api.ScheduleAction;
import io.pdu4j.api.ScheduleRule;
import io.pdu4j.api.Scheduler;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator.DayField;
import io.pdu4j.spi.DeviceAddress;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The schedule's day field under each reading a unit may have (PROTOCOLS.md leaves {@code dd}
 * open): the driver, told the reading by {@code days=}, writes rules the simulator, playing the
 * same reading, runs on the right day and not on another, reads them back as written, and refuses
 * before sending a rule the reading cannot express.
 */
class IsoTekScheduleDaysTest {
  // a Saturday, the 21st, one second before the rules' minute
  private static final LocalDateTime SIM_CLOCK = LocalDateTime.of(2026, 11, 21, 9, 59, 59);
  private static final LocalTime AT = LocalTime.of(10, 0);

  private final IsoTekOverTcp tcp = new IsoTekOverTcp();
  private IsoTekSimulator sim;

  @AfterEach
  void tearDown() {
    tcp.close();
  }

  /** A reading: the simulator's switch, the address option, today and another day. */
  enum Reading {
    DAY_OF_MONTH(DayField.DAY_OF_MONTH, "", Recurrence.monthly(21), Recurrence.monthly(20)),
    DAY_OF_MONTH_NAMED(
        DayField.DAY_OF_MONTH, "?days=month", Recurrence.monthly(21), Recurrence.monthly(22)),
    DAY_OF_WEEK(
        DayField.DAY_OF_WEEK,
        "?days=weekday",
        Recurrence.weekly(DayOfWeek.SATURDAY),
        Recurrence.weekly(DayOfWeek.FRIDAY));

    final DayField field;
    final String option;
    final Recurrence today;
    final Recurrence otherDay;

    Reading(DayField field, String option, Recurrence today, Recurrence otherDay) {
      this.field = field;
      this.option = option;
      this.today = today;
      this.otherDay = otherDay;
    }
  }

  private PowerDevice open(DayField field, String options) throws Exception {
    sim =
        tcp.start(
            IsoTekSimulator.builder()
                .outlets(8)
                .jitter(false)
                .clock(SIM_CLOCK)
                .pushInterval(Duration.ofMillis(200))
                .dayField(field));
    return tcp.open(sim, options);
  }

  @ParameterizedTest
  @EnumSource(Reading.class)
  void rulesRunOnTheirDayAsTheUnitReadsIt(Reading reading) throws Exception {
    PowerDevice d = open(reading.field, reading.option);
    Scheduler scheduler = d.scheduler().orElseThrow();
    ScheduleRule today =
        new ScheduleRule.TimePlan("Today", AT, reading.today, 3, ScheduleAction.OFF);
    ScheduleRule other =
        new ScheduleRule.TimePlan("Other", AT, reading.otherDay, 1, ScheduleAction.OFF);
    ScheduleRule daily =
        new ScheduleRule.TimePlan("Daily", AT, Recurrence.daily(), 5, ScheduleAction.OFF);
    assertThat(get(scheduler.replaceAll(List.of(today, other, daily))))
        .containsExactly(today, other, daily);
    assertThat(get(scheduler.rules())).containsExactly(today, other, daily);

    await().atMost(Duration.ofSeconds(5)).until(() -> !sim.outletState(3) && !sim.outletState(5));
    assertThat(sim.outletState(1)).as("the rule for another day did not run").isTrue();
  }

  @Test
  void aWeekdayUnitRefusesMonthlyAndSeveralDaysBeforeSending() throws Exception {
    PowerDevice d = open(DayField.DAY_OF_WEEK, "?days=weekday");
    Scheduler scheduler = d.scheduler().orElseThrow();
    int before = sim.commandsReceived().size();
    ScheduleRule monthly =
        new ScheduleRule.TimePlan("Monthly", AT, Recurrence.monthly(21), 1, ScheduleAction.ON);
    assertThat(failure(scheduler.add(monthly)))
        .isInstanceOf(UnsupportedCapabilityException.class)
        .hasMessageContaining("one day of the week");
    ScheduleRule weekend =
        new ScheduleRule.TimePlan(
            "Weekend",
            AT,
            Recurrence.weekly(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY),
            1,
            ScheduleAction.ON);
    assertThat(failure(scheduler.replaceAll(List.of(weekend))))
        .isInstanceOf(UnsupportedCapabilityException.class);
    assertThat(sim.commandsReceived().subList(before, sim.commandsReceived().size()))
        .noneMatch(c -> c.startsWith("P"));
  }

  @Test
  void aDayFieldTheReadingGivesNoMeaningIsAClearError() throws Exception {
    // a record written under the day-of-month reading, read by a driver told days=weekday
    PowerDevice m = open(DayField.DAY_OF_MONTH, "?days=month");
    ScheduleRule mid =
        new ScheduleRule.TimePlan("Mid", AT, Recurrence.monthly(15), 1, ScheduleAction.ON);
    get(m.scheduler().orElseThrow().add(mid));
    m.close();
    PowerDevice w = open(sim, "?days=weekday");
    assertThat(failure(w.scheduler().orElseThrow().rules()))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("day 15");
  }

  private PowerDevice open(IsoTekSimulator on, String options) throws Exception {
    return tcp.open(on, options);
  }

  @Test
  void anUnknownReadingIsRefusedWithTheAddress() {
    assertThatThrownBy(
            () ->
                new IsoTekDriver()
                    .requirements(DeviceAddress.parse("isotek:tcp://10.0.0.5:501?days=julian")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("days must be 'month' or 'weekday'");
  }
}
