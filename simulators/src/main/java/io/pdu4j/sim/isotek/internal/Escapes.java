package io.pdu4j.sim.isotek.internal;

/** Makes control characters visible in log lines. */
final class Escapes {

  private Escapes() {}

  static String visible(String s) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            out.append(String.format("\\x%02X", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    return out.toString();
  }
}
