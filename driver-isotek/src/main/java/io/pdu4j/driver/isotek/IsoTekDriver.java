package io.pdu4j.driver.isotek;

import io.pdu4j.driver.isotek.internal.IsoTekSession;
import io.pdu4j.driver.isotek.internal.ScheduleDays;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DeviceSession;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.PowerDriver;
import java.util.Set;

/**
 * The driver for IsoTek SMART Power units (Alpha, Delta, Theta; 8 and 16 outlets), code {@code
 * isotek}: {@code isotek:tcp://10.0.0.5} (port 501 by default), or any other stream link.
 *
 * <p>A device opened by this driver reads the unit's status (outlet states, volts and watts, the
 * input reading from {@code CH0}, the unit's clock), switches outlets singly ({@code Sx=s}) or all
 * together ({@code H}/{@code G}), cycles them, reads and writes outlet names, types and reset
 * delays ({@code C?}, {@code Cx=}), refuses to switch locked outlets, sets the clock ({@code T=}),
 * restarts the unit ({@code X}) and keeps its schedule ({@code P?}, {@code P=nn}, {@code PW=}).
 * Switching completes only when the unit has accepted the command and then reported the new state.
 * The unit's one-second status push keeps the status current; when pushes stop for 2 s the driver
 * asks with {@code ?}, and over a link that cannot carry pushes it polls every 2 s (or at the
 * address's {@code poll} interval). Decisions are recorded in {@code docs/isotek.md}.
 *
 * <p>Found through {@link java.util.ServiceLoader}; thread-safe and stateless.
 */
public final class IsoTekDriver implements PowerDriver {

  /** The unit's TCP port. */
  public static final int DEFAULT_PORT = 501;

  /** Creates the driver (for {@link java.util.ServiceLoader}). */
  public IsoTekDriver() {}

  @Override
  public String code() {
    return "isotek";
  }

  @Override
  public String vendor() {
    return "IsoTek";
  }

  @Override
  public String description() {
    return "IsoTek SMART Power 8- and 16-outlet PDUs (TCP port 501, RS-232, or a serial tunnel)";
  }

  /** {@code days}: how the unit reads a schedule record's day field ({@link ScheduleDays}). */
  @Override
  public Set<String> optionNames() {
    return Set.of(ScheduleDays.OPTION);
  }

  /**
   * A byte stream, port 501 by default, replies ended by the {@code >} prompt; checks the {@code
   * days} option.
   */
  @Override
  public LinkRequirements requirements(DeviceAddress address) {
    ScheduleDays.of(address.option(ScheduleDays.OPTION));
    return LinkRequirements.stream(DEFAULT_PORT).withReplyTerminator('>');
  }

  /**
   * The unit's session: pdu4j opens the link, the session sends {@code ?}, and the device opens at
   * the unit's first status (pushed or asked for) once {@code C?} gave the outlets' names, within
   * the ready timeout.
   */
  @Override
  public DeviceSession session(DriverContext context) {
    return new IsoTekSession(context);
  }

  @Override
  public String toString() {
    return "IsoTekDriver";
  }
}
