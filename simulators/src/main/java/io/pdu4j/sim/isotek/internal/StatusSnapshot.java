package io.pdu4j.sim.isotek.internal;

import java.time.LocalDateTime;
import java.util.List;

/**
 * Everything one status block shows, taken at one instant.
 *
 * @param unit CH0, the whole unit: mains voltage and the sum of the outlets' power
 * @param outlets CH1..CHn in order
 * @param clock the device clock, whole seconds
 */
public record StatusSnapshot(OutletReading unit, List<OutletReading> outlets, LocalDateTime clock) {

  /** Copies the outlet list so the snapshot is immutable. */
  public StatusSnapshot {
    outlets = List.copyOf(outlets);
  }
}
