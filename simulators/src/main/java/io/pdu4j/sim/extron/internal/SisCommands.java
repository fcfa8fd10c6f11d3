package io.pdu4j.sim.extron.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the IPCP answers to a command, the same over Telnet and the web form: relays, serial port
 * setup and send-data-string. No I/O of its own but the COM port's exchange.
 *
 * <p>Thread-safe.
 */
public final class SisCommands {
  private static final Pattern RELAY_SET = Pattern.compile("(\\d{1,2})\\*([012])O");
  private static final Pattern RELAY_GET = Pattern.compile("(\\d{1,2})O");
  private static final Pattern SERIAL_SET =
      Pattern.compile("(\\d{1,2})\\*(\\d{3,6}),([NOEMS]),([78]),([12])CP");
  private static final Pattern SERIAL_GET = Pattern.compile("(\\d{1,2})CP");
  private static final List<Integer> BAUDS =
      List.of(
          300, 600, 1200, 1800, 2400, 3600, 4800, 7200, 9600, 14400, 19200, 28800, 38400, 57600,
          115200);

  /**
   * Send-data-string after Esc, groups: port, t1, t2, n, L or D, then (6) the data placed inline,
   * before the CR, with CR, LF and % %-encoded.
   */
  static final Pattern SEND_DATA =
      Pattern.compile(
          "(\\d{1,2})(?:\\*(\\d{1,5})\\*(\\d{1,5})\\*(\\d{1,5})([LD]))?RS(.*)", Pattern.DOTALL);

  /**
   * Send-data-string in the web form, groups 1 to 5 as in {@link #SEND_DATA}, then (6) the data
   * inline, before the {@code |}, and (7) the data after it.
   */
  static final Pattern WEB_SEND_DATA =
      Pattern.compile(
          "W(\\d{1,2})(?:%2A(\\d{1,5})%2A(\\d{1,5})%2A(\\d{1,5})([LD]))?RS([^|]*)\\|(.*)",
          Pattern.DOTALL);

  private final IpcpConfig config;
  private final IpcpState state;

  /** The commands of a unit so configured, acting on {@code state}. */
  public SisCommands(IpcpConfig config, IpcpState state) {
    this.config = config;
    this.state = state;
  }

  IpcpConfig config() {
    return config;
  }

  IpcpState state() {
    return state;
  }

  /**
   * The answer to {@code t} if it is a relay command ({@code n*1O}, {@code n*0O}, {@code n*2O},
   * {@code nO}), null if it is not one; a user ({@code admin} false) may read but not switch.
   */
  String relay(String t, boolean admin) {
    Matcher set = RELAY_SET.matcher(t);
    Matcher get = RELAY_GET.matcher(t);
    if (!set.matches() && !get.matches()) {
      return null;
    }
    int n = Integer.parseInt(set.matches() ? set.group(1) : get.group(1));
    if (n < 1 || n > IpcpState.RELAYS) {
      return "E12\r\n";
    }
    if (config.relayError() != null) {
      return config.relayError() + "\r\n";
    }
    if (get.matches()) {
      return (state.relay(n) ? "1" : "0") + "\r\n";
    }
    if (!admin) {
      return "E24\r\n";
    }
    boolean now = state.switchRelay(n, Integer.parseInt(set.group(2)));
    return String.format("Cpn%02d Rly%d\r\n", n, now ? 1 : 0);
  }

  /** Whether {@code line} (what follows Esc) sets or reads a serial port's setup. */
  static boolean isSerialCommand(String line) {
    return SERIAL_SET.matcher(line).matches() || SERIAL_GET.matcher(line).matches();
  }

  /** The answer to a serial port command (set or read), {@code line} being what follows Esc. */
  String serial(String line) {
    Matcher m = SERIAL_SET.matcher(line);
    if (m.matches()) {
      int port = Integer.parseInt(m.group(1));
      if (port < 1 || port > IpcpState.COM_PORTS) {
        return "E12\r\n";
      }
      if (!BAUDS.contains(Integer.parseInt(m.group(2)))) {
        return "E13\r\n";
      }
      String s = m.group(2) + "," + m.group(3) + "," + m.group(4) + "," + m.group(5);
      state.comPort(port).configure(s);
      return String.format("Cpn%02d Ccp%s\r\n", port, s);
    }
    m = SERIAL_GET.matcher(line);
    if (m.matches()) {
      return state.serialSettings(Integer.parseInt(m.group(1))).orElse("9600,N,8,1") + "\r\n";
    }
    return "E10\r\n";
  }

  /**
   * A send-data-string: the bytes to answer with (none at all when the port stays silent and empty
   * replies are switched off). Groups of {@code m}: port, t1, t2, n, L or D.
   */
  byte[] sendData(Matcher m, byte[] data) {
    int port = Integer.parseInt(m.group(1));
    if (port < 1 || port > IpcpState.COM_PORTS) {
      return ascii("E12\r\n");
    }
    int t1 = m.group(2) == null ? 10 : Integer.parseInt(m.group(2));
    int t2 = m.group(3) == null ? 2 : Integer.parseInt(m.group(3));
    int n = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
    boolean delimiter = "D".equals(m.group(5));
    if ((t1 == 0) != (t2 == 0) || t1 > 32767 || t2 > 32767 || (delimiter && n > 255)) {
      return ascii("E13\r\n");
    }
    String injected = state.nextSendDataReply();
    if (injected != null) {
      return ascii(injected + "\r\n");
    }
    if (config.sendDataError() != null) {
      return ascii(config.sendDataError() + "\r\n");
    }
    if (data.length == 0 || data.length >= 200) {
      return ascii("E13\r\n");
    }
    byte[] answer = state.comPort(port).exchange(data, t1 * 10L, t2 * 10L, n, delimiter);
    if (answer.length == 0 && !config.emptyReplyOnTimeout() && !config.echoData()) {
      return new byte[0];
    }
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    reply.writeBytes(ascii(config.replyPrefix()));
    if (config.echoData()) {
      reply.writeBytes(data);
    }
    reply.writeBytes(answer);
    if (config.crlfAppended()) {
      reply.writeBytes(new byte[] {'\r', '\n'});
    }
    return reply.toByteArray();
  }

  /** Any {@code %XX} back to its byte ({@code %0D}, {@code %0A}, {@code %25}, ...). */
  static byte[] percentDecode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
