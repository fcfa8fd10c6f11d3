package io.pdu4j.sim.isotek.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandParserTest {

  private final CommandParser sixteen = new CommandParser(16);
  private final CommandParser eight = new CommandParser(8);

  @Test
  void parsesTheDocumentedCommands() {
    assertThat(sixteen.parse("?")).isEqualTo(new Command.Status());
    assertThat(sixteen.parse("A?")).isEqualTo(new Command.Address());
    assertThat(sixteen.parse("C?")).isEqualTo(new Command.ReadConfig());
    assertThat(sixteen.parse("G")).isEqualTo(new Command.SwitchAll(false));
    assertThat(sixteen.parse("H")).isEqualTo(new Command.SwitchAll(true));
    assertThat(sixteen.parse("S1=1")).isEqualTo(new Command.Switch(1, true));
    assertThat(sixteen.parse("S16=0")).isEqualTo(new Command.Switch(16, false));
    assertThat(sixteen.parse("T=2024/05|17|09|03|07|"))
        .isEqualTo(new Command.SetClock(LocalDateTime.of(2024, 5, 17, 9, 3, 7)));
    assertThat(sixteen.parse("C3=Router  |2|15|"))
        .isEqualTo(new Command.Configure(3, new OutletConfig("Router", 2, 15)));
  }

  @Test
  void acceptsTheClockWithYearAndMonthJoinedByABarAndWithoutTheLastBar() {
    assertThat(sixteen.parse("T=2024|05|17|09|03|07|"))
        .isEqualTo(new Command.SetClock(LocalDateTime.of(2024, 5, 17, 9, 3, 7)));
    assertThat(sixteen.parse("T=2024/5|7|9|3|7"))
        .isEqualTo(new Command.SetClock(LocalDateTime.of(2024, 5, 7, 9, 3, 7)));
  }

  @Test
  void outletNumbersFollowTheOutletCount() {
    assertThat(sixteen.parse("S9=1")).isEqualTo(new Command.Switch(9, true));
    assertThat(eight.parse("S9=1")).isInstanceOf(Command.Invalid.class);
    assertThat(eight.parse("C9=x|1|0|")).isInstanceOf(Command.Invalid.class);
    assertThat(((Command.Invalid) eight.parse("S9=1")).reason())
        .isEqualTo("outlet 9 is not in 1..8");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ?",
        "? ",
        "g",
        "x",
        "P=100",
        "PW=1|1|x|10:00|0|0|1|1|0|0|",
        "S=1",
        "S1=",
        "S1=2",
        "S17=1",
        "S0=0",
        "S100=1",
        "S1=1|",
        "T=2024/02|30|00|00|00|",
        "T=2024/05|17|24|00|00|",
        "T=24/05|17|09|03|07|",
        "C1=Name|0|0|",
        "C1=Name|1|-1|",
        "C1=Name|1|",
        "C1=Name\u00e9|1|0|",
        "C1=123456789|1|0|",
        "C17=Name|1|0|"
      })
  void rejectsAnythingElse(String line) {
    assertThat(sixteen.parse(line)).isInstanceOf(Command.Invalid.class);
  }
}
