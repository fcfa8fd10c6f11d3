package io.pdu4j.driver.isotek.internal;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One line from an IsoTek SMART Power unit, as {@link IsoTekParser} reads it. A sealed family:
 * switch over it.
 *
 * <p>Each line is parsed once, where it arrives ({@code IsoTekLines}); the status assembler, the
 * command queue and every exchange take the frame, never the text. {@code toString()} gives the
 * line in the unit's own format (the raw text for {@link Malformed} and {@link Unknown}), so that
 * errors can say what came back.
 */
public sealed interface IsoTekFrame {

  /** The highest channel number a unit reports ({@code CH16}). */
  int MAX_CHANNEL = 16;

  /** The {@code OK} that ends every reply. */
  Ok OK = new Ok();

  /** The {@code >} prompt after {@code OK}. */
  Prompt PROMPT = new Prompt();

  /** A reading as the unit writes it: {@code 230}, {@code 12.25}. */
  private static String decimal(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  /**
   * A {@code CHn=s|vvv|ppp|} line: channel 0 is the unit's input, 1..16 its outlets.
   *
   * @param number the channel, 0..16
   * @param on whether the outlet is on ({@code s} = 1)
   * @param volts the voltage, not negative
   * @param watts the power, not negative
   */
  record Channel(int number, boolean on, double volts, double watts) implements IsoTekFrame {
    /** Validates the channel number and readings. */
    public Channel {
      if (number < 0 || number > MAX_CHANNEL) {
        throw new IllegalArgumentException("channel must be 0.." + MAX_CHANNEL + ": " + number);
      }
      if (!(volts >= 0) || !(watts >= 0) || Double.isInfinite(volts) || Double.isInfinite(watts)) {
        throw new IllegalArgumentException("readings must be finite and not negative");
      }
    }

    /** The line as the unit writes it. */
    @Override
    public String toString() {
      return "CH" + number + "=" + (on ? 1 : 0) + "|" + decimal(volts) + "|" + decimal(watts) + "|";
    }
  }

  /**
   * An {@code RTC=yyyy/mm|dd|hh|min|ss|} line: the unit's clock, local time without a zone.
   *
   * @param time the unit's time
   */
  record Clock(LocalDateTime time) implements IsoTekFrame {
    /** Validates that the time is present. */
    public Clock {
      Objects.requireNonNull(time, "time");
    }

    /** The line as the unit writes it. */
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "RTC=%04d/%02d|%02d|%02d|%02d|%02d|",
          time.getYear(),
          time.getMonthValue(),
          time.getDayOfMonth(),
          time.getHour(),
          time.getMinute(),
          time.getSecond());
    }
  }

  /**
   * A {@code Cn=nnnnnnnn|t|d|} line (the answer to {@code C?}): one outlet's stored settings.
   *
   * @param number the outlet, 1..16
   * @param name the name with its trailing padding removed
   * @param type 1 normal, 2 router, 3 locked
   * @param delaySeconds the reset-sequence delay in seconds
   */
  record OutletSetting(int number, String name, int type, int delaySeconds) implements IsoTekFrame {
    /** Validates the ranges. */
    public OutletSetting {
      Objects.requireNonNull(name, "name");
      if (number < 1 || number > MAX_CHANNEL || type < 1 || type > 3 || delaySeconds < 0) {
        throw new IllegalArgumentException("outlet setting out of range");
      }
    }

    /** The line as the unit writes it (the name without its padding). */
    @Override
    public String toString() {
      return "C" + number + "=" + name + "|" + type + "|" + delaySeconds + "|";
    }
  }

  /**
   * A {@code Pn=id|type|name|hh:min|dd|power|operator|channel|status_value|status_slot|setup|} line
   * (the answer to {@code P?}): one schedule record, fields as the unit sent them.
   *
   * @param index n of {@code Pn}
   * @param id the record id
   * @param type 1 time plan, 2 power plan
   * @param name the name with trailing blanks removed
   * @param hour 0..23
   * @param minute 0..59
   * @param day 0..31
   * @param watts the power threshold
   * @param operator 1 greater than, 2 less than
   * @param channel the target outlet, 1..16
   * @param setup 1 on, 2 off, 3 restart
   */
  record ScheduleRecord(
      int index,
      int id,
      int type,
      String name,
      int hour,
      int minute,
      int day,
      double watts,
      int operator,
      int channel,
      int setup)
      implements IsoTekFrame {
    /** Validates that the name is present. */
    public ScheduleRecord {
      Objects.requireNonNull(name, "name");
    }

    /** The line as the unit writes it (the name without its padding, unused fields empty). */
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "P%d=%d|%d|%s|%02d:%02d|%d|%s|%d|%d|||%d|",
          index,
          id,
          type,
          name,
          hour,
          minute,
          day,
          decimal(watts),
          operator,
          channel,
          setup);
    }
  }

  /** {@code OK}: the unit accepted the command (and, for {@code ?}, its status is complete). */
  record Ok() implements IsoTekFrame {
    @Override
    public String toString() {
      return "OK";
    }
  }

  /** {@code >}: the prompt that follows {@code OK}. */
  record Prompt() implements IsoTekFrame {
    @Override
    public String toString() {
      return ">";
    }
  }

  /**
   * An {@code A=SerialNum|MAC|ServerIP1|ServerPort1|ServerIP2|ServerPort2|} line (the discovery
   * answer). Kept as text: the fields are only passed on.
   *
   * @param fields the fields in order, at least one
   */
  record Address(List<String> fields) implements IsoTekFrame {
    /** Copies the fields. */
    public Address {
      fields = List.copyOf(fields);
      if (fields.isEmpty()) {
        throw new IllegalArgumentException("an address line has at least a serial number");
      }
    }

    /** The line as the unit writes it. */
    @Override
    public String toString() {
      return "A=" + String.join("|", fields) + "|";
    }

    /** The serial number (the first field). */
    public String serial() {
      return fields.get(0);
    }

    /** The MAC address (the second field), when present and not empty. */
    public Optional<String> mac() {
      return fields.size() > 1 && !fields.get(1).isEmpty()
          ? Optional.of(fields.get(1))
          : Optional.empty();
    }
  }

  /**
   * A line that starts like a status line ({@code CH}, {@code RTC}) or an address line but breaks
   * its shape. Counted and skipped; a status block it belongs to is discarded.
   *
   * @param raw the line (cut to {@link IsoTekParser#MAX_LINE} characters)
   * @param reason what is wrong, for the log
   * @param statusLine whether it looked like a {@code CH} or {@code RTC} line
   */
  record Malformed(String raw, String reason, boolean statusLine) implements IsoTekFrame {
    /** Validates that nothing is null. */
    public Malformed {
      Objects.requireNonNull(raw, "raw");
      Objects.requireNonNull(reason, "reason");
    }

    /** The line as received. */
    @Override
    public String toString() {
      return raw;
    }
  }

  /**
   * Anything else: {@code ERR}, {@code ?}, {@code E..}, garbage. While a command is in flight this
   * is its rejection.
   *
   * @param raw the line (cut to {@link IsoTekParser#MAX_LINE} characters)
   */
  record Unknown(String raw) implements IsoTekFrame {
    /** Validates that the text is present. */
    public Unknown {
      Objects.requireNonNull(raw, "raw");
    }

    /** The line as received. */
    @Override
    public String toString() {
      return raw;
    }
  }
}
