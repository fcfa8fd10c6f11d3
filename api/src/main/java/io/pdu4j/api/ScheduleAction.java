package io.pdu4j.api;

/** What a schedule rule does to its outlet when it fires. */
public enum ScheduleAction {
  /** Switch the outlet on. */
  ON,
  /** Switch the outlet off. */
  OFF,
  /** Switch the outlet off, wait its reset delay, switch it on. */
  RESTART
}
