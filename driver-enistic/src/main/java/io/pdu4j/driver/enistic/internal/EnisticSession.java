package io.pdu4j.driver.enistic.internal;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.driver.enistic.internal.EnisticCodec.Reading;
import io.pdu4j.spi.Backoff;
import io.pdu4j.spi.BurstLog;
import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.DeviceOptions;
import io.pdu4j.spi.DeviceThread;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.DriverCounters;
import io.pdu4j.spi.Durations;
import io.pdu4j.spi.Freshness;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.LinkReopener;
import io.pdu4j.spi.ListenerList;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Enistic controller: the state machine on the link's thread. Takes readings from datagrams,
 * keeps one outlet per socket and meter channel in order of first appearance, and switches sockets
 * with retransmitted commands confirmed by readings.
 *
 * <p>Everything but the {@code volatile} snapshots is confined to the link's executor.
 */
public final class EnisticSession implements LinkListener {
  private static final Logger LOG = LoggerFactory.getLogger(EnisticSession.class);

  /** The first retransmission delay; it doubles up to {@link #RETRANSMIT_MAX}. */
  static final Duration RETRANSMIT_INITIAL = Duration.ofMillis(250);

  /** The longest delay between retransmissions. */
  static final Duration RETRANSMIT_MAX = Duration.ofSeconds(2);

  /**
   * How long after a command a reading must come to count as evidence against it: readings already
   * on their way when the command was sent show the old state.
   */
  static final Duration SETTLE = Duration.ofMillis(300);

  private static final InetAddress BROADCAST = broadcast();

  private final String device;
  private final Link link;
  private final DeviceOptions options;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final EnisticSettings settings;
  private final ListenerList listeners;
  private final Freshness freshness;
  private final EnisticCounters counters = new EnisticCounters();
  private final DriverCounters driverCounters; // pdu.frames.malformed, pdu.readings.dropped
  private final BurstLog badInputLog = new BurstLog(LOG);
  private final BurstLog refusedLog = new BurstLog(LOG);
  private final BurstLog overLimitLog = new BurstLog(LOG);
  private final LinkReopener reopener;
  private final CompletableFuture<PowerDevice> ready = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final EnisticDevice facade;

  // device thread only
  private final Map<String, Entry> entries = new HashMap<>();
  private final List<Entry> byNumber = new ArrayList<>();
  private final Set<String> multiChannel = new HashSet<>(); // only serials with an outlet
  private int unlistedOutlets; // outlets of serials not in sockets=/meters=
  private final Map<String, Pending> pending = new HashMap<>();
  private long lastAddedNanos;
  private boolean settled;
  private InetAddress lastSource;
  private String controllerAsRead;
  private ScheduledFuture<?> staleTimer;

  // read from any thread
  private volatile Thread deviceThread;
  private volatile List<Snap> snaps = List.of();
  private volatile ConnectionState state = ConnectionState.CONNECTING;

  /** What one outlet last reported, and when. */
  record Snap(OutletStatus reported, Instant at) {}

  /** One outlet: a socket, or one channel of a meter. */
  private static final class Entry {
    final int number;
    final String serial;
    final int channel;
    boolean socket;
    OutletStatus reported;
    Instant at;
    boolean staleReported;

    Entry(int number, String serial, int channel) {
      this.number = number;
      this.serial = serial;
      this.channel = channel;
    }

    String id() {
      return socket ? serial : serial + "/" + channel;
    }
  }

  /** A session for the device in {@code context}; does no I/O until {@link #open()}. */
  public EnisticSession(DriverContext context, EnisticSettings settings) {
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
    this.settings = settings;
    this.listeners = new ListenerList(device);
    this.freshness = new Freshness(options.staleAfter(), clock);
    this.facade = new EnisticDevice(this);
  }

  String device() {
    return device;
  }

  EnisticSettings settings() {
    return settings;
  }

  ListenerList listeners() {
    return listeners;
  }

  /** Counts of what arrived and was sent. */
  public EnisticCounters counters() {
    return counters;
  }

