package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDeviceException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
    return sendData(port, t1, t2, delimiter, data, false);
  }

  /**
   * The whole request. After (the guide's example): header, CR, then the data as the inner driver
   * wrote it. Inline: header, the data with CR, LF and {@code %} %-encoded ({@link #encodeInline}),
   * then the CR. The size limit applies to the data before encoding.
   */
  public static byte[] sendData(
      int port,
      OptionalInt t1,
      OptionalInt t2,
      OptionalInt delimiter,
      byte[] data,
      boolean inline) {
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
    ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + 3 * data.length);
    if (inline) {
      out.write(header, 0, header.length - 1); // without its CR
      out.writeBytes(encodeInline(data));
      out.write('\r');
    } else {
      out.writeBytes(header);
      out.writeBytes(data);
    }
    return out.toByteArray();
  }

  /**
   * Data placed inside the command, before its CR: CR, LF and {@code %} become {@code %0D}, {@code
   * %0A} and {@code %25} (so the IPCP cannot take them for the command's end), other bytes stay.
   */
  public static byte[] encodeInline(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 16);
    for (byte b : data) {
      if (b == '\r' || b == '\n' || b == '%') {
        out.writeBytes(String.format("%%%02X", b).getBytes(StandardCharsets.ISO_8859_1));
      } else {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  /** How the start of a reply compares with a text expected to lead it (a prefix, an echo). */
  public enum Lead {
    /** The reply starts otherwise: it has no such lead. */
    ABSENT,
    /** What has arrived so far is a start of the lead: wait for more. */
    PARTIAL,
    /** The reply starts with the whole lead. */
    FOUND
  }

  /** Compares {@code reply[from..]} with {@code lead}. */
  public static Lead lead(byte[] reply, int from, byte[] lead) {
    int n = Math.min(reply.length - from, lead.length);
    if (!Arrays.equals(reply, from, from + n, lead, 0, n)) {
      return Lead.ABSENT;
    }
    return n < lead.length ? Lead.PARTIAL : Lead.FOUND;
  }

  /**
   * How many leading bytes of a whole reply are the IPCP's and not the device's: the prefix (when
   * the reply starts with it) and then an echo of the data (when it follows).
   *
   * @param prefix the configured reply prefix, empty for none
   * @param echo the data sent
   */
  public static int leadLength(byte[] reply, byte[] prefix, byte[] echo) {
    int at = prefix.length > 0 && lead(reply, 0, prefix) == Lead.FOUND ? prefix.length : 0;
    if (echo.length > 0 && lead(reply, at, echo) == Lead.FOUND) {
      at += echo.length;
    }
    return at;
  }

  /**
   * The exception for an {@code Enn} answer: {@link DeviceBusyException} for E22 (busy, worth a
   * retry) and E26 (no free connection), {@link DeviceRejectedException} otherwise; the message
   * names the code and its meaning.
   */
  public static PowerDeviceException exception(
      SisError error, String device, String sent, String context) {
    String message = context + error.describe();
    if (error.code() == BUSY || error.code() == MAX_CONNECTIONS) {
      return new DeviceBusyException(message, device, sent, error.describe(), null);
    }
    return new DeviceRejectedException(message, device, sent, error.describe(), null);
  }

  /** Whether a failure is the IPCP's E22 (busy), which is worth retrying. */
  public static boolean isBusy(Throwable failure) {
    return failure instanceof DeviceBusyException b
        && b.received().filter(r -> r.startsWith(String.format("E%02d ", BUSY))).isPresent();
  }

  /** E22: the IPCP is busy. */
  public static final int BUSY = 22;

  /** E26: the IPCP has no free connection. */
  public static final int MAX_CONNECTIONS = 26;

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
