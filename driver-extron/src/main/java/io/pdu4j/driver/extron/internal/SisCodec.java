package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.InvalidArgumentException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pure functions for Extron SIS: banner and login lines, error replies, send-data-string. */
public final class SisCodec {
  /** The escape byte that starts SIS commands with a port or parameter. */
  public static final byte ESC = 0x1b;

  /** The largest data section of one send-data-string, exclusive (the guide: "< 200 bytes"). */
  public static final int MAX_DATA = 200;

  /** The longest wait the IPCP accepts for t1 and t2, in tens of ms. */
  public static final int MAX_TENS = 32767;

  private static final Pattern BANNER =
      Pattern.compile("\\(c\\) Copyright (\\d{4}), Extron Electronics, ([^,]+), V?([^,]+), (.+)");
  private static final Pattern ERROR = Pattern.compile("E(\\d\\d)");

  private static final Map<Integer, String> ERRORS =
      Map.ofEntries(
          Map.entry(1, "invalid channel"),
          Map.entry(10, "invalid command"),
          Map.entry(12, "invalid port number"),
          Map.entry(13, "invalid value"),
          Map.entry(14, "not valid for this configuration"),
          Map.entry(17, "timeout"),
          Map.entry(18, "timeout"),
          Map.entry(22, "busy"),
          Map.entry(24, "privilege violation"),
          Map.entry(25, "device not present"),
          Map.entry(26, "maximum connections exceeded"),
          Map.entry(27, "invalid event number"),
          Map.entry(28, "bad filename"),
          Map.entry(31, "attempt to break port pass-through when not set"));

  private SisCodec() {}

  /** What the copyright banner says about the unit. */
  public record Banner(String year, String model, String firmware, String partNumber) {}

  /** An {@code Enn} reply. */
  public record SisError(int code, String meaning) {
    /** {@code E13 (invalid value)}. */
    public String describe() {
      return String.format("E%02d (%s)", code, meaning);
    }
  }

  /** Parses the copyright line, without its CR LF. */
  public static Optional<Banner> parseBanner(String line) {
    Matcher m = BANNER.matcher(line.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new Banner(m.group(1), m.group(2).trim(), m.group(3).trim(), m.group(4).trim()));
  }

  /** The login level a line announces ({@code Administrator} or {@code User}), if it is one. */
  public static Optional<String> parseLogin(String line) {
    String t = line.replace("*", "").trim();
    if (t.equals("Login Administrator")) {
      return Optional.of("Administrator");
    }
    if (t.equals("Login User")) {
      return Optional.of("User");
    }
    return Optional.empty();
  }

  /** Whether text received so far ends with the password prompt (which has no line end). */
  public static boolean endsWithPasswordPrompt(String text) {
    return text.stripTrailing().endsWith("Password:");
  }

  /** Parses an {@code Enn} line (without CR LF); unknown codes get a generic meaning. */
  public static Optional<SisError> parseError(String line) {
    Matcher m = ERROR.matcher(line.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    int code = Integer.parseInt(m.group(1));
    return Optional.of(new SisError(code, ERRORS.getOrDefault(code, "device error")));
  }

  /**
   * The header of a send-data-string, from Esc to the CR: {@code Esc 03*10*2*62D RS CR}.
   *
   * @param port 1..16 (COM1..8, IR/serial 1..8)
   * @param t1 tens of ms to wait for the first character, or empty with t2 empty
   * @param t2 tens of ms allowed between characters, or empty with t1 empty
   * @param delimiter the reply's last byte ({@code nD}), or empty for {@code 0L}
   */
  public static byte[] sendDataHeader(
      int port, OptionalInt t1, OptionalInt t2, OptionalInt delimiter) {
    validatePort(port);
    validateTimes(t1, t2);
    StringBuilder b = new StringBuilder();
    b.append((char) ESC).append(String.format("%02d", port));
    if (t1.isPresent()) {
      b.append('*').append(t1.getAsInt()).append('*').append(t2.getAsInt());
      b.append('*').append(delimiterField(delimiter));
    } else if (delimiter.isPresent()) {
      // the guide lets t1 and t2 be left out only together with the third field: give defaults
      b.append("*10*2*").append(delimiterField(delimiter));
    }
    b.append("RS\r");
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The whole request: header, CR, then the data as the inner driver wrote it. */
  public static byte[] sendData(
      int port, OptionalInt t1, OptionalInt t2, OptionalInt delimiter, byte[] data) {
    if (data.length == 0) {
      throw new InvalidArgumentException("send-data-string: no data to send");
    }
    if (data.length >= MAX_DATA) {
      throw new InvalidArgumentException(
          "send-data-string: data is "
              + data.length
              + " bytes; the IPCP takes fewer than "
              + MAX_DATA);
    }
    byte[] header = sendDataHeader(port, t1, t2, delimiter);
    ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + data.length);
    out.writeBytes(header);
    out.writeBytes(data);
    return out.toByteArray();
  }

  private static String delimiterField(OptionalInt delimiter) {
    return delimiter.isPresent() ? delimiter.getAsInt() + "D" : "0L";
  }

  /** Checks a COM port number: 1..16. */
  public static void validatePort(int port) {
    if (port < 1 || port > 16) {
      throw new InvalidArgumentException(
          "IPCP port must be 1..16 (COM1..COM8, IR/serial 1..8 as 9..16), got " + port);
    }
  }

  /** Checks t1 and t2: both absent, both zero, or both 1..32767. */
  public static void validateTimes(OptionalInt t1, OptionalInt t2) {
    if (t1.isPresent() != t2.isPresent()) {
      throw new InvalidArgumentException("t1 and t2 must be given together or both left out");
    }
    if (t1.isEmpty()) {
      return;
    }
    int a = t1.getAsInt();
    int b = t2.getAsInt();
    if (a < 0 || a > MAX_TENS || b < 0 || b > MAX_TENS) {
      throw new InvalidArgumentException(
          "t1 and t2 are tens of ms, 0.." + MAX_TENS + "; got t1=" + a + ", t2=" + b);
    }
    if ((a == 0) != (b == 0)) {
      throw new InvalidArgumentException(
          "t1 and t2 must both be zero or both be non-zero; got t1=" + a + ", t2=" + b);
    }
  }

  /** The firmware query, also the keep-alive. */
  public static final String FIRMWARE_QUERY = "Q";
}
