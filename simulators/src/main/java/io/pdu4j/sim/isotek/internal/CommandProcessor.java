package io.pdu4j.sim.isotek.internal;

import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one command on the {@link DeviceModel} and says what to answer.
 *
 * <p>Thread-safe (the model is). A locked outlet (type 3) keeps its state on {@code Sx=s}, {@code
 * G} and {@code H}, and the command is still answered {@code OK}: the vendor document gives no
 * error reply, and a unit that acknowledges and ignores is the harder case for a driver, which must
 * confirm a switch by reading the state back.
 */
public final class CommandProcessor {

  private static final Logger LOG = LoggerFactory.getLogger(CommandProcessor.class);

  private final DeviceModel device;
  private final CommandParser parser;
  private final AddressInfo address;
  private final Set<String> refused;

  /** The values of the {@code A=} line that are not known until the server is bound. */
  public interface AddressInfo {
    /** The {@code A=} line, without its ending. */
    String addressLine();
  }

  /** Creates a processor for {@code device}. */
  public CommandProcessor(DeviceModel device, AddressInfo address) {
    this(device, address, Set.of());
  }

  /**
   * Creates a processor for {@code device} that answers the exact command lines in {@code refused}
   * with the error reply, as a unit whose firmware lacks them would.
   */
  public CommandProcessor(DeviceModel device, AddressInfo address, Set<String> refused) {
    this.refused = Set.copyOf(refused);
    this.device = device;
    this.parser = new CommandParser(device.outletCount());
    this.address = address;
  }

  /** Parses and executes {@code line}, and returns the reply to send. */
  public Reply handle(String line) {
    if (refused.contains(line)) {
      LOG.debug("refusing '{}' as configured", line);
      return Reply.error();
    }
    Command command = parser.parse(line);
    if (command instanceof Command.Status) {
      return Reply.ok(StatusFormat.statusLines(device.snapshot()));
    } else if (command instanceof Command.Address) {
      return Reply.ok(List.of(address.addressLine()));
    } else if (command instanceof Command.Switch) {
      Command.Switch s = (Command.Switch) command;
      if (!device.switchRemote(s.outlet(), s.on())) {
        LOG.debug("outlet {} is locked: '{}' acknowledged and ignored", s.outlet(), line);
      }
      return Reply.ok();
    } else if (command instanceof Command.SwitchAll) {
      device.switchAllRemote(((Command.SwitchAll) command).on());
      return Reply.ok();
    } else if (command instanceof Command.SetClock) {
      device.setClock(((Command.SetClock) command).time());
      return Reply.ok();
    } else if (command instanceof Command.ReadConfig) {
      return Reply.ok(StatusFormat.configLines(device.configs()));
    } else if (command instanceof Command.Configure) {
      Command.Configure c = (Command.Configure) command;
      device.configure(c.outlet(), c.config());
      return Reply.ok();
    } else if (command instanceof Command.Restart) {
      return Reply.okThenRestart();
    } else if (command instanceof Command.ReadSchedule) {
      return Reply.ok(StatusFormat.scheduleLines(device.schedule()));
    } else if (command instanceof Command.SetScheduleCount c) {
      device.resetSchedule(c.count());
      return Reply.ok();
    } else if (command instanceof Command.WriteSchedule w) {
      return device.addSchedule(w.entry()) ? Reply.ok() : Reply.error();
    } else {
      LOG.debug("rejecting '{}': {}", line, ((Command.Invalid) command).reason());
      return Reply.error();
    }
  }
}
