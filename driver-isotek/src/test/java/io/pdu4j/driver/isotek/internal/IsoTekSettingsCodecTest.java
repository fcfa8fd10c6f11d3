package io.pdu4j.driver.isotek.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletType;
import io.pdu4j.api.Recurrence;
import io.pdu4j.api.ScheduleAction;
import io.pdu4j.api.ScheduleRule;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The outlet-settings and schedule lines, in the shapes of the vendor document's templates: {@code
 * Cx=nnnnnnnn|t|d|} and {@code Pn=id|type|name|hh:min|dd|power|operator|channel|status_value|
 * status_slot|setup|}.
 */
class IsoTekSettingsCodecTest {

  @Test
  void parsesTheConfigLineOfTheDocument() {
    // "C1=nnnnnnnn|t|d|" with an 8-character name, type 2 (router), delay 10 s
    assertThat(IsoTekParser.parse("C1=Router  |2|10|"))
        .isEqualTo(new IsoTekFrame.OutletSetting(1, "Router", 2, 10));
    assertThat(IsoTekParser.parse("C16=Outlet16|1|0|"))
        .isEqualTo(new IsoTekFrame.OutletSetting(16, "Outlet16", 1, 0));
    assertThat(IsoTekParser.parse("C3=Fridge  |3|0"))
        .isEqualTo(new IsoTekFrame.OutletSetting(3, "Fridge", 3, 0));
  }

  @Test
  void refusesBrokenConfigLines() {
    for (String bad :
        List.of("C1=NineChars|1|0|", "C1=x|4|0|", "C17=x|1|0|", "C1=x|1|", "C1=x|1|-1|")) {
      assertThat(IsoTekParser.parse(bad)).as(bad).isInstanceOf(IsoTekFrame.Malformed.class);
    }
    assertThat(IsoTekParser.parse("CH1=1|230|0|")).isInstanceOf(IsoTekFrame.Channel.class);
  }

  @Test
  void formatsTheConfigCommandPaddedToEight() {
    assertThat(
            IsoTekCommands.configure(
                3, new OutletConfig("DAC", OutletType.ROUTER, Duration.ofSeconds(30))))
        .isEqualTo("C3=DAC     |2|30|\n");
    assertThat(
            IsoTekCommands.configure(
                16, new OutletConfig("Amp 1234", OutletType.LOCKED, Duration.ZERO)))
        .isEqualTo("C16=Amp 1234|3|0|\n");
  }

  @Test
  void refusesBadNamesAndDelays() {
    for (String name : List.of("NineChars", "a|b", "a\nb", "é", "\u0000")) {
      assertThatThrownBy(
              () ->
                  IsoTekCommands.configure(
                      1, new OutletConfig(name, OutletType.NORMAL, Duration.ZERO)))
          .as(name)
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("outlet name");
    }
    assertThatThrownBy(
            () ->
                IsoTekCommands.configure(
                    1, new OutletConfig("x", OutletType.NORMAL, Duration.ofMillis(500))))
        .hasMessageContaining("whole seconds");
    assertThatThrownBy(
            () ->
                IsoTekCommands.configure(
                    1, new OutletConfig("x", OutletType.NORMAL, Duration.ofSeconds(10_000))))
        .hasMessageContaining("0..9999");
  }

  @Test
  void parsesTheScheduleLineOfTheDocument() {
    assertThat(IsoTekParser.parse("P1=1|1|Night   |23:30|0|0|1|2|0|0|2|"))
        .isEqualTo(new IsoTekFrame.ScheduleRecord(1, 1, 1, "Night", 23, 30, 0, 0, 1, 2, 2));
    assertThat(IsoTekParser.parse("P2=7|2|Idle    |00:00|0|5|2|16|0|0|3|"))
        .isEqualTo(new IsoTekFrame.ScheduleRecord(2, 7, 2, "Idle", 0, 0, 0, 5, 2, 16, 3));
  }

