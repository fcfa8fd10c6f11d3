package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.OutletState;
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

  private IsoTekCommands() {}

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
