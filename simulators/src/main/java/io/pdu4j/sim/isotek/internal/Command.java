package io.pdu4j.sim.isotek.internal;

import java.time.LocalDateTime;

/** A command line the simulator understood, or why it did not. */
public sealed interface Command {

  /** {@code ?}: the status block. */
  record Status() implements Command {}

  /** {@code A?}: the address settings. */
  record Address() implements Command {}

  /** {@code Sx=s}: switch one outlet. */
  record Switch(int outlet, boolean on) implements Command {}

  /** {@code G} (all off) or {@code H} (all on). */
  record SwitchAll(boolean on) implements Command {}

  /** {@code T=yyyy/mm|dd|hh|min|ss|}: set the clock. */
  record SetClock(LocalDateTime time) implements Command {}

  /** {@code C?}: every outlet's configuration. */
  record ReadConfig() implements Command {}

  /** {@code Cx=nnnnnnnn|t|d|}: configure one outlet. */
  record Configure(int outlet, OutletConfig config) implements Command {}

  /** {@code X}: restart the unit. */
  record Restart() implements Command {}

  /** {@code P?}: the schedule records. */
  record ReadSchedule() implements Command {}

  /** {@code P=nn}: clear the schedule and expect {@code nn} records. */
  record SetScheduleCount(int count) implements Command {}

  /** {@code PW=...}: append one schedule record. */
  record WriteSchedule(ScheduleEntry entry) implements Command {}

  /** Anything else: unknown, out of range or malformed. */
  record Invalid(String reason) implements Command {}
}
