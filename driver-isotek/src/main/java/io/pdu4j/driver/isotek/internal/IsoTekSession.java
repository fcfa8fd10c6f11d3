package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ScheduleRule;
import io.pdu4j.spi.DeviceSession;
import io.pdu4j.spi.DeviceSink;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.support.CommandQueue;
import io.pdu4j.spi.support.Exchange;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IsoTek unit's session: the protocol between its {@link Link} and pdu4j's device, in parts.
 * {@link IsoTekLines} parses each line once and hands it to the status assembler first (a status is
 * reported whenever it arrives), then to the {@link CommandQueue}, where only {@code OK} ends a
 * command; {@link IsoTekStatuses} takes the statuses (the open waits for {@code C?}, another outlet
 * count is another unit, {@code ?} when pushes stop); {@link IsoTekOutletCommands} switches,
 * cycles, configures, restarts and keeps the clock, each verified; {@link IsoTekSchedule} keeps the
 * unit's schedule. A locked outlet ({@code C?} type 3) is reported without SWITCHABLE, so pdu4j
 * refuses to switch or cycle it, nothing sent ({@link #notSwitchableReason}).
 */
public final class IsoTekSession implements DeviceSession {
  private static final Logger LOG = LoggerFactory.getLogger(IsoTekSession.class);

  /** After a command timed out, how long to wait before the next so its late reply is not taken. */
  static final Duration SETTLE_AFTER_TIMEOUT = Duration.ofMillis(200);

  /** How often to poll when the link cannot carry the unit's pushes and no interval is set. */
  static final Duration DEFAULT_POLL = Duration.ofSeconds(2);

  /** The unit pushes every second; after twice that with no status the driver asks with ?. */
  static final Duration PUSH_SILENCE = Duration.ofSeconds(2);

  private static final ByteBuffer STATUS_REQUEST =
      IsoTekReplies.bytes(IsoTekCommands.STATUS).asReadOnlyBuffer();

  private final String device;
  private final Link link;
  private final DeviceOptions options;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final IsoTekLines lines;
  private final CommandQueue<IsoTekFrame> queue;
  private final ReplyContext replyContext = new Replies();
  private final IsoTekStatuses statuses;
  private final IsoTekOutletCommands commands;
  private final IsoTekSchedule schedule;
  // what the unit's A? answered: its serial number and MAC (the protocol gives no firmware)
  private Optional<String> serial = Optional.empty();
  private Optional<String> mac = Optional.empty();

  /** A session for the device in {@code context}; does no I/O. */
  public IsoTekSession(DriverContext context) {
    this.device = context.address().toString();
    this.link = context.link();
    this.options = context.options();
    this.clock = context.clock();
    this.executor = context.executor();
    this.schedule =
        new IsoTekSchedule(this, ScheduleDays.of(context.address().option(ScheduleDays.OPTION)));
    IsoTekOutletTable table = new IsoTekOutletTable();
    this.statuses = new IsoTekStatuses(this, table);
    this.commands = new IsoTekOutletCommands(this, statuses, table);
    this.lines =
        new IsoTekLines(
            device,
            options.maxFrameLength(),
            executor,
            new IsoTekLines.Session() {
              @Override
              public void blockEnded(IsoTekStatusAssembler.Result result) {
                statuses.onBlockEnded(result);
              }

              @Override
              public void toQueue(IsoTekFrame frame) {
                queue.onFrame(frame);
              }

              @Override
              public boolean commandInFlight() {
                return queue.busy();
              }
            });
    this.queue =
        new CommandQueue<>(
            device,
            executor,
            options.queueCapacity(),
            options.commandTimeout(),
            SETTLE_AFTER_TIMEOUT,
            this::send,
            lines::unclaimed,
            this::onCommandCompleted);
    // a switch is sent by the caller's thread when the unit is idle (see switchesFromAnyThread)
    queue.sendFromCaller(link::executeUnhurried);
  }

  // ---------------------------------------------------------------- what the device is

  @Override
  public DeviceInfo describe() {
    return info(0);
  }

  DeviceInfo info(int outlets) {
    return new DeviceInfo(
        "isotek",
        "IsoTek",
        outlets == 0 ? "SMART Power" : "SMART Power " + outlets,
        serial,
        mac,
        Optional.empty(),
        device);
  }

  /**
   * Takes the unit's identity from its {@code A=} answer (empty: it answered none, or another unit
   * took its place and has not answered yet).
   */
  void identity(Optional<IsoTekFrame.Address> address) {
    serial = address.map(IsoTekFrame.Address::serial).filter(s -> !s.isBlank());
    mac = address.flatMap(IsoTekFrame.Address::mac);
  }

  @Override
  public Set<DeviceCapability> capabilities() {
    EnumSet<DeviceCapability> caps =
        EnumSet.of(
            DeviceCapability.STATUS,
            DeviceCapability.SWITCH,
            DeviceCapability.SWITCH_ALL,
            DeviceCapability.OUTLET_METERING,
            DeviceCapability.INPUT_METERING,
            DeviceCapability.CLOCK_READ,
            DeviceCapability.CLOCK_SET,
            DeviceCapability.OUTLET_CONFIG,
            DeviceCapability.CYCLE,
            DeviceCapability.RESTART,
            DeviceCapability.SCHEDULER);
    if (link.carriesUnsolicited()) {
      // over a request/reply tunnel the unit's pushes never arrive
      caps.add(DeviceCapability.STATUS_PUSH);
    }
    return caps;
  }

  /** Every 2 s over a link that cannot carry the unit's pushes; else the pushes keep it current. */
  @Override
  public Optional<Duration> pollInterval(boolean linkCarriesPushes) {
    return linkCarriesPushes ? Optional.empty() : Optional.of(DEFAULT_POLL);
  }

  /** Line, status and error counts for diagnostics. */
  public FrameCounters counters() {
    return lines.counters();
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void start(DeviceSink sink) {
    lines.start(sink);
    statuses.start(sink);
  }

  @Override
  public void linkUp() {
    lines.linkUp();
    queue.linkUp();
    statuses.linkUp();
  }

  @Override
  public void onData(ByteBuffer data) {
    lines.feed(data);
  }

  @Override
  public void linkDown(PowerDeviceException cause) {
    lines.linkDown();
    statuses.linkDown();
    queue.linkDown(cause.getMessage());
  }

  @Override
  public void shutdown() {
    statuses.stop();
    queue.refuseNew();
    lines.stop();
    queue.close();
    statuses.closed();
  }

  /**
   * Sends on the link. A link that answers for a gateway (an Extron tunnel) fails a send with
   * {@link DeviceRejectedException} when the gateway refused the request (an {@code E13}): it will
   * refuse the next ones alike, so while opening that fails the open at once with the gateway's
   * answer rather than at the ready timeout. A busy gateway ({@link
   * io.pdu4j.api.DeviceBusyException}) is not a rejection: the open keeps waiting.
   */
  private CompletionStage<Void> send(ByteBuffer bytes) {
    if (bytes.equals(STATUS_REQUEST)) {
      lines.statusAsked(); // every command goes out here, follow-ups too
    }
    CompletionStage<Void> sent = link.send(bytes);
    CompletableFuture<DeviceStatus> opening = statuses.opening();
    sent.whenComplete(
        (v, t) -> {
          if (t != null
              && opening != null
              && PowerDeviceException.unwrap(t) instanceof DeviceRejectedException rejected) {
            LOG.debug("{}: the link refused a request while opening", device);
            opening.completeExceptionally(rejected);
          }
        });
    return sent;
  }

  /** The command in flight completed (or a queued one was cancelled). */
  private void onCommandCompleted(String name, Duration elapsed, Throwable failure) {
    if (!queue.busy()) {
      lines.commandEnded();
    }
  }

  // ---------------------------------------------------------------- commands

  /** See {@link IsoTekStatuses#refresh()}. */
  @Override
  public CompletionStage<DeviceStatus> refresh() {
    return statuses.refresh();
  }

  /**
   * Yes: a switch only makes its exchange and submits it, and {@link #send} reads only what it may
   * from another thread (a switch is never {@code ?}).
   */
  @Override
  public boolean switchesFromAnyThread() {
    return true;
  }

  @Override
  public CompletionStage<OutletStatus> switchOutlet(int outlet, OutletState state) {
    return commands.switchOutlet(outlet, state);
  }

  @Override
  public CompletionStage<DeviceStatus> switchAll(OutletState state) {
    return commands.switchAll(state);
  }

  /** The unit acknowledges switching a locked outlet and ignores it. */
  @Override
  public String notSwitchableReason(int outlet) {
    return "it is locked (type 3); the unit ignores switching it, nothing was sent";
  }

  @Override
  public CompletionStage<OutletStatus> cycle(int outlet, Duration offTime) {
    return commands.cycle(outlet, offTime);
  }

  @Override
  public CompletionStage<OutletConfig> outletConfig(int outlet) {
    return commands.config(outlet);
  }

  @Override
  public CompletionStage<Void> configureOutlet(int outlet, OutletConfig config) {
    return commands.configure(outlet, config);
  }

  @Override
  public CompletionStage<Void> restart() {
    return commands.restart();
  }

  @Override
  public CompletionStage<DeviceClock.Reading> readClock() {
    return commands.readClock();
  }

  @Override
  public CompletionStage<Void> setClock(LocalDateTime time) {
    return commands.setClock(time);
  }

  @Override
  public CompletionStage<List<ScheduleRule>> scheduleRules() {
    return schedule.rules();
  }

  @Override
  public CompletionStage<List<ScheduleRule>> addScheduleRule(ScheduleRule rule) {
    return schedule.add(rule);
  }

  @Override
  public CompletionStage<List<ScheduleRule>> replaceSchedule(List<ScheduleRule> rules) {
    return schedule.replaceAll(rules);
  }

  @Override
  public CompletionStage<Void> clearSchedule() {
    return schedule.clear();
  }

  // ---------------------------------------------------------------- for the parts

  <R> CompletableFuture<R> submit(Exchange<IsoTekFrame, R> exchange) {
    return queue.submit(exchange);
  }

  /** Whether no command is queued or in flight. */
  boolean idle() {
    return queue.pending() == 0;
  }

  ReplyContext replyContext() {
    return replyContext;
  }

  String device() {
    return device;
  }

  Link link() {
    return link;
  }

  DeviceOptions options() {
    return options;
  }

  Clock clock() {
    return clock;
  }

  ScheduledExecutorService executor() {
    return executor;
  }

  IsoTekLines lines() {
    return lines;
  }

  int outletCount() {
    return statuses.outletCount();
  }

  private final class Replies implements ReplyContext {
    @Override
    public String device() {
      return device;
    }

    @Override
    public long seq() {
      return lines.seq();
    }

    @Override
    public long lastBlockSeq() {
      return statuses.lastBlockSeq();
    }

    @Override
    public Optional<DeviceStatus> lastStatus() {
      return statuses.lastStatus();
    }

    @Override
    public Optional<IsoTekStatusAssembler.Dropped> lastDropped() {
      return statuses.lastDropped();
    }

    @Override
    public void sendFollowUp(String command, Runnable onFailure) {
      if (LOG.isDebugEnabled()) { // printable() copies the command: not for every switch
        LOG.debug("{}: sending follow-up {}", device, PowerDeviceException.printable(command));
      }
      CompletionStage<Void> sent;
      try {
        sent = send(IsoTekReplies.bytes(command));
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      sent.whenComplete(
          (v, t) -> {
            if (t != null) {
              LOG.debug("{}: follow-up not sent: {}", device, t.toString());
              onFailure.run();
            }
          });
    }
  }
}
