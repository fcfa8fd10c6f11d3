package io.pdu4j.cli;

import java.util.Locale;

/**
 * Makes text from a device (outlet names, serials, error texts quoting a raw reply) safe to write
 * to a terminal: every human line of {@code pdu4j} that carries such text goes through {@link
 * #safe}. A device could otherwise recolour, retitle or clear the user's terminal, or hide text,
 * with ESC sequences. {@code --json} needs none of this: JSON escapes control characters itself.
 *
 * <p>Escaped: the C0 controls and DEL ({@code \x1B} for ESC, {@code \x07} for BEL, {@code \n},
 * {@code \r}, {@code \t}), the C1 controls U+0080..U+009F ({@code \x9B}) and the Unicode characters
 * that reorder or break lines ({@code \u202E}). Printable Unicode (accents, CJK, symbols) is kept.
 */
final class TerminalText {
  private TerminalText() {}

  /** The text with every control character written as an escape; one line. */
  static String safe(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder b = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String escape = escape(c);
      if (escape != null && b == null) {
        b = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (b != null) {
        if (escape != null) {
          b.append(escape);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? text : b.toString();
  }

  /**
   * As {@link #safe}, but line feeds stay line breaks (a message of several lines); a CR before a
   * line feed is dropped.
   */
  static String safeLines(String text) {
    if (text == null) {
      return "null";
    }
    String[] lines = text.split("\r?\n", -1);
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        b.append(System.lineSeparator());
      }
      b.append(safe(lines[i]));
    }
    return b.toString();
  }

  private static String escape(char c) {
    switch (c) {
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      default:
        break;
    }
    if (Character.isISOControl(c)) { // U+0000..U+001F, U+007F..U+009F
      return String.format(Locale.ROOT, "\\x%02X", (int) c);
    }
    if (isReorderingOrSeparator(c)) {
      return String.format(Locale.ROOT, "\\u%04X", (int) c);
    }
    return null;
  }

  /**
   * The bidirectional overrides and isolates, which make a terminal show text in another order than
   * it is, and the Unicode line and paragraph separators.
   */
  private static boolean isReorderingOrSeparator(char c) {
    return (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u2028'
        || c == '\u2029';
  }
}