  ConnectionState connectionState() {
    return state;
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Opens the link and completes with the device as soon as the link is up: outlets appear as
   * readings arrive. Fails with what the link said when it cannot be opened.
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
    long every = Math.max(50, Math.min(1000, options.staleAfter().toMillis() / 4));
    staleTimer =
        executor.scheduleAtFixedRate(this::sweepStale, every, every, TimeUnit.MILLISECONDS);
    reopener.openFirst(this::failOpen);
  }

  private void failOpen(PowerDeviceException failure) {
    if (ready.isDone()) {
      return;
    }
    closed.set(true);
    cancelTimers();
    state = ConnectionState.CLOSED;
    link.close();
    ready.completeExceptionally(failure);
  }

  /** Closes; pending commands fail with {@link DeviceClosedException}. Idempotent, any thread. */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    DeviceThread.shutDown(device, executor, deviceThread, this::shutdown, options.connectTimeout());
  }

  private void shutdown(CompletableFuture<Void> done) {
    cancelTimers();
    DeviceClosedException closedEx =
        new DeviceClosedException("the device was closed", device, null, null, null);
    for (Pending p : List.copyOf(pending.values())) {
      p.fail(closedEx);
    }
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
    if (staleTimer != null) {
      staleTimer.cancel(false);
    }
    reopener.cancel();
  }

  // ---------------------------------------------------------------- link callbacks

  @Override
  public void onUp() {
    deviceThread = Thread.currentThread();
    reopener.up();
    if (closed.get()) {
      link.close();
      return;
    }
    LOG.debug("{}: listening on {}", device, link.describe());
    setState(ConnectionState.CONNECTED, Optional.empty());
    ready.complete(facade);
  }

  @Override
  public void onDown(PowerDeviceException cause) {
    String reason = cause == null ? "link down" : cause.getMessage();
    LinkLostException lost = new LinkLostException(reason, device, null, null, cause);
    for (Pending p : List.copyOf(pending.values())) {
      p.fail(lost);
    }
    if (closed.get()) {
      return;
    }
    LOG.info("{}: link down: {}", device, reason);
    setState(ConnectionState.OFFLINE, Optional.of(reason));
    reopener.reopenLater(failure -> {});
  }

  @Override
  public void onDatagram(Datagram datagram) {
    if (closed.get()) {
      return;
    }
    InetSocketAddress peer = datagram.peer();
    if (!settings.allow().isEmpty() && !settings.allow().contains(peer.getAddress())) {
      counters.refusedSource.incrementAndGet();
      driverCounters.readingFromRefusedSource();
      refusedLog.log("{}: ignored a datagram from {} (not in allow=)", device, peer);
      return;
    }
    String text = new String(datagram.payload(), StandardCharsets.ISO_8859_1);
    List<String> lines = EnisticCodec.lines(text);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (i == EnisticCodec.MAX_LINES) {
        // the rest of a datagram of too many lines, however short: one over-long frame
        skipOverlong(peer, "more than " + EnisticCodec.MAX_LINES + " lines in one datagram");
        break;
      }
      Optional<Reading> reading;
      try {
        reading = EnisticCodec.parse(line);
      } catch (ProtocolException e) {
        if (line.length() > EnisticCodec.MAX_LINE) {
          skipOverlong(peer, e.getMessage());
        } else {
          counters.malformed.incrementAndGet();
          driverCounters.malformedFrame();
          badInputLog.log("{}: from {}: {}", device, peer, e.getMessage());
        }
        continue;
      }
      if (reading.isEmpty()) {
        counters.otherEvents.incrementAndGet();
        LOG.debug("{}: event ignored: {}", device, line);
        continue;
      }
      Reading r = reading.get();
      if (!EnisticCodec.sameSerial(r.controller(), settings.controller())) {
        counters.foreign.incrementAndGet();
        LOG.trace("{}: reading of controller {} ignored", device, r.controller());
        continue;
      }
      onReading(r, peer);
    }
  }

  private void skipOverlong(InetSocketAddress peer, String why) {
    counters.overlong.incrementAndGet();
    driverCounters.overlongFrame();
    badInputLog.log("{}: from {}: {}", device, peer, why);
  }

  // ---------------------------------------------------------------- readings

  private void onReading(Reading r, InetSocketAddress peer) {
    Instant now = clock.instant();
    String serialKey = EnisticCodec.key(r.meter());
    String key = serialKey + "/" + r.channel();
    Entry e = entries.get(key);
    boolean added = e == null;
    boolean listed = settings.listed(serialKey, r.channel());
    boolean admitted = !added || listed || unlistedOutlets < unlistedRoom();
    // what is learnt about a serial is kept only for serials that have an outlet: bounded too
    if (r.channel() > 1
        && (admitted || entries.containsKey(serialKey + "/1"))
        && multiChannel.add(serialKey)) {
      reclassify(serialKey, now);
    }
    if (!admitted) {
      refuseOverLimit(r, peer);
      return;
    }
    counters.readings.incrementAndGet();
    lastSource = peer.getAddress();
    controllerAsRead = r.controller();
    if (added) {
      if (!listed) {
        unlistedOutlets++;
      }
      e = new Entry(byNumber.size() + 1, r.meter(), r.channel());
      e.socket = isSocket(serialKey, r.channel());
      entries.put(key, e);
      byNumber.add(e);
      lastAddedNanos = System.nanoTime();
    }
    OutletState before = effectiveState(e);
    e.reported = status(e, e.socket ? r.socketState() : OutletState.UNKNOWN, r.power());
    e.at = now;
    e.staleReported = false;
    publish();
    DeviceStatus status = buildStatus().orElseThrow();
    if (added) {
      LOG.debug("{}: new outlet {} ({})", device, e.number, e.id());
      listeners.dispatch(new DeviceEvent.OutletAdded(device, now, e.reported));
    }
    listeners.dispatch(new DeviceEvent.StatusReported(device, now, status));
    if (before != e.reported.state()) {
      listeners.dispatch(new DeviceEvent.OutletChanged(device, now, before, e.reported));
    }
    if (e.socket) {
      Pending p = pending.get(serialKey);
      if (p != null) {
        p.onReading(r.socketState(), e);
      }
    }
  }

  /** Outlets serials outside {@code sockets=}/{@code meters=} may have: the rest is kept. */
  private int unlistedRoom() {
    return settings.maxOutlets() - settings.reservedOutlets();
  }

  /**
   * A reading that would add an outlet beyond {@code max-outlets}: dropped, counted, logged once
   * per burst. Known outlets are never evicted to make room, so a socket the user switched stays.
   */
  private void refuseOverLimit(Reading r, InetSocketAddress peer) {
    counters.overLimit.incrementAndGet();
    driverCounters.readingOverOutletLimit();
    overLimitLog.log(
        "{}: ignored a reading of {} channel {} from {}: {} outlets known, max-outlets={}"
            + " (list the controller's meters and sockets in meters=/sockets=, or raise"
            + " max-outlets)",
        device,
        r.meter(),
        r.channel(),
        peer,
        byNumber.size(),
        settings.maxOutlets());
  }

  private boolean isSocket(String serialKey, int channel) {
    if (settings.meters().contains(serialKey)) {
      return false;
    }
    if (!settings.sockets().isEmpty()) {
      return channel == 1 && settings.sockets().contains(serialKey);
    }
    return channel == 1 && !multiChannel.contains(serialKey);
  }

  /** A serial thought to be a socket reported a second channel: it is a meter after all. */
  private void reclassify(String serialKey, Instant now) {
    Entry e = entries.get(serialKey + "/1");
    if (e == null || !e.socket || !settings.sockets().isEmpty()) {
      return;
    }
    LOG.info(
        "{}: {} reported more than one channel: outlet {} is a meter channel, not a socket",
        device,
        e.serial,
        e.number);
    e.socket = false;
    e.reported = status(e, OutletState.UNKNOWN, e.reported.power().orElse(0));
    Pending p = pending.get(serialKey);
    if (p != null) {
      p.fail(
          new UnsupportedCapabilityException(
              "outlet " + e.number + " turned out to be a meter channel, which cannot be switched",
              device,
              p.command,
              null,
              null));
    }
    publish();
  }

  private OutletStatus status(Entry e, OutletState s, double power) {
    Set<OutletCapability> caps =
        e.socket
            ? EnumSet.of(OutletCapability.SWITCHABLE, OutletCapability.METERED)
            : EnumSet.of(OutletCapability.METERED);
    // the id is the name: short enough for a table, and what on/off take to pick the outlet
    return new OutletStatus(
        e.number, e.id(), e.id(), s, OptionalDouble.empty(), OptionalDouble.of(power), caps);
  }

  private boolean isCurrent(Instant at) {
    return at != null
        && state == ConnectionState.CONNECTED
        && Duration.between(at, clock.instant()).compareTo(options.staleAfter()) <= 0;
  }

  private OutletState effectiveState(Entry e) {
    return e.reported != null && isCurrent(e.at) ? e.reported.state() : OutletState.UNKNOWN;
  }

  private void publish() {
    List<Snap> list = new ArrayList<>(byNumber.size());
    for (Entry e : byNumber) {
      list.add(new Snap(e.reported, e.at));
    }
    snaps = List.copyOf(list);
  }

  private void sweepStale() {
    Instant now = clock.instant();
    for (Entry e : byNumber) {
      if (e.reported != null && !e.staleReported && !isCurrent(e.at)) {
        e.staleReported = true;
        if (e.reported.state() != OutletState.UNKNOWN) {
          listeners.dispatch(
              new DeviceEvent.OutletChanged(
                  device, now, e.reported.state(), Freshness.unknown(e.reported)));
        }
      }
    }
  }

  // ---------------------------------------------------------------- snapshots (any thread)

  /** The outlet count now. */
  int outletCount() {
    return snaps.size();
  }

  /** The outlet as it reads now: reported, or UNKNOWN without readings when stale. */
  Optional<OutletStatus> outletStatus(int number) {
    List<Snap> list = snaps;
    if (number < 1 || number > list.size()) {
      return Optional.empty();
    }
    Snap s = list.get(number - 1);
    return Optional.of(Freshness.effective(s.reported(), isCurrent(s.at())));
  }

  /** The status built from the latest readings: empty before the first. */
  Optional<DeviceStatus> buildStatus() {
    List<Snap> list = snaps;
    if (list.isEmpty()) {
      return Optional.empty();
    }
    Instant latest = Instant.MIN;
    List<OutletStatus> outlets = new ArrayList<>(list.size());
    for (Snap s : list) {
      if (s.at().isAfter(latest)) {
        latest = s.at();
      }
      outlets.add(Freshness.effective(s.reported(), isCurrent(s.at())));
    }
    return Optional.of(new DeviceStatus(latest, Optional.empty(), outlets, Optional.empty()));
  }

  /**
   * The status once the controller's outlets are known: at once when no new outlet has appeared for
   * {@link #SETTLE_OUTLETS} (or the device has settled before); otherwise when that happens, and at
   * the latest at the command timeout with what has reported by then. Fails with {@link
   * DeviceTimeoutException} when nothing at all reported within the command timeout.
   */
  CompletionStage<DeviceStatus> refresh() {
    CompletableFuture<DeviceStatus> f = new CompletableFuture<>();
    onExecutor(
        () -> {
          long deadline = System.nanoTime() + options.commandTimeout().toNanos();
          checkSettled(f, deadline);
        },
        f);
    return f;
  }

  /** How long without a new outlet before the outlets count as known. */
  static final Duration SETTLE_OUTLETS = Duration.ofMillis(1200);

  private void checkSettled(CompletableFuture<DeviceStatus> f, long deadline) {
    if (f.isDone()) {
      return;
    }
    if (closed.get()) {
      f.completeExceptionally(
          new DeviceClosedException("the device is closed", device, null, null, null));
      return;
    }
    Optional<DeviceStatus> now = buildStatus();
    long t = System.nanoTime();
    boolean quiet = lastAddedNanos != 0 && t - lastAddedNanos >= SETTLE_OUTLETS.toNanos();
    if (now.isPresent() && (settled || quiet)) {
      settled = true;
      f.complete(now.get());
      return;
    }
    if (t - deadline >= 0) {
      if (now.isPresent()) {
        f.complete(now.get());
      } else {
        f.completeExceptionally(
            new DeviceTimeoutException(
                "no reading from controller "
                    + settings.controller()
                    + " within "
                    + Durations.format(options.commandTimeout()),
                device,
                null,
                null,
                null));
      }
      return;
    }
    executor.schedule(() -> checkSettled(f, deadline), 50, TimeUnit.MILLISECONDS);
  }

  // ---------------------------------------------------------------- switching

  /** Switches one outlet; see {@link EnisticDevice} for when the stage completes. */
  CompletionStage<OutletStatus> switchOutlet(int number, OutletState wanted) {
    CompletableFuture<OutletStatus> f = new CompletableFuture<>();
    if (wanted != OutletState.ON && wanted != OutletState.OFF) {
      f.completeExceptionally(notOnOrOff(wanted));
      return f;
    }
    onExecutor(() -> startSwitch(number, wanted, f), f);
    return f;
  }

  private void startSwitch(int number, OutletState wanted, CompletableFuture<OutletStatus> f) {
    if (closed.get()) {
      f.completeExceptionally(
          new DeviceClosedException("the device is closed", device, null, null, null));
      return;
    }
    if (number < 1 || number > byNumber.size()) {
      f.completeExceptionally(
          new InvalidArgumentException(
              "no outlet " + number + " (known outlets: 1.." + byNumber.size() + ")",
              device,
              null,
              null,
              null));
      return;
    }
    Entry e = byNumber.get(number - 1);
    if (!e.socket) {
      f.completeExceptionally(
          new UnsupportedCapabilityException(
              "outlet " + number + " (" + e.id() + ") is a meter channel and cannot be switched",
              device,
              null,
              null,
              null));
      return;
    }
    if (!link.isOpen()) {
      f.completeExceptionally(
          new LinkLostException("the link is down: cannot send", device, null, null, null));
      return;
    }
    String serialKey = EnisticCodec.key(e.serial);
    Pending existing = pending.get(serialKey);
    if (existing != null) {
      if (existing.wanted == wanted) {
        existing.future.whenComplete(
            (v, t) -> {
              if (t != null) {
                f.completeExceptionally(t);
              } else {
                f.complete(v);
              }
            });
        return;
      }
      existing.fail(
          new StateNotConfirmedException(
              "superseded by a command to switch it " + wanted,
              device,
              existing.command,
              null,
              null));
    }
    String controller = controllerAsRead != null ? controllerAsRead : settings.controller();
    String command =
        EnisticCodec.command(controller, e.serial, wanted == OutletState.ON, settings.inverted());
    Pending p = new Pending(serialKey, e.number, wanted, command, f);
    pending.put(serialKey, p);
    p.start();
  }

  /** Switches every known socket; completes with the status once every one is confirmed. */
  CompletionStage<DeviceStatus> switchAll(OutletState wanted) {
    CompletableFuture<DeviceStatus> f = new CompletableFuture<>();
    if (wanted != OutletState.ON && wanted != OutletState.OFF) {
      // checked here too: with no socket known yet, nothing below would look at it
      f.completeExceptionally(notOnOrOff(wanted));
      return f;
    }
    onExecutor(
        () -> {
          List<CompletableFuture<OutletStatus>> all = new ArrayList<>();
          for (Entry e : byNumber) {
            if (e.socket) {
              all.add(switchOutlet(e.number, wanted).toCompletableFuture());
            }
          }
          CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
              .whenComplete(
                  (v, t) -> {
                    if (t != null) {
                      f.completeExceptionally(unwrap(t));
                    } else {
                      f.complete(
                          buildStatus()
                              .orElseGet(
                                  () ->
                                      new DeviceStatus(
                                          clock.instant(),
                                          Optional.empty(),
                                          List.of(),
                                          Optional.empty())));
                    }
                  });
        },
        f);
    return f;
  }

  private InvalidArgumentException notOnOrOff(OutletState wanted) {
    return new InvalidArgumentException(
        "cannot switch an outlet to " + wanted + "; use ON or OFF", device, null, null, null);
  }

  /** Where commands go now: {@code send=}, else the controller's last source, else broadcast. */
  InetSocketAddress commandTarget() {
    if (settings.send().isPresent()) {
      return settings.send().get();
    }
    return new InetSocketAddress(
        lastSource != null ? lastSource : BROADCAST, settings.commandPort());
  }

  /** One switch command waiting for its confirming reading. */
  private final class Pending {
    final String serialKey;
    final int number;
    final OutletState wanted;
    final String command;
    final CompletableFuture<OutletStatus> future;
    final Backoff backoff = new Backoff(RETRANSMIT_INITIAL, RETRANSMIT_MAX);
    long firstSent;
    int sends;
    int readingsAfter;
    int oppositeEvidence;
    ScheduledFuture<?> retransmit;
    ScheduledFuture<?> deadline;

    Pending(
        String serialKey,
        int number,
        OutletState wanted,
        String command,
        CompletableFuture<OutletStatus> future) {
      this.serialKey = serialKey;
      this.number = number;
      this.wanted = wanted;
      this.command = command;
      this.future = future;
    }

    void start() {
      firstSent = System.nanoTime();
      deadline =
          executor.schedule(
              this::onDeadline, options.commandTimeout().toNanos(), TimeUnit.NANOSECONDS);
      send();
    }

    void send() {
      if (future.isDone()) {
        return;
      }
      if (!link.isOpen()) {
        fail(new LinkLostException("the link is down", device, command, null, null));
        return;
      }
      sends++;
      counters.commandsSent.incrementAndGet();
      InetSocketAddress to = commandTarget();
      LOG.debug("{}: sending {} to {} (attempt {})", device, command, to, sends);
      link.send(new Datagram(to, command.getBytes(StandardCharsets.US_ASCII)))
          .whenComplete(
              (v, t) -> {
                if (t != null) {
                  LOG.debug("{}: sending {} failed: {}", device, command, unwrap(t).toString());
                }
              });
      Duration next = backoff.next();
      retransmit = executor.schedule(this::send, next.toNanos(), TimeUnit.NANOSECONDS);
    }

    void onReading(OutletState shown, Entry e) {
      if (future.isDone()) {
        return;
      }
      readingsAfter++;
      if (shown == wanted) {
        finish();
        future.complete(Freshness.effective(e.reported, true));
        return;
      }
      if (shown != OutletState.UNKNOWN
          && sends >= 2
          && System.nanoTime() - firstSent >= SETTLE.toNanos()) {
        oppositeEvidence++;
      }
    }

    void onDeadline() {
      if (future.isDone()) {
        return;
      }
      String limit = Durations.format(options.commandTimeout());
      if (oppositeEvidence >= 2) {
        fail(
            new StateNotConfirmedException(
                "outlet "
                    + number
                    + " still reads "
                    + (wanted == OutletState.ON ? OutletState.OFF : OutletState.ON)
                    + " after "
                    + sends
                    + " commands in "
                    + limit
                    + ": the controller may use the inverted polarity (try polarity="
                    + (settings.inverted() ? "normal" : "inverted")
                    + "), or the commands do not reach it (sent to "
                    + commandTarget()
                    + ")",
                device,
                command,
                oppositeEvidence + " readings showing the opposite state",
                null));
      } else {
        fail(
            new DeviceTimeoutException(
                "no reading confirmed outlet "
                    + number
                    + " "
                    + wanted
                    + " within "
                    + limit
                    + " ("
                    + sends
                    + " commands sent, "
                    + readingsAfter
                    + " readings of it since)",
                device,
                command,
                null,
                null));
      }
    }

    void fail(PowerDeviceException ex) {
      finish();
      future.completeExceptionally(ex);
    }

    private void finish() {
      if (pending.get(serialKey) == this) {
        pending.remove(serialKey);
      }
      if (retransmit != null) {
        retransmit.cancel(false);
      }
      if (deadline != null) {
        deadline.cancel(false);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private void setState(ConnectionState next, Optional<String> reason) {
    ConnectionState previous = state;
    if (previous == next || previous == ConnectionState.CLOSED) {
      return;
    }
    state = next;
    listeners.dispatch(new DeviceEvent.Connection(device, clock.instant(), previous, next, reason));
  }

  private void onExecutor(Runnable task, CompletableFuture<?> orFail) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      orFail.completeExceptionally(
          new DeviceClosedException("the device's executor is shut down", device, null, null, e));
    }
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static InetAddress broadcast() {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) 255, (byte) 255, (byte) 255, (byte) 255});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The device users hold. */
  public EnisticDevice facade() {
    return facade;
  }
}
