package io.pdu4j.example.relay;

import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.spi.DeviceSession;
import io.pdu4j.spi.DeviceSink;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.support.CommandQueue;
import io.pdu4j.spi.support.Exchange;
import io.pdu4j.spi.support.LineFramer;
import io.pdu4j.spi.support.Outcome;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * One relay board's session: the protocol and nothing else. pdu4j builds the device and its outlets
 * around it, opens and reopens the link, and calls every method on the device's thread, so the
 * session holds no locks. The SPI's {@link LineFramer} cuts lines and its {@link CommandQueue} runs
 * one command at a time, each waiting for its reply.
 */
final class LineRelaySession implements DeviceSession {
  private final DriverContext context;
  private final String device;
  private final LineFramer framer;
  private final LineFramer.Sink lines;
  private final CommandQueue<String> queue;
  private DeviceSink sink;

  LineRelaySession(DriverContext context) {
    this.context = context;
    this.device = context.address().toString();
    int maxLine = Math.min(context.options().maxFrameLength(), LineRelayProtocol.MAX_LINE);
    this.framer = new LineFramer(maxLine, List.of());
    // after a timeout, wait for a late reply to arrive (and be dropped) before the next command;
    // the board never speaks unasked, so a stray line is dropped too
    this.queue = context.commandQueue(Duration.ofMillis(200), line -> {});
    this.lines = LineFramer.Sink.of(queue::onFrame, start -> sink.overlongFrame());
  }

  @Override
  public DeviceInfo describe() {
    return DeviceInfo.of("linerelay", "pdu4j examples", "line relay board", device);
  }

  @Override
  public Set<DeviceCapability> capabilities() {
    return Set.of(DeviceCapability.STATUS, DeviceCapability.SWITCH);
  }

  @Override
  public void start(DeviceSink sink) {
    this.sink = sink;
  }

  @Override
  public void linkUp() {
    queue.linkUp(); // pdu4j asks for the first status (refresh) next
  }

  @Override
  public void onData(ByteBuffer data) {
    framer.feed(data, lines);
  }

  @Override
  public void linkDown(PowerDeviceException cause) {
    framer.reset();
    queue.linkDown(cause.getMessage());
  }

  @Override
  public CompletionStage<DeviceStatus> refresh() {
    return command(LineRelayProtocol.status(), "status", 0, false);
  }

  @Override
  public CompletionStage<OutletStatus> switchOutlet(int relay, OutletState state) {
    boolean on = state == OutletState.ON;
    return command(LineRelayProtocol.switchRelay(relay, on), "switch", relay, on)
        .thenApply(s -> s.outlet(relay).orElseThrow());
  }

  @Override
  public void shutdown() {
    queue.close();
  }

  /** Sends one command; its reply, the relay states, is the status and confirms a switch. */
  private CompletionStage<DeviceStatus> command(String line, String name, int relay, boolean on) {
    ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
    return queue.submit(Exchange.of(line, name, bytes, reply -> onReply(line, reply, relay, on)));
  }

  private Outcome<DeviceStatus> onReply(String line, String reply, int relay, boolean on) {
    if (LineRelayProtocol.isError(reply)) {
      return Outcome.fail(
          new DeviceRejectedException("the board refused", device, line, reply, null));
    }
    List<Boolean> relays;
    try {
      relays = LineRelayProtocol.parseRelays(reply);
    } catch (ProtocolException e) {
      sink.malformedFrame();
      return Outcome.fail(new ProtocolException(e.getMessage(), device, line, reply, e));
    }
    List<OutletStatus> outlets = new ArrayList<>(relays.size());
    for (int n = 1; n <= relays.size(); n++) {
      OutletState state = relays.get(n - 1) ? OutletState.ON : OutletState.OFF;
      outlets.add(OutletStatus.of(n, "Relay " + n, state, Set.of(OutletCapability.SWITCHABLE)));
    }
    DeviceStatus status = DeviceStatus.of(context.clock().instant(), outlets);
    sink.status(status);
    if (relay != 0 && (relay > relays.size() || relays.get(relay - 1) != on)) {
      String what = "relay " + relay + " did not switch " + (on ? "on" : "off");
      return Outcome.fail(new StateNotConfirmedException(what, device, line, reply, null));
    }
    return Outcome.done(status);
  }
}
