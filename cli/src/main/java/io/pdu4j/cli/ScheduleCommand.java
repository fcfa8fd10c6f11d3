package io.pdu4j.cli;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.Recurrence;
import io.pdu4j.api.ScheduleAction;
import io.pdu4j.api.ScheduleRule;
import io.pdu4j.api.Scheduler;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.json.DeviceJson;
import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pdu4j schedule URI list|add|clear}: reads, appends to or empties the device's own
 * schedule. {@code add} takes {@code --outlet N --action on|off|restart} and one of {@code --at
 * HH:MM [--every day|15th|mon,fri]}, {@code --power-above W}, {@code --power-below W}; writes are
 * verified by reading back. {@code --day D} is the older spelling of {@code --every}: 0 every day,
 * 1..31 that day of the month.
 */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = {
      "List, add to or clear the rules the device runs by itself.",
      "Example: pdu4j schedule isotek:tcp://10.0.0.5:501 add --outlet 2 --action off --at 23:30"
          + " --every day"
    })
final class ScheduleCommand implements Callable<Integer> {

  @Mixin DeviceArgs device;

  @Parameters(index = "1", paramLabel = "ACTION", description = "list, add or clear.")
  String verb;

  @Option(names = "--outlet", paramLabel = "N", description = "add: the target outlet.")
  Integer outlet;

  @Option(names = "--action", paramLabel = "on|off|restart", description = "add: what to do.")
  String action;

  @Option(names = "--at", paramLabel = "HH:MM", description = "add: a time plan at this time.")
  String at;

  @Option(
      names = "--every",
      paramLabel = "day|15th|mon,fri",
      description =
          "add: when a time plan fires: every day (the default), one day of the month (1st..31st),"
              + " or days of the week (mon,tue,...,sun).")
  String every;

  @Option(
      names = "--day",
      paramLabel = "D",
      description = "add: as --every: 0 every day, 1..31 that day of the month.")
  Integer day;

  @Option(names = "--power-above", paramLabel = "W", description = "add: a power plan, above W.")
  Double above;

  @Option(names = "--power-below", paramLabel = "W", description = "add: a power plan, below W.")
  Double below;

  @Option(names = "--name", paramLabel = "NAME", description = "add: the rule's name.")
  String name = "";

  @Option(names = "--json", description = "list: one JSON object per rule.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String v = verb.toLowerCase(Locale.ROOT);
    ScheduleRule rule =
        switch (v) {
          case "add" -> rule();
          case "list", "clear" -> null;
          default ->
              throw new InvalidArgumentException(
                  "ACTION must be list, add or clear, got '" + verb + "'");
        };
    PrintWriter out = spec.commandLine().getOut();
    try (PowerRuntime runtime = device.runtime()) {
      PowerDevice pdu = runtime.open(device.uri);
      String address = pdu.info().address();
      Scheduler scheduler =
          pdu.scheduler()
              .orElseThrow(
                  () ->
                      new UnsupportedCapabilityException(
                          "the device has no schedule", address, null, null, null));
      switch (v) {
        case "add" -> print(out, device.await(scheduler.add(rule), "adding a rule", address));
        case "clear" -> {
          device.await(scheduler.clear(), "clearing the schedule", address);
          out.println("schedule cleared");
        }
        default -> print(out, device.await(scheduler.rules(), "reading the schedule", address));
      }
      return ExitCodes.OK;
    } finally {
      out.flush();
    }
  }

  private ScheduleRule rule() {
    if (outlet == null || action == null) {
      throw new InvalidArgumentException("add needs --outlet and --action");
    }
    ScheduleAction act;
    try {
      act = ScheduleAction.valueOf(action.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(
          "--action must be on, off or restart, got '" + action + "'", e);
    }
    int kinds = (at != null ? 1 : 0) + (above != null ? 1 : 0) + (below != null ? 1 : 0);
    if (kinds != 1) {
      throw new InvalidArgumentException(
          "add needs exactly one of --at, --power-above, --power-below");
    }
    if (at != null) {
      LocalTime time;
      try {
        time = LocalTime.parse(at);
      } catch (DateTimeParseException e) {
        throw new InvalidArgumentException("--at must be HH:MM, got '" + at + "'", e);
      }
      return new ScheduleRule.TimePlan(name, time, recurrence(), outlet, act);
    }
    if (every != null || day != null) {
      throw new InvalidArgumentException("--every and --day go with --at only");
    }
    return above != null
        ? new ScheduleRule.PowerPlan(name, ScheduleRule.Comparison.ABOVE, above, outlet, act)
        : new ScheduleRule.PowerPlan(name, ScheduleRule.Comparison.BELOW, below, outlet, act);
  }

  private Recurrence recurrence() {
    if (every != null && day != null) {
      throw new InvalidArgumentException("give --every or --day, not both");
    }
    if (day != null) {
      return day == 0 ? Recurrence.daily() : Recurrence.monthly(day);
    }
    return every == null ? Recurrence.daily() : recurrence(every);
  }

  /** The recurrence {@code --every} names, with the option's name in its error. */
  private static Recurrence recurrence(String text) {
    try {
      return Recurrence.parse(text);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException("--every: " + TerminalText.safe(e.getMessage()), e);
    }
  }

  private void print(PrintWriter out, List<ScheduleRule> rules) {
    int i = 1;
    for (ScheduleRule r : rules) {
      out.println(json ? json(i, r) : text(i, r));
      i++;
    }
    if (rules.isEmpty() && !json) {
      out.println("no rules");
    }
  }

  static String text(int index, ScheduleRule r) {
    String when =
        r instanceof ScheduleRule.TimePlan t
            ? "at " + t.at() + " " + t.recurrence()
            : "when power "
                + (((ScheduleRule.PowerPlan) r).comparison() == ScheduleRule.Comparison.ABOVE
                    ? "> "
                    : "< ")
                + fmt(((ScheduleRule.PowerPlan) r).watts())
                + " W";
    return String.format(
        Locale.ROOT,
        "%2d  %-8s  outlet %2d  %-7s  %s",
        index,
        TerminalText.safe(r.name()),
        r.outlet(),
        r.action().name().toLowerCase(Locale.ROOT),
        when);
  }

  static String json(int index, ScheduleRule r) {
    return DeviceJson.write(DeviceJson.scheduleRule(index, r));
  }

  private static String fmt(double w) {
    return w == Math.rint(w) ? Long.toString((long) w) : Double.toString(w);
  }
}
