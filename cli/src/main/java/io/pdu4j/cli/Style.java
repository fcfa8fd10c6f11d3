package io.pdu4j.cli;

import java.util.Locale;

/**
 * Emphasis for human output: ANSI colours on a terminal that takes them, plain text otherwise (a
 * pipe, a file, {@code NO_COLOR}, {@code TERM=dumb}, tests).
 */
final class Style {
  static final Style PLAIN = new Style(false);

  private final boolean ansi;

  private Style(boolean ansi) {
    this.ansi = ansi;
  }

  /** Colours when stdout is a terminal and the environment does not say otherwise. */
  static Style forTerminal() {
    String term = System.getenv("TERM");
    boolean ansi =
        System.console() != null
            && System.getenv("NO_COLOR") == null
            && term != null
            && !term.equals("dumb")
            && !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    return new Style(ansi);
  }

  boolean ansi() {
    return ansi;
  }

  String bold(String s) {
    return wrap("1", s);
  }

  String dim(String s) {
    return wrap("2", s);
  }

  String green(String s) {
    return wrap("32", s);
  }

  String red(String s) {
    return wrap("31", s);
  }

  String yellow(String s) {
    return wrap("33", s);
  }

  String cyan(String s) {
    return wrap("36", s);
  }

  /** The text coloured for an outlet state: ON green, OFF red, UNKNOWN yellow. */
  String state(String state, String padded) {
    return switch (state) {
      case "ON" -> green(padded);
      case "OFF" -> red(padded);
      default -> yellow(padded);
    };
  }

  /** Moves the cursor home and clears the screen, for a live table; nothing when plain. */
  String clearScreen() {
    return ansi ? "\033[H\033[2J" : "";
  }

  private String wrap(String code, String s) {
    return ansi ? "\033[" + code + "m" + s + "\033[0m" : s;
  }
}
