package io.pdu4j.runtime.config;

import io.pdu4j.api.InvalidArgumentException;
import java.util.Locale;

/**
 * What an API token may do, each role including the ones before it: {@link #VIEWER} reads, {@link
 * #OPERATOR} also switches, cycles and runs groups, {@link #ADMIN} also changes settings.
 */
public enum ApiRole {
  /** Reads devices, groups and events. */
  VIEWER,
  /** Also switches and cycles outlets and runs groups. */
  OPERATOR,
  /** Also changes outlet settings, clocks and device schedules, and restarts devices. */
  ADMIN;

  /** Whether this role may do what {@code needed} may. */
  public boolean includes(ApiRole needed) {
    return compareTo(needed) >= 0;
  }

  /** The name as written in the configuration: {@code viewer}, {@code operator}, {@code admin}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role written as {@code viewer}, {@code operator} or {@code admin}.
   *
   * @throws InvalidArgumentException for anything else, listing the roles
   */
  public static ApiRole of(String text) {
    for (ApiRole r : values()) {
      if (r.tag().equals(text.strip())) {
        return r;
      }
    }
    throw new InvalidArgumentException(
        "unknown role '" + text + "'; the roles are viewer, operator, admin");
  }
}
