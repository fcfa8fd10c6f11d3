package io.pdu4j.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A device's store of {@link ScheduleRule}s, which the device runs by itself. Writes are verified
 * by reading the store back.
 */
@DoNotImplement
public interface Scheduler {
  /** Reads the rules the device holds, in its order. */
  CompletionStage<List<ScheduleRule>> rules();

  /** Appends a rule; completes with the rules read back. */
  CompletionStage<List<ScheduleRule>> add(ScheduleRule rule);

  /** Replaces every rule; completes with the rules read back. */
  CompletionStage<List<ScheduleRule>> replaceAll(List<? extends ScheduleRule> rules);

  /** Removes every rule. */
  CompletionStage<Void> clear();
}
