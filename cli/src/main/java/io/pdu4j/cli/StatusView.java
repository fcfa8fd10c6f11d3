package io.pdu4j.cli;

import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.runtime.json.DeviceJson;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/** Renders a device's status as a table for people or as one JSON object for scripts. */
final class StatusView {
  /** ISO local date-time, always with seconds (LocalDateTime.toString drops ":00"). */
  static final DateTimeFormatter ISO_SECONDS = DeviceJson.ISO_SECONDS;

  private static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
  private static final int MAX_NAME = 24;

  /**
   * The locale of the table's numbers: the same digits, '.' and no grouping as {@code Locale.ROOT},
   * but {@link java.util.Formatter} takes US's zero and decimal point as they are, where for any
   * other locale it asks {@code DecimalFormatSymbols}, which starts the JDK's locale providers and
   * CLDR data (some 140 classes, the last part of a one-shot {@code status}; docs/benchmarks.md,
   * "CLI start").
   */
  private static final Locale NUMBERS = Locale.US;

  private StatusView() {}

  /** The status as one JSON object, the clock taken in this host's zone. */
  static String json(DeviceInfo info, DeviceStatus status, Optional<LocalDateTime> clock) {
    return json(info, status, clock, ZoneId.systemDefault());
  }

  /**
   * The status as one JSON object, the shape of {@link DeviceJson#status}, clock in {@code zone}.
   */
  static String json(
      DeviceInfo info, DeviceStatus status, Optional<LocalDateTime> clock, ZoneId zone) {
    return DeviceJson.write(DeviceJson.status(info, status, clock, zone));
  }

  /** A heading naming the device, its input reading and clock. */
  static List<String> heading(
      DeviceInfo info, DeviceStatus status, Optional<LocalDateTime> clock, Style style) {
    List<String> lines = new ArrayList<>();
    StringBuilder what = new StringBuilder(style.bold(TerminalText.safe(info.address())));
    what.append("  ").append(describe(info));
    lines.add(what.toString());
    StringBuilder facts = new StringBuilder();
    status
        .input()
        .ifPresent(
            r ->
                facts
                    .append("input ")
                    .append(volts(r.voltage()).strip())
                    .append(" V, ")
                    .append(watts(r.power()).strip())
                    .append(" W"));
    if (facts.length() > 0) {
      facts.append("   ");
    }
    facts.append("device clock ").append(clock.map(HUMAN::format).orElse("not reported"));
    lines.add(facts.toString());
    return lines;
  }

  /** Vendor, model, serial and firmware in one phrase, safe for a terminal. */
  static String describe(DeviceInfo info) {
    StringBuilder b = new StringBuilder();
    b.append(info.vendor()).append(' ').append(info.model());
    info.serial().ifPresent(s -> b.append(", serial ").append(s));
    info.firmware().ifPresent(f -> b.append(", firmware ").append(f));
    return TerminalText.safe(b.toString().strip());
  }

  /** The outlets as a table with a header row: number, name, state, volts, watts. */
  static List<String> outletTable(List<OutletStatus> outlets, Style style) {
    int nameWidth = 4;
    for (OutletStatus o : outlets) {
      nameWidth = Math.max(nameWidth, name(o).length());
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        style.dim(
            String.format(
                NUMBERS,
                "%4s  %-" + nameWidth + "s  %-7s  %6s  %7s",
                "#",
                "NAME",
                "STATE",
                "VOLTS",
                "WATTS")));
    for (OutletStatus o : outlets) {
      String state = o.state().name();
      lines.add(
          String.format(
              NUMBERS,
              "%4d  %-" + nameWidth + "s  %s  %6s  %7s",
              o.number(),
              name(o),
              style.state(state, String.format(NUMBERS, "%-7s", state)),
              volts(o.voltage()),
              watts(o.power())));
    }
    return lines;
  }

  /** The heading, a blank line and the outlet table. */
  static String table(
      DeviceInfo info, DeviceStatus status, Optional<LocalDateTime> clock, Style style) {
    List<String> lines = new ArrayList<>(heading(info, status, clock, style));
    lines.add("");
    lines.addAll(outletTable(status.outlets(), style));
    return String.join(System.lineSeparator(), lines);
  }

  /** The outlet's name for a table: escaped for the terminal, at most 24 characters. */
  static String name(OutletStatus o) {
    String n = o.name().isBlank() ? "Outlet " + o.number() : TerminalText.safe(o.name().strip());
    return n.length() > MAX_NAME ? n.substring(0, MAX_NAME - 1) + "~" : n;
  }

  static String volts(OptionalDouble v) {
    return v.isPresent() ? String.format(NUMBERS, "%.1f", v.getAsDouble()) : "-";
  }

  static String watts(OptionalDouble w) {
    return w.isPresent() ? String.format(NUMBERS, "%.1f", w.getAsDouble()) : "-";
  }
}
