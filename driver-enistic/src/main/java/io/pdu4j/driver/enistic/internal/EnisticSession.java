package io.pdu4j.driver.enistic.internal;

import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.Durations;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.DeviceSession;
import io.pdu4j.spi.DeviceSink;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.support.BurstLog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Enistic Smart Energy Controller: reads its datagrams, keeps its outlets ({@link OutletTable})
 * and switches its sockets ({@link PendingSwitches}); pdu4j builds the device around it.
 *
 * <ul>
 *   <li>The device is ready as soon as the link listens: outlets appear as readings arrive, and
 *       every reading is reported as a status.
 *   <li>{@link #refresh()} cannot ask the controller anything: it completes with the status built
 *       from the latest readings once the outlets are known (no new one for 1.2 s, once per
 *       device), at the latest at the command timeout; with no reading at all by then it fails with
 *       {@link DeviceTimeoutException}.
 *   <li>Switching sends {@code controller,event,socket;} and completes when a reading shows the
 *       socket in the wanted state, retransmitting with backoff until the command timeout.
 * </ul>
 *
 * <p>Called on the device's thread only, as {@link DeviceSession} says; {@link #counters()} may be
 * read from any thread.
 */
public final class EnisticSession implements DeviceSession {
  private static final Logger LOG = LoggerFactory.getLogger(EnisticSession.class);

  /** How long without a new outlet before the outlets count as known. */
  static final Duration SETTLE_OUTLETS = Duration.ofMillis(1200);

  private static final Set<DeviceCapability> CAPABILITIES =
      Set.of(
          DeviceCapability.STATUS,
          DeviceCapability.SWITCH,
          DeviceCapability.SWITCH_ALL,
          DeviceCapability.OUTLET_METERING,
          DeviceCapability.STATUS_PUSH);

  private static final InetAddress BROADCAST = broadcast();

  private final String device;
  private final Link link;
  private final DeviceOptions options;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final EnisticSettings settings;
  private final EnisticCounters counters = new EnisticCounters();
  private final BurstLog badInputLog = new BurstLog(LOG);
  private final BurstLog refusedLog = new BurstLog(LOG);
  private final BurstLog overLimitLog = new BurstLog(LOG);
  private final PendingSwitches switches;
  private final OutletTable outlets;

  private DeviceSink sink;
  private boolean up;
  private boolean closed;
  private boolean settled;
  private boolean reclassified;
  private InetAddress lastSource;
  private String controllerAsRead;
  private ScheduledFuture<?> staleTimer;
  // the sender of the datagram being read, for its lines
  private InetSocketAddress peerNow;
  private final EnisticCodec.LineSink lineSink = this::onLine;
  // the line being read, filled again for every line: a reading makes no objects of its own
  private final EnisticCodec.Line line = new EnisticCodec.Line();

  /** A session for the device in {@code context}; does no I/O. */
  public EnisticSession(DriverContext context, EnisticSettings settings) {
    this.device = context.address().toString();
    this.link = context.link();
    this.options = context.options();
    this.clock = context.clock();
    this.executor = context.executor();
    this.settings = settings;
    this.switches =
        new PendingSwitches(
            device,
            link,
            options.commandTimeout(),
            settings.inverted(),
            counters,
            this::commandTarget);
    this.outlets = new OutletTable(device, settings, options.staleAfter(), this::becameMeter);
  }

  /** Counts of what arrived and was sent. */
  public EnisticCounters counters() {
    return counters;
  }

  @Override
  public DeviceInfo describe() {
    return new DeviceInfo(
        "enistic",
        "Enistic",
        "Smart Energy Controller",
        Optional.of(settings.controller()),
        Optional.empty(),
        Optional.empty(),
        device);
  }

  @Override
  public Set<DeviceCapability> capabilities() {
    return CAPABILITIES;
  }

  @Override
  public void start(DeviceSink sink) {
    this.sink = sink;
    long every = Math.max(50, Math.min(1000, options.staleAfter().toMillis() / 4));
    staleTimer =
        executor.scheduleWithFixedDelay(this::sweepStale, every, every, TimeUnit.MILLISECONDS);
  }

  /** Ready at once: the status is what was heard so far (nothing, the first time). */
  @Override
  public void linkUp() {
    up = true;
    LOG.debug("{}: listening on {}", device, link.describe());
    sink.status(outlets.status(clock.instant()));
  }

  @Override
  public void linkDown(PowerDeviceException cause) {
    up = false;
    String reason = cause == null ? "link down" : cause.getMessage();
    switches.failAll(new LinkLostException(reason, device, null, null, cause));
  }

  @Override
  public void shutdown() {
    closed = true;
    up = false;
    if (staleTimer != null) {
      staleTimer.cancel(false);
    }
    switches.failAll(new DeviceClosedException("the device was closed", device, null, null, null));
  }

  // ---------------------------------------------------------------- readings

  @Override
  public void onDatagram(Datagram datagram) {
    if (closed) {
      return;
    }
    InetSocketAddress peer = datagram.peer();
    if (!settings.allow().isEmpty() && !settings.allow().contains(peer.getAddress())) {
      EnisticCounters.count(counters.refusedSource);
      sink.readingFromRefusedSource();
      refusedLog.log("{}: ignored a datagram from {} (not in allow=)", device, peer);
      return;
    }
    peerNow = peer;
    if (EnisticCodec.lines(datagram.payload(), lineSink)) {
      // the rest of a datagram of too many lines, however short: one over-long frame
      skipOverlong(peer, "more than " + EnisticCodec.MAX_LINES + " lines in one datagram");
    }
  }

  private void onLine(byte[] data, int from, int to) {
    InetSocketAddress peer = peerNow;
    boolean isReading;
    try {
      isReading = line.parse(data, from, to);
    } catch (ProtocolException e) {
      if (to - from > EnisticCodec.MAX_LINE) {
        skipOverlong(peer, e.getMessage());
      } else {
        EnisticCounters.count(counters.malformed);
        sink.malformedFrame();
        badInputLog.log("{}: from {}: {}", device, peer, e.getMessage());
      }
      return;
    }
    if (!isReading) {
      EnisticCounters.count(counters.otherEvents);
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "{}: event ignored: {}",
            device,
            new String(data, from, to - from, StandardCharsets.ISO_8859_1));
      }
      return;
    }
    if (!line.controllerIs(settings.controller())) {
      EnisticCounters.count(counters.foreign);
      if (LOG.isTraceEnabled()) {
        LOG.trace("{}: reading of controller {} ignored", device, line.controller());
      }
      return;
    }
    onReading(line, peer);
  }

  private void skipOverlong(InetSocketAddress peer, String why) {
    EnisticCounters.count(counters.overlong);
    sink.overlongFrame();
    badInputLog.log("{}: from {}: {}", device, peer, why);
  }

  private void onReading(EnisticCodec.Line r, InetSocketAddress peer) {
    Instant now = clock.instant();
    reclassified = false;
    OutletTable.Entry e = outlets.take(r, now);
    if (e == null) {
      refuseOverLimit(r, peer);
      if (reclassified) {
        sink.status(outlets.status(now)); // a known socket is a meter after all
      }
      return;
    }
    EnisticCounters.count(counters.readings);
    lastSource = peer.getAddress();
    if (controllerAsRead == null || !r.controllerReadsAs(controllerAsRead)) {
      controllerAsRead = r.controller();
    }
    sink.status(outlets.status(now));
    if (e.socket) {
      switches.onReading(e, r.socketState());
    }
  }

  private void becameMeter(OutletTable.Entry outlet) {
    reclassified = true;
    switches.becameMeter(outlet);
  }

  /**
   * A reading that would add an outlet beyond {@code max-outlets}: dropped, counted, logged once
   * per burst. Known outlets are never evicted to make room, so a socket the user switched stays.
   */
  private void refuseOverLimit(EnisticCodec.Line r, InetSocketAddress peer) {
    EnisticCounters.count(counters.overLimit);
    sink.readingOverOutletLimit();
    overLimitLog.log(
        "{}: ignored a reading of {} channel {} from {}: {} outlets known, max-outlets={}"
            + " (list the controller's meters and sockets in meters=/sockets=, or raise"
            + " max-outlets)",
        device,
        r.meter(),
        r.channel(),
        peer,
        outlets.size(),
        settings.maxOutlets());
  }

  /** An outlet whose last reading went stale reads UNKNOWN: report the status that says so. */
  private void sweepStale() {
    Instant now = clock.instant();
    if (up && outlets.sweep(now)) {
      sink.status(outlets.status(now));
    }
  }

  // ---------------------------------------------------------------- commands

  /**
   * The status once the controller's outlets are known: at once when no new outlet has appeared for
   * {@link #SETTLE_OUTLETS} (or the device has settled before); otherwise when that happens, and at
   * the latest at the command timeout with what has reported by then. Fails with {@link
   * DeviceTimeoutException} when nothing at all reported within the command timeout.
   */
  @Override
  public CompletionStage<DeviceStatus> refresh() {
    CompletableFuture<DeviceStatus> f = new CompletableFuture<>();
    checkSettled(f, System.nanoTime() + options.commandTimeout().toNanos());
    return f;
  }

  private void checkSettled(CompletableFuture<DeviceStatus> f, long deadline) {
    if (f.isDone()) {
      return;
    }
    if (closed) {
      f.completeExceptionally(
          new DeviceClosedException("the device is closed", device, null, null, null));
      return;
    }
    boolean known = outlets.size() > 0;
    long t = System.nanoTime();
    long lastAdded = outlets.lastAddedNanos();
    boolean quiet = lastAdded != 0 && t - lastAdded >= SETTLE_OUTLETS.toNanos();
    if (known && (settled || quiet)) {
      settled = true;
      f.complete(outlets.status(clock.instant()));
      return;
    }
    if (t - deadline >= 0) {
      if (known) {
        f.complete(outlets.status(clock.instant()));
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

  /** Switches a socket; see {@link PendingSwitches} for when the stage completes. */
  @Override
  public CompletionStage<OutletStatus> switchOutlet(int number, OutletState wanted) {
    OutletTable.Entry e = outlets.outlet(number);
    if (e == null) {
      // pdu4j checked the number against the last status, which lists every outlet of the table
      throw new IllegalStateException("no outlet " + number + " in " + device + "'s table");
    }
    if (!e.socket) {
      throw new UnsupportedCapabilityException(
          "outlet " + number + " (" + e.id() + ") is a meter channel and cannot be switched",
          device,
          null,
          null,
          null);
    }
    if (!link.isOpen()) {
      throw new LinkLostException("the link is down: cannot send", device, null, null, null);
    }
    String controller = controllerAsRead != null ? controllerAsRead : settings.controller();
    return switches.switchSocket(e, wanted, controller);
  }

  /** Switches every known socket; completes with the status once every one is confirmed. */
  @Override
  public CompletionStage<DeviceStatus> switchAll(OutletState wanted) {
    List<CompletableFuture<OutletStatus>> all = new ArrayList<>();
    for (OutletTable.Entry e : outlets.all()) {
      if (e.socket) {
        CompletableFuture<OutletStatus> one;
        try {
          one = switchOutlet(e.number, wanted).toCompletableFuture();
        } catch (PowerDeviceException ex) {
          one = CompletableFuture.failedFuture(ex);
        }
        all.add(one);
      }
    }
    CompletableFuture<DeviceStatus> f = new CompletableFuture<>();
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .whenComplete(
            (v, t) -> {
              if (t != null) {
                f.completeExceptionally(t instanceof CompletionException c ? c.getCause() : t);
              } else {
                f.complete(outlets.status(clock.instant()));
              }
            });
    return f;
  }

  /** Where commands go now: {@code send=}, else the controller's last source, else broadcast. */
  private InetSocketAddress commandTarget() {
    if (settings.send().isPresent()) {
      return settings.send().get();
    }
    return new InetSocketAddress(
        lastSource != null ? lastSource : BROADCAST, settings.commandPort());
  }

  private static InetAddress broadcast() {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) 255, (byte) 255, (byte) 255, (byte) 255});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
