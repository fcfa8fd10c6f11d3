package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.ConnectionProblem;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.OutletType;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.PowerReading;
import io.pdu4j.driver.isotek.internal.IsoTekFrame.Channel;
import io.pdu4j.spi.Backoff;
import io.pdu4j.spi.BurstLog;
import io.pdu4j.spi.CommandQueue;
import io.pdu4j.spi.DeviceOptions;
import io.pdu4j.spi.DeviceThread;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.DriverCounters;
import io.pdu4j.spi.Durations;
import io.pdu4j.spi.Exchange;
import io.pdu4j.spi.Freshness;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.LinkReopener;
import io.pdu4j.spi.ListenerList;
import io.pdu4j.spi.StatusEvents;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IsoTek unit's session: the state machine between its {@link Link} and its {@link
 * IsoTekDevice}.
 *
 * <p>Confined to the link's executor (every link callback, timer and exchange runs there), so it
 * takes no locks; fields read by other threads are volatile. Every line goes first to the status
 * assembler (status lines look the same whether pushed or asked for, and the unit pushes every
 * second whatever is in flight), then to the {@link CommandQueue}, whose exchange decides whether
 * the line ends its command. A status therefore updates {@link #lastStatus()} and fires events
 * whenever it arrives, and can never complete a command by itself: only {@code OK} does.
 *
 * <p>Lifecycle: {@link #open()} opens the link, sends {@code ?} and completes at the first status
 * (CONNECTING to CONNECTED) or fails within the ready timeout. When the link goes down later the
 * command in flight fails with {@link LinkLostException}, the state goes OFFLINE, and the link is
 * reopened with capped exponential backoff (0.5 s doubling to 30 s) until {@link #close()}; when it
 * is up again a {@code ?} refreshes the status (OFFLINE to CONNECTING to CONNECTED).
 */
public final class IsoTekSession implements LinkListener {
  private static final Logger LOG = LoggerFactory.getLogger(IsoTekSession.class);

  /** After a command timed out, how long to wait before the next so its late reply is not taken. */
  static final Duration SETTLE_AFTER_TIMEOUT = Duration.ofMillis(200);

  /** How often to poll when the link cannot carry the unit's pushes and no interval is set. */
  static final Duration DEFAULT_POLL = Duration.ofSeconds(2);

  /**
   * How long an {@code OK} that may be a push's own is held back, while the unit's kind of push is
   * not known yet, before it is taken as the answer of the command in flight (see {@link
   * StatusOkRouter}). A unit whose pushes end with {@code OK} sends the command's own answer right
   * behind, well within this.
   */
  static final Duration PUSH_OK_GRACE = Duration.ofMillis(300);

  /** The unit pushes every second; after twice that with no status the driver asks with ?. */
  static final Duration PUSH_SILENCE = Duration.ofSeconds(2);

  private static final ByteBuffer STATUS_REQUEST =
      IsoTekReplies.bytes(IsoTekCommands.STATUS).asReadOnlyBuffer();

  private static final Set<OutletCapability> OUTLET_CAPABILITIES =
      Set.of(OutletCapability.SWITCHABLE, OutletCapability.METERED);
  private static final Set<OutletCapability> CONFIGURED_CAPABILITIES =
      Set.of(OutletCapability.SWITCHABLE, OutletCapability.METERED, OutletCapability.CONFIGURABLE);
  private static final Set<OutletCapability> LOCKED_CAPABILITIES =
      Set.of(OutletCapability.METERED, OutletCapability.CONFIGURABLE);

  private final String device;
  private final Link link;
  private final DeviceOptions options;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final IsoTekLineReader reader;
  private final IsoTekStatusAssembler assembler = new IsoTekStatusAssembler();
  private final CommandQueue<String> queue;
  private final FrameCounters counters = new FrameCounters();
  private final DriverCounters driverCounters; // the runtime's pdu.frames.malformed
  // one log for all bad input: a malformed line also drops its status, and that is one problem
  private final BurstLog badInputLog = new BurstLog(LOG);
  private final ListenerList listeners;
  private final Freshness freshness;
  private final LinkReopener reopener;
  private final Optional<Duration> pollInterval;
  private final CompletableFuture<PowerDevice> ready = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ReplyContext replyContext = new Replies();
  private final StatusOkRouter okRouter;
  private final IsoTekDevice facade;

  // device thread only
  private long seq;
  private long lastBlockSeq = -1;
  private IsoTekStatusAssembler.Dropped lastDropped;
  private boolean continuity;
  // the last line's number when a ? still unanswered was sent, or -1
  private long statusAskedAt = -1;
  // whether a usable status has been taken on this connection: the unit's shape is known
  private boolean shapeLearnt;
  private String connectingReason; // why still CONNECTING, as last published
  private ScheduledFuture<?> readyTimer;
  private ScheduledFuture<?> pollTimer;
  private ScheduledFuture<?> graceTimer;
  private Throwable openProblem;
  private ConnectionProblem offlineProblem; // why OFFLINE, as last published

  // read from any thread
  private volatile Thread deviceThread;
  private volatile DeviceStatus lastStatus;
  private volatile ConnectionState state = ConnectionState.CONNECTING;
  // the outlets' settings as last read with C? (empty when the unit refused C?)
  private volatile Map<Integer, OutletConfig> configs = Map.of();
  private boolean configRequested;

  /** A session for the device in {@code context}; does no I/O until {@link #open()}. */
  public IsoTekSession(DriverContext context) {
    this.device = context.address().toString();
    this.link = context.link();
    this.options = context.options();
    this.clock = context.clock();
    this.driverCounters = context.counters();
    this.executor = context.executor();
    this.reopener =
        new LinkReopener(
            device,
            link,
            this,
            executor,
            new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30)),
            closed::get);
    this.listeners = new ListenerList(device);
    this.freshness = new Freshness(options.staleAfter(), clock);
    this.reader =
        new IsoTekLineReader(
            options.maxFrameLength(),
            new IsoTekLineReader.Sink() {
              @Override
              public void onLine(String line) {
                IsoTekSession.this.onLine(line);
              }

              @Override
              public void onOverlong(String start) {
                IsoTekSession.this.onOverlong(start);
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
            this::onUnclaimed,
            this::onCommandCompleted);
    this.okRouter = new StatusOkRouter(new OkRouterView());
    this.pollInterval =
        options
            .pollInterval()
            .or(() -> link.carriesUnsolicited() ? Optional.empty() : Optional.of(DEFAULT_POLL));
    this.facade = new IsoTekDevice(this, link.carriesUnsolicited());
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Opens the link, asks for the status and completes with the device at the first status. Fails
   * with what the link said when it cannot be opened, {@link DeviceTimeoutException} when no status
   * arrives within the ready timeout, {@link LinkLostException} when the link drops first; the link
   * is then closed.
   */
  public CompletionStage<PowerDevice> open() {
    try {
      executor.execute(this::start);
    } catch (RejectedExecutionException e) {
      ready.completeExceptionally(
          new DeviceClosedException("the device's executor is shut down", device, null, null, e));
    }
    return ready;
  }

  private void start() {
    deviceThread = Thread.currentThread();
    if (closed.get()) {
      return;
    }
    readyTimer =
        executor.schedule(
            this::onReadyTimeout, options.readyTimeout().toNanos(), TimeUnit.NANOSECONDS);
    if (pollInterval.isPresent()) {
      long every = pollInterval.get().toNanos();
      pollTimer = executor.scheduleAtFixedRate(this::poll, every, every, TimeUnit.NANOSECONDS);
    } else {
      // pushes are expected: watch for them to stop, and ask while they do
      long every = PUSH_SILENCE.toNanos() / 2;
      pollTimer =
          executor.scheduleAtFixedRate(this::pollIfSilent, every, every, TimeUnit.NANOSECONDS);
    }
    reopener.openFirst(this::failOpen);
  }

  /**
   * Sends on the link. A link that answers for a gateway (an Extron tunnel) fails a send with
   * {@link DeviceRejectedException} when the gateway refused the request (an {@code E13}): it will
   * refuse the next ones alike, so while opening that fails the open at once with the gateway's
   * answer rather than at the ready timeout. A busy gateway ({@link
   * io.pdu4j.api.DeviceBusyException}) is not a rejection: the open keeps asking.
   */
  private CompletionStage<Void> send(ByteBuffer bytes) {
    if (bytes.equals(STATUS_REQUEST)) {
      statusAskedAt = seq; // every command goes out here, follow-ups too: noted for the OK router
    }
    CompletionStage<Void> sent = link.send(bytes);
    sent.whenComplete(
        (v, t) -> {
          if (t != null && unwrap(t) instanceof DeviceRejectedException rejected) {
            if (!ready.isDone()) {
              LOG.debug("{}: the link refused a request while opening", device);
              failOpen(rejected);
            }
          }
        });
    return sent;
  }

  private void onReadyTimeout() {
    if (ready.isDone()) {
      return;
    }
    failOpen(
        new DeviceTimeoutException(
            "no status within the ready timeout of "
                + Durations.format(options.readyTimeout())
                + (lastDropped == null
                    ? ""
                    : "; the last one was unusable: " + lastDropped.reason()),
            device,
            "?",
            null,
            openProblem));
  }

  private void failOpen(PowerDeviceException failure) {
    if (ready.isDone()) {
      return;
    }
    closed.set(true);
    queue.refuseNew();
    cancelTimers();
    queue.close();
    state = ConnectionState.CLOSED;
    link.close();
    ready.completeExceptionally(failure);
  }

  /**
   * Closes: pending commands fail with {@link DeviceClosedException}, the link is closed, listeners
   * get CLOSED. Idempotent and safe from any thread; from another thread it waits (boundedly) until
   * that is done, so the caller sees a closed device when it returns.
   */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    queue.refuseNew();
    DeviceThread.shutDown(device, executor, deviceThread, this::shutdown, options.connectTimeout());
  }

  private void shutdown(CompletableFuture<Void> done) {
    cancelTimers();
    queue.close();
    if (!ready.isDone()) {
      ready.completeExceptionally(
          new DeviceClosedException("closed while opening", device, null, null, null));
    }
    ConnectionState previous = state;
    state = ConnectionState.CLOSED;
    CompletionStage<Void> linkClosed;
    try {
      linkClosed = link.close();
    } catch (RuntimeException e) {
      LOG.debug("{}: closing the link failed: {}", device, e.toString());
      linkClosed = CompletableFuture.completedFuture(null);
    }
    if (previous != ConnectionState.CLOSED) {
      listeners.dispatch(
          new DeviceEvent.Connection(
              device, clock.instant(), previous, ConnectionState.CLOSED, Optional.empty()));
    }
    linkClosed.whenComplete((v, t) -> done.complete(null));
  }

  private void cancelTimers() {
    for (ScheduledFuture<?> f : new ScheduledFuture<?>[] {readyTimer, pollTimer, graceTimer}) {
      if (f != null) {
        f.cancel(false);
      }
    }
    reopener.cancel();
  }

  // ---------------------------------------------------------------- link callbacks

  @Override
  public void onUp() {
    deviceThread = Thread.currentThread();
    reader.reset();
    assembler.reset();
    okRouter.reset();
    statusAskedAt = -1;
    shapeLearnt = false; // another unit may answer at this address now
    reopener.up();
    if (closed.get()) {
      // it came up after a close or a failed open had already asked it to close
      link.close();
      return;
    }
    LOG.debug("{}: link up", device);
    setState(ConnectionState.CONNECTING, Optional.empty());
    queue.linkUp();
    refreshQuietly();
    if (ready.isDone()) {
      // back after a drop or a restart: the settings may have changed meanwhile (another client,
      // the front panel), and names and locks must be the unit's, not what we knew before
      readConfig()
          .whenComplete(
              (list, t) -> {
                if (t != null) {
                  LOG.debug(
                      "{}: re-reading C? after reconnecting failed: {}",
                      device,
                      unwrap(t).getMessage());
                }
              });
    }
  }

  @Override
  public void onData(ByteBuffer data) {
    if (closed.get()) {
      return; // closing: nothing may complete or report any more
    }
    reader.feed(data);
  }

  @Override
  public void onDown(PowerDeviceException cause) {
    reader.reset();
    assembler.reset();
    okRouter.commandEnded();
    watchHeldOk();
    statusAskedAt = -1;
    continuity = false;
    String reason = cause == null ? "link down" : cause.getMessage();
    queue.linkDown(reason);
    if (closed.get()) {
      return;
    }
    if (!ready.isDone()) {
      failOpen(
          cause instanceof LinkLostException
              ? cause
              : new LinkLostException(
                  "the link went down before the first status: " + reason,
                  device,
                  null,
                  null,
                  cause));
      return;
    }
    LOG.info("{}: link down: {}", device, reason);
    setState(
        ConnectionState.OFFLINE, Optional.of(reason), Optional.of(ConnectionProblem.of(cause)));
    reopener.reopenLater(this::stillOffline);
  }

  // ---------------------------------------------------------------- lines

  private void onLine(String line) {
    if (closed.get()) {
      return; // closed by a listener half-way through a chunk
    }
    long n = ++seq;
    counters.line();
    IsoTekFrame frame = IsoTekParser.parse(line);
    if (frame instanceof IsoTekFrame.Malformed m) {
      counters.malformed();
      driverCounters.malformedFrame();
      badInputLog.log(
          "{}: skipped a malformed line {} ({})",
          device,
          PowerDeviceException.printable(m.raw()),
          m.reason());
    }
    Optional<IsoTekStatusAssembler.Result> ended = assembler.accept(frame, n);
    ended.ifPresent(this::onBlockEnded);
    okRouter.accept(line, frame, ended.map(IsoTekStatusAssembler.Result::startSeq), this::toQueue);
    watchHeldOk();
  }

  /** Times an OK the router holds back; stops timing once it no longer holds one. */
  private void watchHeldOk() {
    if (okRouter.holding()) {
      if (graceTimer == null) {
        graceTimer =
            executor.schedule(
                () -> {
                  graceTimer = null;
                  okRouter.release(this::toQueue);
                },
                PUSH_OK_GRACE.toNanos(),
                TimeUnit.NANOSECONDS);
      }
    } else if (graceTimer != null) {
      graceTimer.cancel(false);
      graceTimer = null;
    }
  }

  private void toQueue(String line) {
    if (!closed.get()) {
      queue.onFrame(line);
    }
  }

  /** The command in flight completed (or a queued one was cancelled). */
  private void onCommandCompleted(String name, Duration elapsed, Throwable failure) {
    if (!queue.busy()) {
      statusAskedAt = -1;
      okRouter.commandEnded();
      watchHeldOk();
    }
  }

  private void onOverlong(String start) {
    counters.overlong();
    driverCounters.overlongFrame();
    badInputLog.log(
        "{}: skipped a line longer than {} bytes starting {}",
        device,
        options.maxFrameLength(),
        PowerDeviceException.printable(start));
  }

  /** Lines no command claimed: status lines were handled already; the rest is noted. */
  private void onUnclaimed(String line) {
    IsoTekFrame frame = IsoTekParser.parse(line);
    if (frame instanceof IsoTekFrame.Ok) {
      LOG.debug("{}: ignored OK with no command in flight", device);
    } else if (frame instanceof IsoTekFrame.Unknown || frame instanceof IsoTekFrame.Address) {
      counters.unexpected();
      driverCounters.malformedFrame(); // skipped input, as a malformed line is
      badInputLog.log(
          "{}: ignored an unexpected line with no command in flight: {}",
          device,
          PowerDeviceException.printable(line.length() > 200 ? line.substring(0, 200) : line));
    }
  }

  private void onBlockEnded(IsoTekStatusAssembler.Result result) {
    if (result instanceof IsoTekStatusAssembler.Dropped d) {
      lastDropped = d;
      counters.droppedStatus();
      badInputLog.log("{}: dropped a status: {}", device, d.reason());
      if (state == ConnectionState.CONNECTING) {
        stillConnecting("no usable status yet: " + d.reason());
      }
      return;
    }
    IsoTekStatusAssembler.Block block = (IsoTekStatusAssembler.Block) result;
    Instant now = clock.instant();
    int known = facade.outletCount();
    int reported = block.outlets().size();
    if (known != reported) {
      // the first status, or another unit at this address (swapped while the link was down, or
      // on a serial line without the link noticing): learnt afresh
      relearn(known, reported, now);
    }
    shapeLearnt = true;
    DeviceStatus status = toStatus(block, now);
    DeviceStatus previous = lastStatus;
    boolean previousCurrent = continuity && freshness.isCurrent(previous);
    lastBlockSeq = block.startSeq();
    lastStatus = status;
    continuity = true;
    counters.status();
    setState(ConnectionState.CONNECTED, Optional.empty());
    for (DeviceEvent e : StatusEvents.of(device, previous, previousCurrent, status)) {
      listeners.dispatch(e);
    }
    if (!ready.isDone() && !configRequested) {
      // after the events: a listener added once open() completed must not see the first status
      // half-way through its events
      if (readyTimer != null) {
        readyTimer.cancel(false);
      }
      configRequested = true;
      readConfigThenReady(block.outlets().size());
    }
  }

  /**
   * Takes the unit's outlet count from a status that differs from what was known: the first status
   * of the session, or another unit. Outlets gone and new are published as events, and the old
   * unit's settings (names, locks) are forgotten and read afresh once the device is open.
   */
  private void relearn(int known, int reported, Instant now) {
    if (known == 0) {
      facade.outletsKnown(reported);
      return;
    }
    LOG.info(
        "{}: the unit now reports {} outlets instead of {}{}: taken as another unit",
        device,
        reported,
        known,
        shapeLearnt ? " on the same connection" : "");
    DeviceStatus last = lastStatus;
    configs = Map.of();
    facade.outletsKnown(reported);
    for (int n = reported + 1; n <= known; n++) {
      listeners.dispatch(new DeviceEvent.OutletRemoved(device, now, removed(last, n)));
    }
    if (last != null) {
      // the old unit's outlets, without the ones gone and under the new unit's (unread) names
      List<OutletStatus> kept = new ArrayList<>();
      for (OutletStatus o : last.outlets()) {
        if (o.number() <= reported) {
          kept.add(o);
        }
      }
      lastStatus = new DeviceStatus(last.receivedAt(), last.input(), kept, last.deviceClock());
    }
    for (int n = known + 1; n <= reported; n++) {
      listeners.dispatch(
          new DeviceEvent.OutletAdded(
              device,
              now,
              new OutletStatus(
                  n,
                  Integer.toString(n),
                  outletName(n),
                  OutletState.UNKNOWN,
                  OptionalDouble.empty(),
                  OptionalDouble.empty(),
                  outletCapabilities(n))));
    }
    if (ready.isDone() && shapeLearnt) {
      // on a new connection onUp has already asked for C?; on the same one, ask now
      readConfig()
          .whenComplete(
              (list, t) -> {
                if (t != null) {
                  LOG.info(
                      "{}: the new unit's outlet settings (C?) could not be read: {}",
                      device,
                      unwrap(t).getMessage());
                }
              });
    }
  }

  private OutletStatus removed(DeviceStatus last, int number) {
    Optional<OutletStatus> known = last == null ? Optional.empty() : last.outlet(number);
    return new OutletStatus(
        number,
        Integer.toString(number),
        known.map(OutletStatus::name).orElse("Outlet " + number),
        OutletState.UNKNOWN,
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        known.map(OutletStatus::capabilities).orElse(OUTLET_CAPABILITIES));
  }

  /** Still CONNECTING, for a reason other than last said: health shows why the unit is unusable. */
  private void stillConnecting(String reason) {
    if (reason.equals(connectingReason)) {
      return;
    }
    connectingReason = reason;
    listeners.dispatch(
        new DeviceEvent.Connection(
            device,
            clock.instant(),
            ConnectionState.CONNECTING,
            ConnectionState.CONNECTING,
            Optional.of(reason)));
  }

  /**
   * Reads {@code C?} once, so the outlets carry the unit's names from the start; the C? has its own
   * command timeout, which bounds the open from here. A unit that refuses {@code C?} still opens,
   * with {@code Outlet N} names and no outlet settings.
   */
  private void readConfigThenReady(int outlets) {
    readConfig()
        .whenComplete(
            (list, t) -> {
              if (t != null) {
                LOG.info(
                    "{}: the outlet settings (C?) could not be read, outlets keep numbered"
                        + " names: {}",
                    device,
                    unwrap(t).getMessage());
              }
              if (!ready.isDone()) {
                LOG.debug("{}: ready, {} outlets", device, outlets);
                ready.complete(facade);
              }
            });
  }

  /** Sends {@code C?}; at its OK the outlets' names and types are updated everywhere. */
  CompletableFuture<List<IsoTekFrame.OutletSetting>> readConfig() {
    CompletableFuture<List<IsoTekFrame.OutletSetting>> read =
        submit(
            new ListExchange<>(
                replyContext,
                IsoTekCommands.READ_CONFIG,
                "config-read",
                IsoTekFrame.OutletSetting.class,
                'C'));
    return read.whenComplete(
        (list, t) -> {
          if (t == null) {
            configsRead(list);
          }
        });
  }

  /** Device thread: takes the settings read, and renames the last status to match. */
  private void configsRead(List<IsoTekFrame.OutletSetting> settings) {
    Map<Integer, OutletConfig> read = new HashMap<>();
    for (IsoTekFrame.OutletSetting s : settings) {
      read.put(
          s.number(),
          new OutletConfig(
              s.name(), IsoTekCommands.type(s.type()), Duration.ofSeconds(s.delaySeconds())));
    }
    configs = Map.copyOf(read);
    DeviceStatus last = lastStatus;
    if (last != null) {
      List<OutletStatus> renamed = new ArrayList<>(last.outlets().size());
      for (OutletStatus o : last.outlets()) {
        renamed.add(
            new OutletStatus(
                o.number(),
                o.id(),
                outletName(o.number()),
                o.state(),
                o.voltage(),
                o.power(),
                outletCapabilities(o.number())));
      }
      lastStatus = new DeviceStatus(last.receivedAt(), last.input(), renamed, last.deviceClock());
    }
  }

  /** The settings of outlet {@code number} as last read, when the unit answered {@code C?}. */
  Optional<OutletConfig> config(int number) {
    return Optional.ofNullable(configs.get(number));
  }

  DeviceStatus toStatus(IsoTekStatusAssembler.Block block, Instant receivedAt) {
    List<OutletStatus> outlets = new ArrayList<>(block.outlets().size());
    for (Channel c : block.outlets()) {
      outlets.add(
          new OutletStatus(
              c.number(),
              Integer.toString(c.number()),
              outletName(c.number()),
              c.on() ? OutletState.ON : OutletState.OFF,
              OptionalDouble.of(c.volts()),
              OptionalDouble.of(c.watts()),
              outletCapabilities(c.number())));
    }
    Channel in = block.input();
    return new DeviceStatus(
        receivedAt,
        Optional.of(new PowerReading(OptionalDouble.of(in.volts()), OptionalDouble.of(in.watts()))),
        outlets,
        block.clock());
  }

  /** The unit's name for the outlet ({@code C?}, trailing blanks trimmed), or {@code Outlet N}. */
  String outletName(int number) {
    OutletConfig c = configs.get(number);
    return c == null || c.name().isBlank() ? "Outlet " + number : c.name();
  }

  /** Locked outlets are not switchable; outlets are configurable once C? has been answered. */
  Set<OutletCapability> outletCapabilities(int number) {
    OutletConfig c = configs.get(number);
    if (c == null) {
      return OUTLET_CAPABILITIES;
    }
    return c.type() == OutletType.LOCKED ? LOCKED_CAPABILITIES : CONFIGURED_CAPABILITIES;
  }

  DeviceOptions options() {
    return options;
  }

  ScheduledExecutorService executor() {
    return executor;
  }

  private void setState(ConnectionState next, Optional<String> reason) {
    setState(next, reason, Optional.empty());
  }

  private void setState(
      ConnectionState next, Optional<String> reason, Optional<ConnectionProblem> problem) {
    ConnectionState previous = state;
    if (previous == next || previous == ConnectionState.CLOSED) {
      return;
    }
    state = next;
    offlineProblem = problem.orElse(null);
    connectingReason = null;
    listeners.dispatch(
        new DeviceEvent.Connection(device, clock.instant(), previous, next, reason, problem));
  }

  /**
   * A reconnect failed: when it failed for another kind of reason than the link went down with (a
   * gateway now refusing the login), says so with an OFFLINE to OFFLINE event.
   */
  private void stillOffline(PowerDeviceException failure) {
    ConnectionProblem problem = ConnectionProblem.of(failure);
    if (state != ConnectionState.OFFLINE || problem == offlineProblem) {
      return;
    }
    offlineProblem = problem;
    listeners.dispatch(
        new DeviceEvent.Connection(
            device,
            clock.instant(),
            ConnectionState.OFFLINE,
            ConnectionState.OFFLINE,
            Optional.ofNullable(failure.getMessage()),
            Optional.of(problem)));
  }

  // ---------------------------------------------------------------- polling

  private void poll() {
    try {
      if (closed.get() || !link.isOpen() || queue.pending() > 0) {
        return;
      }
      refreshQuietly();
    } catch (RuntimeException e) {
      // a periodic task that throws is never run again
      LOG.warn("{}: poll failed", device, e);
    }
  }

  private void pollIfSilent() {
    DeviceStatus last = lastStatus;
    if (last != null && last.isOlderThan(PUSH_SILENCE, clock.instant())) {
      poll();
    }
  }

  private void refreshQuietly() {
    submit(new StatusExchange(replyContext))
        .whenComplete(
            (s, t) -> {
              if (t != null) {
                LOG.debug("{}: status request failed: {}", device, t.getMessage());
                if (!ready.isDone()) {
                  openProblem = t;
                }
              }
            });
  }

  // ---------------------------------------------------------------- for the device

  <R> CompletableFuture<R> submit(Exchange<String, R> exchange) {
    return queue.submit(exchange);
  }

  ReplyContext replyContext() {
    return replyContext;
  }

  String device() {
    return device;
  }

  Optional<DeviceStatus> lastStatus() {
    return Optional.ofNullable(lastStatus);
  }

  ConnectionState connectionState() {
    return closed.get() ? ConnectionState.CLOSED : state;
  }

  /** Whether the last status counts now: connected, and not older than the stale limit. */
  boolean statusIsCurrent() {
    DeviceStatus s = lastStatus;
    return state == ConnectionState.CONNECTED && !closed.get() && freshness.isCurrent(s);
  }

  ListenerList listeners() {
    return listeners;
  }

  FrameCounters counters() {
    return counters;
  }

  // ---------------------------------------------------------------- helpers

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  private final class OkRouterView implements StatusOkRouter.Session {
    @Override
    public long statusAskedAt() {
      return statusAskedAt;
    }

    @Override
    public void statusAnswered() {
      statusAskedAt = -1;
    }

    @Override
    public boolean commandInFlight() {
      return queue.busy();
    }

    @Override
    public void learnt(StatusOkRouter.PushEnding ending) {
      LOG.debug(
          "{}: the unit's status pushes end {}",
          device,
          ending == StatusOkRouter.PushEnding.WITH_OK
              ? "with OK and the prompt"
              : "without OK and prompt");
    }
  }

  private final class Replies implements ReplyContext {
    @Override
    public String device() {
      return device;
    }

    @Override
    public long seq() {
      return seq;
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
