package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.Recurrence;
import io.pdu4j.api.ScheduleAction;
import io.pdu4j.api.ScheduleRule;
import io.pdu4j.api.StateNotConfirmedException;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An IsoTek unit's schedule: read with {@code P?}, written with {@code P=nn} and one {@code PW=}
 * per record (ids 1..n in order), verified by reading {@code P?} back. The mapping of the API's
 * rules to the unit's records is in {@code docs/isotek.md}.
 *
 * <p>Every record of a write is validated before anything is sent, so a bad rule never leaves the
 * unit with half a schedule. The records are queued back to back; a command of another caller may
 * still run between two of them (the unit has no transaction), which is harmless because the
 * read-back compares the whole list. Device thread only.
 */
final class IsoTekSchedule {
  private final IsoTekSession session;
  private final ScheduleDays days;

  IsoTekSchedule(IsoTekSession session, ScheduleDays days) {
    this.session = session;
    this.days = days;
  }

  CompletionStage<List<ScheduleRule>> rules() {
    return session
        .submit(
            new ListExchange<>(
                session.replyContext(),
                IsoTekCommands.READ_SCHEDULE,
                "schedule-read",
                IsoTekFrame.ScheduleRecord.class,
                'P'))
        .thenApply(records -> toRules(records, days));
  }

  /** The day field of a time plan's record, read 0 every day, 1..31 that day of each month. */
  static int dayField(Recurrence recurrence) {
    return ScheduleDays.MONTH.field(recurrence);
  }

  /** A time plan's day field read back as a day of the month: 0 every day, 1..31. */
  static Recurrence recurrence(int day) {
    return ScheduleDays.MONTH.recurrence(day).orElseThrow();
  }

  /** Reads the records into rules, the day fields read as a day of the month. */
  static List<ScheduleRule> toRules(List<IsoTekFrame.ScheduleRecord> records) {
    return toRules(records, ScheduleDays.MONTH);
  }

  /**
   * Reads the records into rules (status_value, status_slot and ids are not kept), the day fields
   * as {@code days} reads them; a day field that reading gives no meaning fails with a {@link
   * ProtocolException} naming the record.
   */
  static List<ScheduleRule> toRules(List<IsoTekFrame.ScheduleRecord> records, ScheduleDays days) {
    List<ScheduleRule> rules = new ArrayList<>(records.size());
    for (IsoTekFrame.ScheduleRecord r : records) {
      ScheduleAction action =
          switch (r.setup()) {
            case 1 -> ScheduleAction.ON;
            case 2 -> ScheduleAction.OFF;
            default -> ScheduleAction.RESTART;
          };
      if (r.type() == 1) {
        rules.add(
            new ScheduleRule.TimePlan(
                r.name(),
                LocalTime.of(r.hour(), r.minute()),
                days.recurrence(r.day())
                    .orElseThrow(
                        () ->
                            new ProtocolException(
                                "schedule record "
                                    + r.id()
                                    + " has day "
                                    + r.day()
                                    + ", which means nothing when days="
                                    + days.name().toLowerCase(Locale.ROOT)
                                    + " (0 every day, 1..7 Monday..Sunday)")),
                r.channel(),
                action));
      } else {
        rules.add(
            new ScheduleRule.PowerPlan(
                r.name(),
                r.operator() == 2 ? ScheduleRule.Comparison.BELOW : ScheduleRule.Comparison.ABOVE,
                r.watts(),
                r.channel(),
                action));
      }
    }
    return List.copyOf(rules);
  }

  /** Validates the rule, reads the records, and writes them back with the rule added. */
  CompletionStage<List<ScheduleRule>> add(ScheduleRule rule) {
    IsoTekCommands.scheduleRecord(1, rule, session.outletCount(), days);
    return rules()
        .thenCompose(
            existing -> {
              List<ScheduleRule> all = new ArrayList<>(existing);
              all.add(rule);
              return replaceAll(all);
            });
  }

  CompletionStage<List<ScheduleRule>> replaceAll(List<ScheduleRule> rules) {
    List<String> commands = new ArrayList<>();
    List<ScheduleRule> wanted = new ArrayList<>();
    commands.add(IsoTekCommands.scheduleCount(rules.size()));
    for (int i = 0; i < rules.size(); i++) {
      ScheduleRule rule = rules.get(i);
      commands.add(IsoTekCommands.scheduleRecord(i + 1, rule, session.outletCount(), days));
      wanted.add(normalized(rule));
    }
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (String c : commands) {
      writes.add(
          session.submit(
              new AckExchange(
                  session.replyContext(), c, c.startsWith("PW") ? "schedule-write" : "schedule")));
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .thenCompose(v -> rules())
        .thenApply(
            read -> {
              if (!read.equals(wanted)) {
                throw new StateNotConfirmedException(
                    "the unit accepted the schedule but reads back " + read.size() + " rules",
                    session.device(),
                    commands.size() + " commands P=" + rules.size() + ", PW=...",
                    read.toString(),
                    null);
              }
              return read;
            });
  }

  CompletionStage<Void> clear() {
    return session.submit(
        new AckExchange(session.replyContext(), IsoTekCommands.scheduleCount(0), "schedule"));
  }

  /** The rule as the unit will read it back: the name without trailing blanks. */
  private static ScheduleRule normalized(ScheduleRule rule) {
    if (rule instanceof ScheduleRule.TimePlan t) {
      return new ScheduleRule.TimePlan(
          t.name().stripTrailing(), t.at(), t.recurrence(), t.outlet(), t.action());
    }
    ScheduleRule.PowerPlan p = (ScheduleRule.PowerPlan) rule;
    return new ScheduleRule.PowerPlan(
        p.name().stripTrailing(), p.comparison(), p.watts(), p.outlet(), p.action());
  }
}
