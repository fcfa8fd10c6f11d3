package io.pdu4j.transport.serial.internal;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import io.pdu4j.api.DeviceUnreachableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opening a port with jSerialComm: its real path claimed once in this process, its line settings,
 * and what jSerialComm's error numbers mean.
 */
final class SerialPorts {
  /** Ports open in this process, by real path: a second opener is told the port is busy. */
  private static final ConcurrentHashMap<String, Object> OPEN_PORTS = new ConcurrentHashMap<>();

  /** A port opened, and the real path claimed for it. */
  record Opened(SerialPort port, String realPath) {}

  private SerialPorts() {}

  /**
   * Claims the port's real path for {@code holder} and opens it with {@code settings}, reads timing
   * out after {@code readTimeoutMillis}. On failure the claim is left for {@link #release} only
   * when {@code claimed} received the path.
   *
   * @param claimed receives the real path once claimed, so that the caller releases it
   * @throws DeviceUnreachableException with {@code "cannot open <description>: <why>"}
   */
  static SerialPort open(
      SerialSettings settings,
      String description,
      Object holder,
      int readTimeoutMillis,
      java.util.function.Consumer<String> claimed) {
    String path = settings.path();
    String real = path;
    if (path.indexOf('/') >= 0) {
      try {
        real = Path.of(path).toRealPath().toString();
      } catch (NoSuchFileException e) {
        throw new DeviceUnreachableException(cannotOpen(description, "no such port"), e);
      } catch (IOException | RuntimeException e) {
        throw new DeviceUnreachableException(
            cannotOpen(description, "cannot resolve the path: " + e), e);
      }
    }
    if (OPEN_PORTS.putIfAbsent(real, holder) != null) {
      throw new DeviceUnreachableException(
          cannotOpen(description, "port busy: already open in this process (" + real + ")"));
    }
    claimed.accept(real);
    SerialPort p;
    try {
      p = SerialPort.getCommPort(path);
    } catch (SerialPortInvalidPortException e) {
      throw new DeviceUnreachableException(cannotOpen(description, "no such port"), e);
    }
    p.setComPortParameters(
        settings.baud(), settings.dataBits(), stopBits(settings), parity(settings));
    p.setFlowControl(flow(settings));
    p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, readTimeoutMillis, 0);
    // safety sleep 0: the driver's backoff already spaces reopenings out
    if (!p.openPort(0)) {
      throw new DeviceUnreachableException(
          cannotOpen(description, openFailure(path, p.getLastErrorCode())));
    }
    return p;
  }

  /** Gives up {@code holder}'s claim on {@code realPath}. */
  static void release(String realPath, Object holder) {
    OPEN_PORTS.remove(realPath, holder);
  }

  static String cannotOpen(String description, String why) {
    return "cannot open " + description + ": " + why;
  }

  /** Why jSerialComm could not open a port that exists, from the errno it reports. */
  static String openFailure(String path, int errno) {
    return switch (errno) {
      case 1, 13 -> "permission denied (is the user in the port's group, e.g. dialout?)";
      case 11 -> "port busy: locked by another process";
      case 16 -> "port busy";
      case 2 ->
          Files.exists(Path.of(path)) ? "port busy: already open in this process" : "no such port";
      case 6, 19 -> "no such device (unplugged?)";
      case 5 -> "I/O error (EIO)";
      default -> "open failed (errno " + errno + ")";
    };
  }

  static String readFailure(int errno) {
    return switch (errno) {
      case 5 -> "I/O error (EIO)";
      case 6, 19 -> "no such device (ENODEV)";
      case 9 -> "port closed (EBADF)";
      case 0 -> "end of stream";
      default -> "read error (errno " + errno + ")";
    };
  }

  static String writeFailure(int written, int wanted, int errno) {
    if (written >= 0) {
      return "wrote "
          + written
          + " of "
          + wanted
          + " bytes"
          + (errno == 0 ? "" : " (errno " + errno + ")");
    }
    return readFailure(errno).replace("read error", "write error");
  }

  private static int parity(SerialSettings s) {
    return switch (s.parity()) {
      case NONE -> SerialPort.NO_PARITY;
      case EVEN -> SerialPort.EVEN_PARITY;
      case ODD -> SerialPort.ODD_PARITY;
      case MARK -> SerialPort.MARK_PARITY;
      case SPACE -> SerialPort.SPACE_PARITY;
    };
  }

  private static int stopBits(SerialSettings s) {
    return switch (s.stopBits()) {
      case ONE -> SerialPort.ONE_STOP_BIT;
      case ONE_POINT_FIVE -> SerialPort.ONE_POINT_FIVE_STOP_BITS;
      case TWO -> SerialPort.TWO_STOP_BITS;
    };
  }

  private static int flow(SerialSettings s) {
    return switch (s.flow()) {
      case NONE -> SerialPort.FLOW_CONTROL_DISABLED;
      case RTSCTS -> SerialPort.FLOW_CONTROL_RTS_ENABLED | SerialPort.FLOW_CONTROL_CTS_ENABLED;
      case XONXOFF ->
          SerialPort.FLOW_CONTROL_XONXOFF_IN_ENABLED | SerialPort.FLOW_CONTROL_XONXOFF_OUT_ENABLED;
    };
  }
}
