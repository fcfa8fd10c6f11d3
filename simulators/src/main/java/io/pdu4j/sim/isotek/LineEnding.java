package io.pdu4j.sim.isotek;

/**
 * The line ending the simulator writes after every line it sends.
 *
 * <p>The vendor document only says that commands end with {@code \n}; what the device itself writes
 * is not documented, so the simulator can play each variant. Input is always accepted with any of
 * the three endings, whatever this setting.
 */
public enum LineEnding {
  /** A single line feed, {@code \n} (the default). */
  LF("\n"),
  /** Carriage return then line feed, {@code \r\n}. */
  CRLF("\r\n"),
  /** A single carriage return, {@code \r}. */
  CR("\r");

  private final String chars;

  LineEnding(String chars) {
    this.chars = chars;
  }

  /**
   * The characters written after each line.
   *
   * @return {@code "\n"}, {@code "\r\n"} or {@code "\r"}
   */
  public String chars() {
    return chars;
  }
}
