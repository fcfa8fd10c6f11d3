package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.ScheduleRule;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.spi.CommandQueue;
import io.pdu4j.spi.DeviceOptions;
import io.pdu4j.spi.DeviceSession;
import io.pdu4j.spi.DeviceSink;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.Durations;
import io.pdu4j.spi.Exchange;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.Outcome;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IsoTek unit's session: the protocol between its {@link Link} and pdu4j's device.
 *
 * <p>Each line goes through {@link IsoTekLines}: to the status assembler first, so a status is
 * reported whenever it arrives, then to the {@link CommandQueue}, where only {@code OK} ends a
 * command. When the commands complete:
 *
 * <ul>
 *   <li>{@link #refresh()} sends {@code ?} and completes at its {@code OK} with the status block
 *       that began after {@code ?} was sent.
 *   <li>A switch sends {@code Sx=1}/{@code Sx=0}; at the unit's {@code OK} it sends {@code ?} and
 *       completes with the outlet's status from the first status block that began after that {@code
 *       OK} (reply or push), once the {@code ?} has been answered too; a status showing the other
 *       state fails it with {@link StateNotConfirmedException}. {@link #switchAll} sends {@code
 *       H}/{@code G} and completes the same way with the whole status, whatever it shows (an outlet
 *       the unit keeps locked stays as it was).
 *   <li>A locked outlet ({@code C?} type 3) is reported without SWITCHABLE, so pdu4j refuses to
 *       switch or cycle it, nothing sent ({@link #notSwitchableReason}).
 *   <li>{@link #cycle} is one queued command ({@link CycleExchange}): off, wait, on, each
 *       confirmed.
 *   <li>{@link #configureOutlet} sends {@code Cx=} and completes when {@code C?} reads it back;
 *       {@link #restart()} completes at the {@code OK} of {@code X}; the schedule verifies every
 *       write by reading {@code P?} back ({@link IsoTekSchedule}).
 * </ul>
 *
 * <p>Opening: at the link's first status the session reads {@code C?} before it reports the status,
 * so the device opens with the unit's outlet names; a unit that refuses {@code C?} still opens,
 * with {@code Outlet N} names. After a reconnect, and when another unit (another outlet count)
 * answers on the same connection, {@code C?} is read again and the status re-reported with the
 * names it gave.
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
  private final IsoTekOutletTable table = new IsoTekOutletTable();
  private final IsoTekSchedule schedule = new IsoTekSchedule(this);

  // device thread only
  private DeviceSink sink;
  private boolean shutDown;
  private long lastBlockSeq = -1;
  private IsoTekStatusAssembler.Dropped lastDropped;
  private DeviceStatus lastStatus; // the last status taken, named as the unit's settings say
  private int outletCount; // the unit's, 0 until its first status
  private boolean shapeLearnt; // a usable status was taken on this connection
  private boolean reported; // a status was reported: the device opened
  private boolean reportedHere; // a status was reported on this connection
  private boolean holdReports; // the first status waits for C?
  private boolean firstRefreshDue; // pdu4j's refresh after the link came up is next
  private CompletableFuture<DeviceStatus> firstStatus; // completes at this connection's first
  private ScheduledFuture<?> silenceTimer;
  private ScheduledFuture<?> openPoll; // asks again while a link without pushes gave no status

  /** A session for the device in {@code context}; does no I/O. */
  public IsoTekSession(DriverContext context) {
    this.device = context.address().toString();
    this.link = context.link();
    this.options = context.options();
    this.clock = context.clock();
    this.executor = context.executor();
    this.lines =
        new IsoTekLines(
            device,
            options.maxFrameLength(),
            executor,
            new IsoTekLines.Session() {
              @Override
              public void blockEnded(IsoTekStatusAssembler.Result result) {
                onBlockEnded(result);
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
  }

  // ---------------------------------------------------------------- what the device is

  @Override
  public DeviceInfo describe() {
    return info(0);
  }

  private DeviceInfo info(int outlets) {
    return new DeviceInfo(
        "isotek",
        "IsoTek",
        outlets == 0 ? "SMART Power" : "SMART Power " + outlets,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        device);
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
    this.sink = sink;
    lines.start(sink);
    if (options.pollInterval().isEmpty() && link.carriesUnsolicited()) {
      // pushes are expected: watch for them to stop, and ask while they do
      long every = PUSH_SILENCE.toNanos() / 2;
      silenceTimer =
          executor.scheduleAtFixedRate(this::pollIfSilent, every, every, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void linkUp() {
    lines.linkUp();
    shapeLearnt = false; // another unit may answer at this address now
    reportedHere = false;
    queue.linkUp();
    firstStatus = new CompletableFuture<>();
    firstRefreshDue = true;
    Optional<Duration> every =
        options
            .pollInterval()
            .or(() -> link.carriesUnsolicited() ? Optional.empty() : Optional.of(DEFAULT_POLL));
    if (every.isPresent()) {
      // the unit cannot push here: keep asking until a status comes (a busy gateway, a lost ?),
      // as pdu4j's polling does once the device is open
      CompletableFuture<DeviceStatus> first = firstStatus;
      long nanos = every.get().toNanos();
      cancel(openPoll);
      AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
      openPoll =
          executor.scheduleAtFixedRate(
              () -> {
                if (first.isDone() || first != firstStatus) {
                  cancel(self.get());
                } else if (link.isOpen() && queue.pending() == 0) {
                  askQuietly();
                }
              },
              nanos,
              nanos,
              TimeUnit.NANOSECONDS);
      self.set(openPoll);
    }
  }

  @Override
  public void onData(ByteBuffer data) {
    lines.feed(data);
  }

  @Override
  public void linkDown(PowerDeviceException cause) {
    lines.linkDown();
    cancel(openPoll);
    firstRefreshDue = false;
    firstStatus = null; // pdu4j tells the link's loss itself
    queue.linkDown(cause.getMessage());
  }

  @Override
  public void shutdown() {
    shutDown = true;
    queue.refuseNew();
    cancel(silenceTimer);
    lines.stop();
    cancel(openPoll);
    queue.close();
    if (firstStatus != null) {
      firstStatus.completeExceptionally(
          new DeviceClosedException("closed while opening", device, null, null, null));
    }
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
    CompletableFuture<DeviceStatus> opening = reported ? null : firstStatus;
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

  // ---------------------------------------------------------------- statuses

  private void onBlockEnded(IsoTekStatusAssembler.Result result) {
    if (result instanceof IsoTekStatusAssembler.Dropped d) {
      lastDropped = d;
      lines.dropped(d);
      sink.connecting("no usable status yet, the last was unusable: " + d.reason());
      return;
    }
    IsoTekStatusAssembler.Block block = (IsoTekStatusAssembler.Block) result;
    if (block.outlets().size() != outletCount) {
      relearn(block.outlets().size());
    }
    shapeLearnt = true;
    DeviceStatus status = table.toStatus(block, clock.instant());
    lastBlockSeq = block.startSeq();
    lastStatus = status;
    lines.taken();
    if (!reported && !holdReports) {
      holdUntilNamed();
      return;
    }
    report(status);
  }

  /**
   * The device's first status waits for {@code C?}, so that the device opens with the outlets'
   * names: the unit answered, so the ready timeout no longer applies, and the {@code C?}'s own
   * command timeout bounds the open from here. A unit that refuses {@code C?} opens with {@code
   * Outlet N} names.
   */
  private void holdUntilNamed() {
    holdReports = true;
    sink.answered();
    readSettings()
        .whenComplete(
            (list, t) -> {
              if (t != null) {
                LOG.info(
                    "{}: the outlet settings (C?) could not be read, outlets keep numbered"
                        + " names: {}",
                    device,
                    PowerDeviceException.unwrap(t).getMessage());
              }
              holdReports = false;
              report(lastStatus);
            });
  }

  private void report(DeviceStatus status) {
    if (holdReports || shutDown || status == null) {
      return;
    }
    reported = true;
    reportedHere = true;
    sink.status(status);
    if (firstStatus != null) {
      firstStatus.complete(status);
    }
  }

  /**
   * Takes the unit's outlet count from a status that differs from what was known: the first status
   * of the session, or another unit (swapped while the link was down, or on a serial line without
   * the link noticing). pdu4j reports the outlets that came and went; the old unit's settings
   * (names, locks) are forgotten and read afresh.
   */
  private void relearn(int count) {
    int known = outletCount;
    outletCount = count;
    sink.info(info(count));
    if (known == 0) {
      return;
    }
    LOG.info(
        "{}: the unit now reports {} outlets instead of {}{}: taken as another unit",
        device,
        count,
        known,
        shapeLearnt ? " on the same connection" : "");
    table.forget();
    if (reported && shapeLearnt) {
      // on a new connection the refresh after linkUp has already asked for C?; on the same one,
      // ask now
      readSettingsQuietly("the new unit's outlet settings (C?) could not be read");
    }
  }

  /** Sends {@code C?}; at its OK the outlets' names and types are updated everywhere. */
  private CompletableFuture<List<IsoTekFrame.OutletSetting>> readSettings() {
    return submit(
            new ListExchange<>(
                replyContext,
                IsoTekCommands.READ_CONFIG,
                "config-read",
                IsoTekFrame.OutletSetting.class,
                'C'))
        .whenComplete(
            (list, t) -> {
              if (t == null) {
                settingsRead(list);
              }
            });
  }

  private void readSettingsQuietly(String onFailure) {
    readSettings()
        .whenComplete(
            (list, t) -> {
              if (t != null) {
                LOG.info(
                    "{}: {}: {}", device, onFailure, PowerDeviceException.unwrap(t).getMessage());
              }
            });
  }

  /** Takes the settings read, and re-reports the last status when they renamed its outlets. */
  private void settingsRead(List<IsoTekFrame.OutletSetting> settings) {
    table.read(settings);
    if (lastStatus == null) {
      return;
    }
    DeviceStatus renamed = table.renamed(lastStatus);
    if (!renamed.equals(lastStatus)) {
      lastStatus = renamed;
      if (reportedHere) {
        report(renamed);
      }
    }
  }

  // ---------------------------------------------------------------- polling

  private void pollIfSilent() {
    try {
      DeviceStatus last = lastStatus;
      if (last != null
          && last.isOlderThan(PUSH_SILENCE, clock.instant())
          && !shutDown
          && link.isOpen()
          && queue.pending() == 0) {
        askQuietly();
      }
    } catch (RuntimeException e) {
      // a periodic task that throws is never run again
      LOG.warn("{}: poll failed", device, e);
    }
  }

  private void askQuietly() {
    submit(new StatusExchange(replyContext))
        .whenComplete(
            (s, t) -> {
              if (t != null) {
                LOG.debug("{}: status request failed: {}", device, t.getMessage());
                if (!reported && PowerDeviceException.unwrap(t) instanceof PowerDeviceException p) {
                  sink.openProblem(p); // the ready timeout, if it comes, says why
                }
              }
            });
  }

  // ---------------------------------------------------------------- commands

  /**
   * Sends {@code ?}. The refresh pdu4j asks for when the link came up completes at the connection's
   * first status instead, pushed or asked for, whatever the {@code ?} gets: a unit keeps pushing
   * while it refuses or misses a {@code ?}, and the ready timeout bounds the wait. After a
   * reconnect it also reads {@code C?} again: the settings may have changed meanwhile (another
   * client, the front panel).
   */
  @Override
  public CompletionStage<DeviceStatus> refresh() {
    if (!firstRefreshDue) {
      return submit(new StatusExchange(replyContext));
    }
    firstRefreshDue = false;
    CompletableFuture<DeviceStatus> first = firstStatus;
    askQuietly();
    if (reported) {
      readSettingsQuietly("re-reading C? after reconnecting failed");
    }
    return first;
  }

  @Override
  public CompletionStage<OutletStatus> switchOutlet(int outlet, OutletState state) {
    String command = IsoTekCommands.switchOutlet(outlet, state);
    String sent = command.strip() + ", then ?";
    return submit(
        new ConfirmedExchange<OutletStatus>(
            replyContext, command, "switch", s -> confirmOutlet(s, outlet, state, sent)));
  }

  @Override
  public CompletionStage<DeviceStatus> switchAll(OutletState state) {
    return submit(
        new ConfirmedExchange<DeviceStatus>(
            replyContext, IsoTekCommands.switchAll(state), "switch-all", Outcome::done));
  }

  /** The unit acknowledges switching a locked outlet and ignores it. */
  @Override
  public String notSwitchableReason(int outlet) {
    return "it is locked (type 3); the unit ignores switching it, nothing was sent";
  }

  /**
   * Cycles one outlet as one queued command ({@link CycleExchange}): nothing else is sent between
   * its off and its on. A null off time means the outlet's reset delay from {@code C?} (router and
   * normal outlets alike), or 0 when the unit did not answer {@code C?}.
   */
  @Override
  public CompletionStage<OutletStatus> cycle(int outlet, Duration offTime) {
    IsoTekCommands.switchOutlet(outlet, OutletState.OFF);
    Duration off =
        offTime != null
            ? offTime
            : table.config(outlet).map(OutletConfig::resetDelay).orElse(Duration.ZERO);
    String sent = "S" + outlet + "=0/1 with a wait of " + Durations.format(off);
    CycleExchange exchange =
        new CycleExchange(
            replyContext,
            executor,
            outlet,
            off,
            options.commandTimeout(),
            status -> confirmOutlet(status, outlet, OutletState.OFF, sent),
            status -> confirmOutlet(status, outlet, OutletState.ON, sent));
    CompletableFuture<OutletStatus> result = submit(exchange);
    result.whenComplete((s, t) -> exchange.finished());
    return result;
  }

  private Outcome<OutletStatus> confirmOutlet(
      DeviceStatus status, int number, OutletState wanted, String sent) {
    Optional<OutletStatus> outlet = status.outlet(number);
    if (outlet.isEmpty()) {
      return Outcome.fail(
          new ProtocolException(
              "the status after the command has no outlet " + number, device, sent, null, null));
    }
    if (outlet.get().state() != wanted) {
      return Outcome.fail(
          new StateNotConfirmedException(
              "the device accepted the command but then reported outlet "
                  + number
                  + " "
                  + outlet.get().state(),
              device,
              sent,
              "CH" + number + " " + outlet.get().state(),
              null));
    }
    return Outcome.done(outlet.get());
  }

  /** Reads {@code C?}; completes with outlet {@code outlet}'s settings. */
  @Override
  public CompletionStage<OutletConfig> outletConfig(int outlet) {
    return readSettings()
        .thenApply(
            list ->
                table
                    .config(outlet)
                    .orElseThrow(
                        () ->
                            new ProtocolException(
                                "the answer to C? has no line for outlet " + outlet,
                                device,
                                "C?",
                                "OK",
                                null)));
  }

  /**
   * Writes {@code Cx=nnnnnnnn|t|d|} (the name padded to 8), then reads {@code C?} back; completes
   * when the unit reads back what was written, else fails with {@link StateNotConfirmedException}.
   * Names longer than 8 characters or holding {@code |}, control or non-ASCII characters, and
   * delays that are not whole seconds 0..9999, fail with {@link
   * io.pdu4j.api.InvalidArgumentException} unsent.
   */
  @Override
  public CompletionStage<Void> configureOutlet(int outlet, OutletConfig config) {
    String command = IsoTekCommands.configure(outlet, config);
    OutletConfig wanted =
        new OutletConfig(config.name().stripTrailing(), config.type(), config.resetDelay());
    return submit(new AckExchange(replyContext, command, "config-write"))
        .thenCompose(v -> outletConfig(outlet))
        .thenAccept(
            read -> {
              if (!read.equals(wanted)) {
                throw new StateNotConfirmedException(
                    "the unit accepted the settings but reads back " + read,
                    device,
                    IsoTekReplies.describe(command),
                    "C" + outlet + " " + read,
                    null);
              }
            });
  }

  /**
   * Sends {@code X}; completes at the unit's {@code OK}. The unit then drops the link, and pdu4j
   * reconnects.
   */
  @Override
  public CompletionStage<Void> restart() {
    return submit(new AckExchange(replyContext, IsoTekCommands.RESTART, "restart"));
  }

  /** Sends {@code ?}; completes with the clock of the status it returns ({@code RTC=}). */
  @Override
  public CompletionStage<DeviceClock.Reading> readClock() {
    return submit(new StatusExchange(replyContext))
        .thenApply(
            status ->
                status
                    .deviceClock()
                    .map(t -> new DeviceClock.Reading(t, status.receivedAt()))
                    .orElseThrow(
                        () ->
                            new ProtocolException(
                                "the status had no RTC line", device, "?", "OK", null)));
  }

  /**
   * Sends {@code T=yyyy/mm|dd|hh|min|ss|} (seconds precision, the unit's local time without a
   * zone); completes at the unit's OK.
   */
  @Override
  public CompletionStage<Void> setClock(LocalDateTime time) {
    return submit(new AckExchange(replyContext, IsoTekCommands.setClock(time), "clock-set"));
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

  // ---------------------------------------------------------------- for the schedule

  <R> CompletableFuture<R> submit(Exchange<IsoTekFrame, R> exchange) {
    return queue.submit(exchange);
  }

  ReplyContext replyContext() {
    return replyContext;
  }

  String device() {
    return device;
  }

  int outletCount() {
    return outletCount;
  }

  // ---------------------------------------------------------------- helpers

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
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
      return lastBlockSeq;
    }

    @Override
    public Optional<DeviceStatus> lastStatus() {
      return Optional.ofNullable(lastStatus);
    }

    @Override
    public Optional<IsoTekStatusAssembler.Dropped> lastDropped() {
      return Optional.ofNullable(lastDropped);
    }

    @Override
    public void sendFollowUp(String command, Runnable onFailure) {
      LOG.debug("{}: sending follow-up {}", device, PowerDeviceException.printable(command));
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
