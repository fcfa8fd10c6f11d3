package io.pdu4j.sim.extron.internal;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the unit holds, shared by every session: relays 1..8, COM ports 1..16 with their settings
 * and devices, the command lines received (bounded) and the replies queued by fault injection.
 *
 * <p>Thread-safe.
 */
public final class IpcpState {
  /** The highest relay number. */
  public static final int RELAYS = 8;

  /** The highest COM port number. */
  public static final int COM_PORTS = 16;

  private final boolean[] relays = new boolean[RELAYS + 1];
  private final ComPort[] comPorts = new ComPort[COM_PORTS + 1];
  private final int commandsKept;
  private final ArrayDeque<String> commands = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<String> sendDataReplies = new ConcurrentLinkedQueue<>();

  /**
   * The state at power-on: relays open, ports not set up.
   *
   * @param devices the serial device on each COM port that has one
   * @param commandsKept the most command lines kept; older ones are dropped
   * @param threads where the COM ports' reading threads come from
   */
  public IpcpState(Map<Integer, DeviceLine> devices, int commandsKept, SimThreads threads) {
    for (int com = 1; com <= COM_PORTS; com++) {
      comPorts[com] = new ComPort(com, devices.get(com), threads);
    }
    this.commandsKept = commandsKept;
  }

  /** Whether relay {@code n} (1..8) is closed. */
  public boolean relay(int n) {
    synchronized (relays) {
      return relays[n];
    }
  }

  /** Opens or closes relay {@code n} (1..8). */
  public void setRelay(int n, boolean closed) {
    if (n < 1 || n > RELAYS) {
      throw new IllegalArgumentException("relays are 1..8");
    }
    synchronized (relays) {
      relays[n] = closed;
    }
  }

  /** Applies a relay command, 0 open, 1 close, 2 toggle, to relay {@code n}; its state after. */
  boolean switchRelay(int n, int action) {
    synchronized (relays) {
      relays[n] = action == 2 ? !relays[n] : action == 1;
      return relays[n];
    }
  }

  /** COM port {@code com} (1..16). */
  ComPort comPort(int com) {
    return comPorts[com];
  }

  /** The settings of port {@code com} as last set, empty if never set or no such port. */
  public Optional<String> serialSettings(int com) {
    return com < 1 || com > COM_PORTS ? Optional.empty() : comPorts[com].settings();
  }

  /** Records a command line, dropping the oldest beyond the bound. */
  void record(String command) {
    synchronized (commands) {
      if (commands.size() == commandsKept) {
        commands.removeFirst();
      }
      commands.addLast(command);
    }
  }

  /** The command lines kept, oldest first. */
  public List<String> commandsReceived() {
    synchronized (commands) {
      return List.copyOf(commands);
    }
  }

  /** Queues replies for the next send-data-strings, one each. */
  public void failNextSendData(List<String> replies) {
    sendDataReplies.addAll(replies);
  }

  /** The next queued send-data-string reply, null if none. */
  String nextSendDataReply() {
    return sendDataReplies.poll();
  }

  /** Closes the line to every COM port's device. */
  public void closeComPorts() {
    for (int com = 1; com <= COM_PORTS; com++) {
      comPorts[com].close();
    }
  }
}
