package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.Durations;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletType;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ScheduleRule;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Locale;

/**
 * Formats the commands an IsoTek unit takes, each one line ended by {@code \n}. Pure; arguments are
 * validated here so that nothing malformed is ever sent.
 */
public final class IsoTekCommands {

  /** Asks for the status: {@code CH0..CHn}, {@code RTC}, {@code OK}, {@code >}. */
  public static final String STATUS = "?\n";

  /** Switches every outlet off. */
  public static final String ALL_OFF = "G\n";

  /** Switches every outlet on. */
  public static final String ALL_ON = "H\n";

  /** Asks for every outlet's settings: {@code C1..Cn}, {@code OK}. */
  public static final String READ_CONFIG = "C?\n";

  /** Reads the unit's address settings: serial number, MAC, servers ({@code A=...}). */
  public static final String READ_ADDRESS = "A?\n";

  /** Asks for the schedule records: {@code P1..Pn}, {@code OK}. */
  public static final String READ_SCHEDULE = "P?\n";

  /** Restarts the unit. */
  public static final String RESTART = "X\n";

  /** The length of an outlet or schedule name on the wire. */
  public static final int NAME_LENGTH = 8;

  /** The longest reset delay accepted, in seconds (the document gives no limit; see isotek.md). */
  public static final int MAX_DELAY_SECONDS = 9999;

  /** The most schedule records written in one {@code P=nn} (two digits). */
  public static final int MAX_SCHEDULE_RECORDS = 99;

  private IsoTekCommands() {}

  /**
   * {@code Cx=nnnnnnnn|t|d|}: stores an outlet's name (padded with spaces to 8), type (1 normal, 2
   * router, 3 locked) and reset delay in whole seconds.
   *
   * @throws InvalidArgumentException when the outlet is not 1..16, the name is not valid (see
   *     {@link #paddedName(String, String)}), or the delay is not whole seconds 0..{@value
   *     #MAX_DELAY_SECONDS}
   */
  public static String configure(int outlet, OutletConfig config) {
    requireOutlet(outlet);
    if (config == null) {
      throw new InvalidArgumentException("outlet settings are required");
    }
    return "C"
        + outlet
        + "="
        + paddedName(config.name(), "outlet name")
        + "|"
        + typeCode(config.type())
        + "|"
        + delaySeconds(config.resetDelay())
        + "|\n";
  }

  /** The wire code of an outlet type: 1 normal, 2 router, 3 locked. */
  public static int typeCode(OutletType type) {
    return switch (type) {
      case NORMAL -> 1;
      case ROUTER -> 2;
      case LOCKED -> 3;
    };
  }

  /** The outlet type of a wire code 1..3. */
  public static OutletType type(int code) {
    return switch (code) {
      case 1 -> OutletType.NORMAL;
      case 2 -> OutletType.ROUTER;
      case 3 -> OutletType.LOCKED;
      default -> throw new IllegalArgumentException("outlet type code must be 1..3: " + code);
    };
  }

  /**
   * A reset delay as whole seconds.
   *
   * @throws InvalidArgumentException when it has a fraction of a second or exceeds {@value
   *     #MAX_DELAY_SECONDS} s
   */
  public static long delaySeconds(Duration delay) {
    if (delay.getNano() != 0) {
      throw new InvalidArgumentException(
          "reset delay must be whole seconds, got " + Durations.format(delay));
    }
    if (delay.isNegative() || delay.getSeconds() > MAX_DELAY_SECONDS) {
      throw new InvalidArgumentException(
          "reset delay must be 0.." + MAX_DELAY_SECONDS + " s, got " + Durations.format(delay));
    }
    return delay.getSeconds();
  }

