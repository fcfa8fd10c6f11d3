package io.pdu4j.sim.isotek.internal;

/**
 * One outlet's configuration as the {@code C?} / {@code Cx=} commands carry it.
 *
 * @param name the outlet name, at most 8 ASCII characters without {@code |}, CR or LF; it is padded
 *     with spaces to 8 on the wire. Other control characters (ESC, BEL) are kept as given, as a
 *     unit that does not check its input would: tests use them to play a hostile unit
 * @param type 1 normal, 2 router, 3 locked
 * @param delaySeconds the reset-sequence delay in seconds, 0..99999
 */
public record OutletConfig(String name, int type, int delaySeconds) {

  /** Outlet type 1: a normal outlet. */
  public static final int NORMAL = 1;

  /** Outlet type 2: a router outlet. */
  public static final int ROUTER = 2;

  /** Outlet type 3: a locked outlet, which ignores remote switching. */
  public static final int LOCKED = 3;

  /** The longest name the device keeps. */
  public static final int NAME_LENGTH = 8;

  /** Validates every field. */
  public OutletConfig {
    if (name == null || name.length() > NAME_LENGTH) {
      throw new IllegalArgumentException(
          "outlet name must be at most " + NAME_LENGTH + " characters, was " + quoted(name));
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '|' || c == '\r' || c == '\n' || c > 0x7F) {
        throw new IllegalArgumentException(
            "outlet name must be ASCII without '|', CR or LF, was " + quoted(name));
      }
    }
    if (type < NORMAL || type > LOCKED) {
      throw new IllegalArgumentException(
          "outlet type must be 1 (normal), 2 (router) or 3 (locked), was " + type);
    }
    if (delaySeconds < 0 || delaySeconds > 99_999) {
      throw new IllegalArgumentException(
          "outlet delay must be 0..99999 seconds, was " + delaySeconds);
    }
  }

  /** The default configuration of outlet {@code n}: {@code "Outlet 1"} .. {@code "Outlet16"}. */
  public static OutletConfig defaultFor(int n) {
    String name = n < 10 ? "Outlet " + n : "Outlet" + n;
    return new OutletConfig(name, NORMAL, 0);
  }

  /** The name padded with spaces to exactly 8 characters, as written on the wire. */
  public String paddedName() {
    return String.format("%-" + NAME_LENGTH + "s", name);
  }

  /** Whether this outlet ignores remote switching. */
  public boolean locked() {
    return type == LOCKED;
  }

  private static String quoted(String s) {
    return s == null ? "null" : "'" + s + "'";
  }
}
