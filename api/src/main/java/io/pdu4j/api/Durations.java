package io.pdu4j.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints durations the way URIs, configuration and the command line write them: {@code
 * 500ms}, {@code 5s}, {@code 1.5s}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT5S}). A bare
 * number is seconds.
 */
public final class Durations {
  private static final Pattern SIMPLE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);

  private Durations() {}

  /**
   * {@code to - from} in nanoseconds, saturated at the ends of {@code long} (about 292 years): what
   * {@code Duration.between(from, to).toNanos()} gives where it does not overflow, without making a
   * {@code Duration} (asked for every status of a fleet).
   */
  public static long nanosBetween(Instant from, Instant to) {
    return nanosBetween(from.getEpochSecond(), from.getNano(), to);
  }

  /**
   * {@link #nanosBetween(Instant, Instant)} from the instant of {@code fromSecond} and {@code
   * fromNano} ({@link Instant#getEpochSecond()}, {@link Instant#getNano()}), for a caller that
   * keeps an instant as its two numbers rather than as an object.
   */
  public static long nanosBetween(long fromSecond, int fromNano, Instant to) {
    long seconds = to.getEpochSecond() - fromSecond;
    if (Math.abs(seconds) >= 9_000_000_000L) {
      return seconds < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return seconds * 1_000_000_000L + (to.getNano() - fromNano);
  }

  /**
   * {@code d} in nanoseconds, saturated: {@link Long#MAX_VALUE} (or {@link Long#MIN_VALUE}) for a
   * duration too long for a {@code long} of nanoseconds (about 292 years), where {@link
   * Duration#toNanos()} throws.
   */
  public static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /**
   * Parses {@code text}.
   *
   * @param what what the duration is for, used in the error message (e.g. {@code timeout})
   * @throws InvalidArgumentException when the text is not a duration or is negative
   */
  public static Duration parse(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new InvalidArgumentException(what + ": a duration is required (e.g. 5s, 500ms)");
    }
    String t = text.trim();
    if (t.length() > 40) {
      throw new InvalidArgumentException(what + ": not a duration (too long)");
    }
    if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        Duration d = Duration.parse(t);
        if (d.isNegative()) {
          throw new InvalidArgumentException(what + ": must not be negative, got " + t);
        }
        return d;
      } catch (DateTimeParseException e) {
        throw new InvalidArgumentException(what + ": not a duration: " + t, e);
      }
    }
    Matcher m = SIMPLE.matcher(t);
    if (!m.matches()) {
      throw new InvalidArgumentException(
          what + ": not a duration: '" + t + "' (use e.g. 500ms, 5s, 2m, 1h or PT5S)");
    }
    BigDecimal amount = new BigDecimal(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
    BigDecimal millis =
        switch (unit) {
          case "ms" -> amount;
          case "s" -> amount.multiply(BigDecimal.valueOf(1_000));
          case "m" -> amount.multiply(BigDecimal.valueOf(60_000));
          case "h" -> amount.multiply(BigDecimal.valueOf(3_600_000));
          default -> throw new IllegalStateException(unit);
        };
    try {
      return Duration.ofMillis(millis.longValueExact());
    } catch (ArithmeticException e) {
      throw new InvalidArgumentException(
          what + ": '" + t + "' is not a whole number of milliseconds or is too large", e);
    }
  }

  /** Prints a duration in the short form {@link #parse} reads ({@code 1.5s}, {@code 200ms}). */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms != 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms != 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    if (ms > 1000) {
      return BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString() + "s";
    }
    return ms + "ms";
  }
}
