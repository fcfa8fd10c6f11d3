package io.pdu4j.runtime.config;

import io.pdu4j.api.InvalidArgumentException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A group of outlets switched together, in order, with a pause between them to spare the inrush
 * ({@code groups:} in the file).
 *
 * @param name the group's name
 * @param outlets the outlets in switching order; at least one, none twice
 * @param sequenceDelay the pause between one outlet's confirmed switch and the next one's command,
 *     0 to at most {@link #MAX_SEQUENCE_DELAY}
 */
public record GroupConfig(String name, List<OutletRef> outlets, Duration sequenceDelay) {
  /** The longest pause between two outlets of a group. */
  public static final Duration MAX_SEQUENCE_DELAY = Duration.ofMinutes(10);

  /** The most outlets one group may hold. */
  public static final int MAX_OUTLETS = 256;

  /** Validates the outlets and the delay. */
  public GroupConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sequenceDelay, "sequenceDelay");
    outlets = List.copyOf(outlets);
    if (outlets.isEmpty()) {
      throw new InvalidArgumentException("a group needs at least one outlet");
    }
    if (outlets.size() > MAX_OUTLETS) {
      throw new InvalidArgumentException(
          "a group holds at most " + MAX_OUTLETS + " outlets, got " + outlets.size());
    }
    Set<String> seen = new HashSet<>();
    for (OutletRef o : outlets) {
      if (!seen.add(o.toString())) {
        throw new InvalidArgumentException("outlet " + o + " is listed twice");
      }
    }
    if (sequenceDelay.isNegative() || sequenceDelay.compareTo(MAX_SEQUENCE_DELAY) > 0) {
      throw new InvalidArgumentException(
          "sequence-delay must be 0 to 10m, got " + io.pdu4j.api.Durations.format(sequenceDelay));
    }
  }
}
