package io.pdu4j.driver.isotek.internal;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One line from an IsoTek SMART Power unit, as {@link IsoTekParser} reads it. A sealed family:
 * switch over it.
 */
public sealed interface IsoTekFrame {

  /** The highest channel number a unit reports ({@code CH16}). */
  int MAX_CHANNEL = 16;

  /** The {@code OK} that ends every reply. */
  Ok OK = new Ok();

  /** The {@code >} prompt after {@code OK}. */
  Prompt PROMPT = new Prompt();

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
  }

  /** {@code OK}: the unit accepted the command (and, for {@code ?}, its status is complete). */
  record Ok() implements IsoTekFrame {}

  /** {@code >}: the prompt that follows {@code OK}. */
  record Prompt() implements IsoTekFrame {}

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
  }
}
