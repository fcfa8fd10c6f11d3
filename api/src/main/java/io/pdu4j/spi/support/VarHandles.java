package io.pdu4j.spi.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Handles of fields, for a class that keeps counters and flags as plain fields updated through a
 * {@link VarHandle} rather than as an atomic object each (one object a device of a fleet, not
 * several). Looked up once, in a static initializer.
 *
 * <p>Protocol-independent.
 */
public final class VarHandles {
  private VarHandles() {}

  /**
   * The handle of the field {@code name}, of type {@code type}, declared by {@code owner}.
   *
   * @param lookup the caller's own {@link MethodHandles#lookup()}, which reaches its private fields
   * @throws IllegalStateException when there is no such field or {@code lookup} cannot reach it
   *     (the message names the field)
   */
  public static VarHandle field(
      MethodHandles.Lookup lookup, Class<?> owner, String name, Class<?> type) {
    Objects.requireNonNull(lookup, "lookup");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    try {
      return lookup.findVarHandle(owner, name, type);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "no handle of the field "
              + type.getName()
              + " "
              + owner.getName()
              + "."
              + name
              + ": "
              + e,
          e);
    }
  }
}
