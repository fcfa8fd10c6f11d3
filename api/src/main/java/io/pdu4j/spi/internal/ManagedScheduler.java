package io.pdu4j.spi.internal;

import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.ScheduleRule;
import io.pdu4j.api.Scheduler;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The schedule store of a {@link ManagedDevice} whose session keeps one. */
final class ManagedScheduler implements Scheduler {
  private final ManagedDevice device;

  ManagedScheduler(ManagedDevice device) {
    this.device = device;
  }

  @Override
  public CompletionStage<List<ScheduleRule>> rules() {
    return device.command(
        "schedule_read", DeviceCapability.SCHEDULER, () -> device.session().scheduleRules());
  }

  @Override
  public CompletionStage<List<ScheduleRule>> add(ScheduleRule rule) {
    if (rule == null) {
      return device.refused("schedule_add", invalid("a schedule rule must not be null"));
    }
    return device.command(
        "schedule_add", DeviceCapability.SCHEDULER, () -> device.session().addScheduleRule(rule));
  }

  @Override
  public CompletionStage<List<ScheduleRule>> replaceAll(List<? extends ScheduleRule> rules) {
    // not rules.contains(null): immutable lists throw on it
    if (rules == null || rules.stream().anyMatch(java.util.Objects::isNull)) {
      return device.refused("schedule_replace", invalid("schedule rules must not be null"));
    }
    List<ScheduleRule> copy = List.copyOf(rules);
    return device.command(
        "schedule_replace",
        DeviceCapability.SCHEDULER,
        () -> device.session().replaceSchedule(copy));
  }

  @Override
  public CompletionStage<Void> clear() {
    return device.command(
        "schedule_clear", DeviceCapability.SCHEDULER, () -> device.session().clearSchedule());
  }

  private InvalidArgumentException invalid(String message) {
    return new InvalidArgumentException(message, device.device(), null, null, null);
  }
}
