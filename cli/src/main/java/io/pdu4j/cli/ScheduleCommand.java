package io.pdu4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.ScheduleAction;
import io.pdu4j.api.ScheduleRule;
import io.pdu4j.api.Scheduler;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.runtime.PowerRuntime;
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
 * HH:MM [--day D]}, {@code --power-above W}, {@code --power-below W}; writes are verified by
 * reading back.
 */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = {
      "List, add to or clear the rules the device runs by itself.",
      "Example: pdu4j schedule isotek:tcp://10.0.0.5:501 add --outlet 2 --action off --at 23:30"
    })
final class ScheduleCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

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
      names = "--day",
      paramLabel = "D",
      description = "add: day of month 1..31 for a time plan, 0 (default) every day.")
  int day;

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
      return new ScheduleRule.TimePlan(name, time, day, outlet, act);
    }
    return above != null
        ? new ScheduleRule.PowerPlan(name, ScheduleRule.Comparison.ABOVE, above, outlet, act)
        : new ScheduleRule.PowerPlan(name, ScheduleRule.Comparison.BELOW, below, outlet, act);
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
            ? "at " + t.at() + (t.day() == 0 ? " every day" : " on day " + t.day())
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
    ObjectNode n = JSON.createObjectNode();
    n.put("index", index);
    n.put("name", r.name());
    n.put("outlet", r.outlet());
    n.put("action", r.action().name().toLowerCase(Locale.ROOT));
    if (r instanceof ScheduleRule.TimePlan t) {
      n.put("type", "time");
      n.put("at", t.at().toString());
      n.put("day", t.day());
    } else {
      ScheduleRule.PowerPlan p = (ScheduleRule.PowerPlan) r;
      n.put("type", "power");
      n.put("comparison", p.comparison().name().toLowerCase(Locale.ROOT));
      n.put("watts", p.watts());
    }
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String fmt(double w) {
    return w == Math.rint(w) ? Long.toString((long) w) : Double.toString(w);
  }
}
