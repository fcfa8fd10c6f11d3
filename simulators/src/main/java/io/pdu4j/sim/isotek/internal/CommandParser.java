package io.pdu4j.sim.isotek.internal;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses one command line (without its ending) into a {@link Command}.
 *
 * <p>Pure. Strict on purpose, so that a driver bug shows up as an error reply: no trimming, no
 * lower case, exactly the documented shapes. Two leniencies, both from the vendor document's own
 * inconsistencies: the clock accepts {@code yyyy|mm|} as well as {@code yyyy/mm|}, and the final
 * {@code |} of {@code T=} and {@code Cx=} may be left out.
 */
public final class CommandParser {

  private static final Pattern SWITCH = Pattern.compile("S(\\d{1,2})=([01])");
  private static final Pattern SET_CLOCK =
      Pattern.compile(
          "T=(\\d{4})[/|](\\d{1,2})\\|(\\d{1,2})\\|(\\d{1,2})\\|(\\d{1,2})\\|(\\d{1,2})\\|?");
  private static final Pattern CONFIGURE =
      Pattern.compile("C(\\d{1,2})=([^|]*)\\|(\\d)\\|(\\d{1,5})\\|?");

  private static final Pattern SCHEDULE_COUNT = Pattern.compile("P=(\\d{1,2})");
  private static final Pattern SCHEDULE_RECORD =
      Pattern.compile(
          "PW=(\\d{1,3})\\|(\\d)\\|([^|]*)\\|(\\d{1,2}):(\\d{1,2})\\|(\\d{1,2})\\|(\\d{1,6})"
              + "\\|(\\d)\\|(\\d{1,2})\\|(\\d{1,3})\\|(\\d{1,3})\\|(\\d)\\|?");

  private final int outletCount;

  /**
   * Creates a parser for a unit with {@code outletCount} outlets.
   *
   * @param outletCount 8 or 16; outlet numbers outside 1..outletCount are invalid
   */
  public CommandParser(int outletCount) {
    this.outletCount = outletCount;
  }

  /** Parses {@code line}; never throws, an unusable line gives {@link Command.Invalid}. */
  public Command parse(String line) {
    switch (line) {
      case "?":
        return new Command.Status();
      case "A?":
        return new Command.Address();
      case "C?":
        return new Command.ReadConfig();
      case "G":
        return new Command.SwitchAll(false);
      case "H":
        return new Command.SwitchAll(true);
      case "X":
        return new Command.Restart();
      case "P?":
        return new Command.ReadSchedule();
      default:
        break;
    }
    Matcher m = SWITCH.matcher(line);
    if (m.matches()) {
      int outlet = Integer.parseInt(m.group(1));
      if (outlet < 1 || outlet > outletCount) {
        return outOfRange(outlet);
      }
      return new Command.Switch(outlet, m.group(2).equals("1"));
    }
    m = SET_CLOCK.matcher(line);
    if (m.matches()) {
      try {
        return new Command.SetClock(
            LocalDateTime.of(
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)),
                Integer.parseInt(m.group(6))));
      } catch (DateTimeException e) {
        return new Command.Invalid("not a valid date and time: " + e.getMessage());
      }
    }
    m = CONFIGURE.matcher(line);
    if (m.matches()) {
      int outlet = Integer.parseInt(m.group(1));
      if (outlet < 1 || outlet > outletCount) {
        return outOfRange(outlet);
      }
      try {
        OutletConfig config =
            new OutletConfig(
                m.group(2).stripTrailing(),
                Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)));
        return new Command.Configure(outlet, config);
      } catch (IllegalArgumentException e) {
        return new Command.Invalid(e.getMessage());
      }
    }
    m = SCHEDULE_COUNT.matcher(line);
    if (m.matches()) {
      return new Command.SetScheduleCount(Integer.parseInt(m.group(1)));
    }
    m = SCHEDULE_RECORD.matcher(line);
    if (m.matches()) {
      int channel = Integer.parseInt(m.group(9));
      if (channel < 1 || channel > outletCount) {
        return outOfRange(channel);
      }
      try {
        return new Command.WriteSchedule(
            new ScheduleEntry(
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                m.group(3).stripTrailing(),
                Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)),
                Integer.parseInt(m.group(6)),
                Integer.parseInt(m.group(7)),
                Integer.parseInt(m.group(8)),
                channel,
                Integer.parseInt(m.group(10)),
                Integer.parseInt(m.group(11)),
                Integer.parseInt(m.group(12))));
      } catch (IllegalArgumentException e) {
        return new Command.Invalid(e.getMessage());
      }
    }
    return new Command.Invalid("unknown command");
  }

  private Command outOfRange(int outlet) {
    return new Command.Invalid("outlet " + outlet + " is not in 1.." + outletCount);
  }
}