  /**
   * A name padded with spaces to exactly 8 characters.
   *
   * @param field what the name is, for the error message
   * @throws InvalidArgumentException when the name is longer than 8 characters or holds {@code |},
   *     a control character or a character that is not ASCII
   */
  public static String paddedName(String name, String field) {
    if (name == null) {
      throw new InvalidArgumentException(field + " is required");
    }
    if (name.length() > NAME_LENGTH) {
      throw new InvalidArgumentException(
          field
              + " must be at most "
              + NAME_LENGTH
              + " characters, got "
              + name.length()
              + ": "
              + PowerDeviceException.printable(name));
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '|') {
        throw new InvalidArgumentException(
            field
                + " may hold printable ASCII except '|' only, got "
                + PowerDeviceException.printable(name));
      }
    }
    return String.format(Locale.ROOT, "%-" + NAME_LENGTH + "s", name);
  }

  /** {@code P=nn}: sets the number of schedule records (then one {@code PW=} each). */
  public static String scheduleCount(int count) {
    if (count < 0 || count > MAX_SCHEDULE_RECORDS) {
      throw new InvalidArgumentException(
          "schedule record count must be 0.." + MAX_SCHEDULE_RECORDS + ", got " + count);
    }
    return "P=" + count + "\n";
  }

  /**
   * {@code PW=id|type|name|hh:min|dd|power|operator|channel|0|0|setup|}: writes one schedule
   * record. A time plan writes power 0 and operator 1; a power plan writes time 00:00 and day 0. A
   * time plan's recurrence is the day field: 0 every day, 1..31 that day of the month.
   *
   * @param id the record id, 1..99
   * @param outlets the unit's outlet count, for the range check of the target outlet
   * @throws InvalidArgumentException naming the field that is out of range
   * @throws io.pdu4j.api.UnsupportedCapabilityException for a weekly time plan, which the unit
   *     cannot keep
   */
  public static String scheduleRecord(int id, ScheduleRule rule, int outlets) {
    return scheduleRecord(id, rule, outlets, ScheduleDays.MONTH);
  }

  /**
   * As {@link #scheduleRecord(int, ScheduleRule, int)}, the recurrence written as {@code days}
   * reads the day field.
   */
  public static String scheduleRecord(int id, ScheduleRule rule, int outlets, ScheduleDays days) {
    if (rule == null) {
      throw new InvalidArgumentException("a schedule rule is required");
    }
    if (id < 1 || id > MAX_SCHEDULE_RECORDS) {
      throw new InvalidArgumentException(
          "schedule record id must be 1.." + MAX_SCHEDULE_RECORDS + ", got " + id);
    }
    int max = outlets < 1 ? IsoTekFrame.MAX_CHANNEL : Math.min(outlets, IsoTekFrame.MAX_CHANNEL);
    if (rule.outlet() < 1 || rule.outlet() > max) {
      throw new InvalidArgumentException(
          "schedule outlet must be 1.." + max + ", got " + rule.outlet());
    }
    String name = paddedName(rule.name(), "schedule name");
    int setup =
        switch (rule.action()) {
          case ON -> 1;
          case OFF -> 2;
          case RESTART -> 3;
        };
    int type;
    int hour = 0;
    int minute = 0;
    int day = 0;
    long watts = 0;
    int operator = 1;
    if (rule instanceof ScheduleRule.TimePlan t) {
      type = 1;
      hour = t.at().getHour();
      minute = t.at().getMinute();
      day = days.field(t.recurrence());
    } else {
      ScheduleRule.PowerPlan p = (ScheduleRule.PowerPlan) rule;
      type = 2;
      if (p.watts() != Math.rint(p.watts()) || p.watts() > 999_999) {
        throw new InvalidArgumentException(
            "schedule power must be whole watts 0..999999, got " + p.watts());
      }
      watts = (long) p.watts();
      operator = p.comparison() == ScheduleRule.Comparison.ABOVE ? 1 : 2;
    }
    return String.format(
        Locale.ROOT,
        "PW=%d|%d|%s|%02d:%02d|%d|%d|%d|%d|0|0|%d|\n",
        id,
        type,
        name,
        hour,
        minute,
        day,
        watts,
        operator,
        rule.outlet(),
        setup);
  }

  private static void requireOutlet(int outlet) {
    if (outlet < 1 || outlet > IsoTekFrame.MAX_CHANNEL) {
      throw new InvalidArgumentException(
          "IsoTek outlet must be 1.." + IsoTekFrame.MAX_CHANNEL + ", got " + outlet);
    }
  }

  /**
   * {@code Sx=s}: switches outlet {@code outlet} on or off.
   *
   * @throws InvalidArgumentException when the outlet is not 1..16 or the state is UNKNOWN
   */
  public static String switchOutlet(int outlet, OutletState state) {
    if (outlet < 1 || outlet > IsoTekFrame.MAX_CHANNEL) {
      throw new InvalidArgumentException(
          "IsoTek outlet must be 1.." + IsoTekFrame.MAX_CHANNEL + ", got " + outlet);
    }
    return "S" + outlet + "=" + onOff(state) + "\n";
  }

  /**
   * {@code G} (all off) or {@code H} (all on).
   *
   * @throws InvalidArgumentException when the state is UNKNOWN
   */
  public static String switchAll(OutletState state) {
    return onOff(state) == 1 ? ALL_ON : ALL_OFF;
  }

  /**
   * {@code T=yyyy/mm|dd|hh|min|ss|}: sets the unit's clock; seconds are truncated.
   *
   * @throws InvalidArgumentException when the year does not have four digits
   */
  public static String setClock(LocalDateTime time) {
    if (time == null) {
      throw new InvalidArgumentException("a time is required to set the clock");
    }
    if (time.getYear() < 1000 || time.getYear() > 9999) {
      throw new InvalidArgumentException(
          "the IsoTek clock takes a four-digit year, got " + time.getYear());
    }
    // Locale.ROOT: a default locale with other digits would corrupt the command
    return String.format(
        Locale.ROOT,
        "T=%04d/%02d|%02d|%02d|%02d|%02d|\n",
        time.getYear(),
        time.getMonthValue(),
        time.getDayOfMonth(),
        time.getHour(),
        time.getMinute(),
        time.getSecond());
  }

  private static int onOff(OutletState state) {
    if (state == null) {
      throw new InvalidArgumentException("a state is required: ON or OFF");
    }
    return switch (state) {
      case ON -> 1;
      case OFF -> 0;
      case UNKNOWN -> throw new InvalidArgumentException("cannot switch to UNKNOWN; use ON or OFF");
    };
  }
}
