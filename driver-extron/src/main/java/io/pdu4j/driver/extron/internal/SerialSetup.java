package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The serial settings of an IPCP port, as the {@code serial} option gives them ({@code
 * 115200,N,8,1}), with the SIS command that sets them and the answer that confirms it. Pure.
 *
 * @param baud one of {@link #BAUDS}
 * @param parity {@code N}, {@code E} or {@code O}
 * @param dataBits 7 or 8
 * @param stopBits 1 or 2
 */
public record SerialSetup(int baud, char parity, int dataBits, int stopBits) {

  /** The rates an IPCP serial port takes (user guide, serial port configuration). */
  public static final List<Integer> BAUDS =
      List.of(
          300, 600, 1200, 1800, 2400, 3600, 4800, 7200, 9600, 14400, 19200, 28800, 38400, 57600,
          115200);

  /** Validates each field. */
  public SerialSetup {
    if (!BAUDS.contains(baud)) {
      throw new InvalidArgumentException("serial: baud must be one of " + BAUDS + ", got " + baud);
    }
    if (parity != 'N' && parity != 'E' && parity != 'O') {
      throw new InvalidArgumentException(
          "serial: parity must be N (none), E (even) or O (odd), got '" + parity + "'");
    }
    if (dataBits != 7 && dataBits != 8) {
      throw new InvalidArgumentException("serial: data bits must be 7 or 8, got " + dataBits);
    }
    if (stopBits != 1 && stopBits != 2) {
      throw new InvalidArgumentException("serial: stop bits must be 1 or 2, got " + stopBits);
    }
  }

  /** Reads {@code baud,parity,data,stop}, e.g. {@code 115200,N,8,1}. */
  public static SerialSetup parse(String text) {
    String[] f = text.trim().split(",", -1);
    if (f.length != 4 || f[1].trim().length() != 1) {
      throw new InvalidArgumentException(
          "serial must be baud,parity,data,stop (e.g. 115200,N,8,1), got '" + text + "'");
    }
    try {
      return new SerialSetup(
          Integer.parseInt(f[0].trim()),
          f[1].trim().toUpperCase(Locale.ROOT).charAt(0),
          Integer.parseInt(f[2].trim()),
          Integer.parseInt(f[3].trim()));
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(
          "serial must be baud,parity,data,stop (e.g. 115200,N,8,1), got '" + text + "'", e);
    }
  }

  /** {@code 115200,N,8,1}. */
  public String value() {
    return baud + "," + parity + "," + dataBits + "," + stopBits;
  }

  /** The command for port {@code port}: {@code Esc 03*115200,N,8,1CP CR}. */
  public byte[] command(int port) {
    SisCodec.validatePort(port);
    return (((char) SisCodec.ESC) + String.format(Locale.ROOT, "%02d*", port) + value() + "CP\r")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * Why the answer to {@link #command(int)} does not confirm it (a message for an exception), or
   * empty when it does.
   */
  public Optional<String> mismatch(int port, String answer) {
    String expected = expectedReply(port);
    if (answer != null && answer.strip().equals(expected)) {
      return Optional.empty();
    }
    return Optional.of(
        "serial setup of port " + port + " not confirmed: expected '" + expected + "'");
  }

  /** The answer that confirms the command, without CR LF: {@code Cpn03 Ccp115200,N,8,1}. */
  public String expectedReply(int port) {
    return String.format(Locale.ROOT, "Cpn%02d Ccp", port) + value();
  }
}
