package io.pdu4j.transport.serial;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import io.pdu4j.transport.serial.internal.SerialLink;
import io.pdu4j.transport.serial.internal.SerialSettings;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code serial} transport: a local serial port (RS-232, USB-serial adapter, pseudo-terminal)
 * on jSerialComm, e.g. {@code
 * isotek:serial:///dev/ttyUSB0?baud=115200&parity=none&data=8&stop=1&flow=none}. Found through
 * {@link java.util.ServiceLoader}.
 *
 * <p>Options: {@code baud} ({@value SerialSettings#MIN_BAUD}..{@value SerialSettings#MAX_BAUD},
 * default 115200), {@code parity} ({@code none}, {@code even}, {@code odd}, {@code mark}, {@code
 * space}; default none), {@code data} (5..8, default 8), {@code stop} ({@code 1}, {@code 1.5},
 * {@code 2}; default 1) and {@code flow} ({@code none}, {@code rtscts}, {@code xonxoff}; default
 * none). The address names the port by its path and has no host; {@code serial:///COM3} names a
 * Windows port.
 *
 * <p>Links are stream links that carry unsolicited bytes. {@link Link#open} opens the port
 * exclusively (a second opener, in this process or another, is refused with {@link
 * io.pdu4j.api.DeviceUnreachableException} saying the port is busy) within {@link
 * io.pdu4j.api.DeviceOptions#connectTimeout()}. {@link Link#send} fails with {@link
 * io.pdu4j.api.DeviceBusyException} while more than 64 KiB wait to be written.
 *
 * <p>Threads: the port is opened, read and written on two daemon threads per open port, {@code
 * pdu4j-serial-<path>} (opens the port, then reads it) and {@code pdu4j-serial-<path>-writer}, so
 * blocking serial I/O never runs on the device's executor; every listener call and stage completion
 * is handed to {@link TransportContext#executor()}. The threads end when the port is closed or
 * lost. Reading pauses while more than 64 KiB read wait for the executor.
 *
 * <p>Losing and regaining the port: when the port goes away (adapter unplugged, the other end of a
 * pseudo-terminal closed, a read error) the link goes down once with {@link
 * io.pdu4j.api.LinkLostException} and releases the port. It does not retry by itself: the driver's
 * session reopens the link with capped exponential backoff (see {@link
 * io.pdu4j.spi.support.Backoff}), and each {@link Link#open} looks the path up afresh, so the port
 * is found again when it comes back (also under a new device node behind the same symbolic link).
 */
public final class SerialTransportProvider implements TransportProvider {

  /** Creates the provider; starts no threads. */
  public SerialTransportProvider() {}

  @Override
  public String scheme() {
    return "serial";
  }

  @Override
  public String description() {
    return "local serial port (jSerialComm): serial:///dev/ttyUSB0?baud=115200";
  }

  /** {@code baud}, {@code parity}, {@code data}, {@code stop} and {@code flow}. */
  /** The path is the port: {@code serial:///dev/ttyUSB0}, {@code serial:///COM3}. */
  @Override
  public boolean readsPath() {
    return true;
  }

  @Override
  public Set<String> optionNames() {
    return SerialSettings.OPTION_NAMES;
  }

  /**
   * Creates a closed link for the address's port. Does no I/O: the port is looked up when the link
   * opens.
   *
   * @throws InvalidArgumentException when the address has a host, no path, or a bad option value
   */
  @Override
  public Link create(DeviceAddress address, TransportContext context) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(context, "context");
    return new SerialLink(SerialSettings.of(address), context);
  }

  @Override
  public String toString() {
    return "SerialTransportProvider";
  }
}
