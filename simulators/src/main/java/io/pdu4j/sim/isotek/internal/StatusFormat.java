package io.pdu4j.sim.isotek.internal;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Formats the lines the simulator sends, without line endings.
 *
 * <p>Pure. Formats follow the vendor document: {@code CHn=s|vvv|ppp|} with integer volts and watts,
 * {@code RTC=yyyy/mm|dd|hh|min|ss|} with two-digit fields, {@code Cn=nnnnnnnn|t|d|} with the name
 * padded to 8, {@code A=SerialNum|MAC|ServerIP1|ServerPort1|ServerIP2|ServerPort2|}.
 */
public final class StatusFormat {

  private StatusFormat() {}

  /** The status block: {@code CH0} .. {@code CHn}, then {@code RTC=}. */
  public static List<String> statusLines(StatusSnapshot snapshot) {
    List<String> lines = new ArrayList<>(snapshot.outlets().size() + 2);
    lines.add(channel(0, snapshot.unit()));
    for (int i = 0; i < snapshot.outlets().size(); i++) {
      lines.add(channel(i + 1, snapshot.outlets().get(i)));
    }
    lines.add(clock(snapshot.clock()));
    return lines;
  }

  /** One {@code CHn=s|vvv|ppp|} line. */
  public static String channel(int n, OutletReading reading) {
    return "CH"
        + n
        + "="
        + (reading.on() ? 1 : 0)
        + "|"
        + reading.volts()
        + "|"
        + reading.watts()
        + "|";
  }

  /** The {@code RTC=yyyy/mm|dd|hh|min|ss|} line. */
  public static String clock(LocalDateTime t) {
    return String.format(
        "RTC=%04d/%02d|%02d|%02d|%02d|%02d|",
        t.getYear(),
        t.getMonthValue(),
        t.getDayOfMonth(),
        t.getHour(),
        t.getMinute(),
        t.getSecond());
  }

  /** The {@code C?} reply lines, {@code C1=} first. */
  public static List<String> configLines(List<OutletConfig> configs) {
    List<String> lines = new ArrayList<>(configs.size());
    for (int i = 0; i < configs.size(); i++) {
      OutletConfig c = configs.get(i);
      lines.add(
          "C" + (i + 1) + "=" + c.paddedName() + "|" + c.type() + "|" + c.delaySeconds() + "|");
    }
    return lines;
  }

  /** The {@code P?} lines: {@code P1=...} for each stored record, in order. */
  public static List<String> scheduleLines(List<ScheduleEntry> entries) {
    List<String> lines = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      lines.add("P" + (i + 1) + "=" + entries.get(i).wire());
    }
    return lines;
  }

  /** The {@code A=} line. */
  public static String addressLine(
      String serial, String mac, String ip1, int port1, String ip2, int port2) {
    return "A=" + serial + "|" + mac + "|" + ip1 + "|" + port1 + "|" + ip2 + "|" + port2 + "|";
  }
}