  @Test
  void refusesBrokenScheduleLines() {
    for (String bad :
        List.of(
            "P1=1|3|x|00:00|0|0|1|1|0|0|1|",
            "P1=1|1|x|24:00|0|0|1|1|0|0|1|",
            "P1=1|1|x|00:60|0|0|1|1|0|0|1|",
            "P1=1|1|x|0000|0|0|1|1|0|0|1|",
            "P1=1|1|x|00:00|32|0|1|1|0|0|1|",
            "P1=1|1|x|00:00|0|0|1|17|0|0|1|",
            "P1=1|1|x|00:00|0|0|1|1|0|0|4|",
            "P1=1|1|x|00:00|0|0|1|1|0|0|")) {
      assertThat(IsoTekParser.parse(bad)).as(bad).isInstanceOf(IsoTekFrame.Malformed.class);
    }
  }

  @Test
  void formatsScheduleCommands() {
    assertThat(IsoTekCommands.scheduleCount(2)).isEqualTo("P=2\n");
    assertThat(IsoTekCommands.scheduleCount(0)).isEqualTo("P=0\n");
    assertThat(
            IsoTekCommands.scheduleRecord(
                1,
                new ScheduleRule.TimePlan(
                    "Night", LocalTime.of(23, 30), Recurrence.daily(), 2, ScheduleAction.OFF),
                8))
        .isEqualTo("PW=1|1|Night   |23:30|0|0|1|2|0|0|2|\n");
    assertThat(
            IsoTekCommands.scheduleRecord(
                2,
                new ScheduleRule.PowerPlan(
                    "Hog", ScheduleRule.Comparison.ABOVE, 200, 5, ScheduleAction.RESTART),
                8))
        .isEqualTo("PW=2|2|Hog     |00:00|0|200|1|5|0|0|3|\n");
  }

  @Test
  void aTimePlansRecurrenceIsTheDayField() {
    assertThat(
            IsoTekCommands.scheduleRecord(
                1,
                new ScheduleRule.TimePlan(
                    "Pay", LocalTime.of(8, 0), Recurrence.monthly(15), 3, ScheduleAction.ON),
                8))
        .isEqualTo("PW=1|1|Pay     |08:00|15|0|1|3|0|0|1|\n");
    assertThat(IsoTekSchedule.recurrence(0)).isEqualTo(Recurrence.daily());
    assertThat(IsoTekSchedule.recurrence(1)).isEqualTo(Recurrence.monthly(1));
    assertThat(IsoTekSchedule.recurrence(31)).isEqualTo(Recurrence.monthly(31));
    assertThatThrownBy(
            () ->
                IsoTekCommands.scheduleRecord(
                    1,
                    new ScheduleRule.TimePlan(
                        "Mondays",
                        LocalTime.NOON,
                        Recurrence.weekly(java.time.DayOfWeek.MONDAY),
                        1,
                        ScheduleAction.ON),
                    8))
        .isInstanceOf(io.pdu4j.api.UnsupportedCapabilityException.class)
        .hasMessageContaining("one day number per schedule rule")
        .hasMessageContaining("host-side schedule");
  }

  @Test
  void refusesScheduleFieldsNamingThem() {
    assertThatThrownBy(
            () ->
                IsoTekCommands.scheduleRecord(
                    1,
                    new ScheduleRule.TimePlan(
                        "x", LocalTime.NOON, Recurrence.daily(), 9, ScheduleAction.ON),
                    8))
        .hasMessageContaining("outlet must be 1..8");
    assertThatThrownBy(
            () ->
                IsoTekCommands.scheduleRecord(
                    1,
                    new ScheduleRule.PowerPlan(
                        "x", ScheduleRule.Comparison.ABOVE, 0.5, 1, ScheduleAction.ON),
                    8))
        .hasMessageContaining("power");
    assertThatThrownBy(() -> IsoTekCommands.scheduleCount(100)).hasMessageContaining("count");
  }

  @Test
  void mapsRecordsToRules() {
    assertThat(
            IsoTekSchedule.toRules(
                List.of(
                    new IsoTekFrame.ScheduleRecord(1, 1, 1, "Night", 23, 30, 4, 0, 1, 2, 2),
                    new IsoTekFrame.ScheduleRecord(2, 2, 2, "Idle", 0, 0, 0, 5, 2, 3, 3))))
        .containsExactly(
            new ScheduleRule.TimePlan(
                "Night", LocalTime.of(23, 30), Recurrence.monthly(4), 2, ScheduleAction.OFF),
            new ScheduleRule.PowerPlan(
                "Idle", ScheduleRule.Comparison.BELOW, 5, 3, ScheduleAction.RESTART));
  }
}
