package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.Durations;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.DeviceSink;
import io.pdu4j.spi.support.Watch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An IsoTek unit's statuses, pushed or asked for, on their way to pdu4j's device: the first status
 * of the device waits for {@code C?} so the device opens with the unit's outlet names; another
 * outlet count is taken as another unit; and the unit is asked with {@code ?} when its pushes stop
 * (or, over a link that cannot carry them, until a connection's first status came). The last status
 * taken is what exchanges confirm against ({@link ReplyContext#lastStatus()}). Device thread only.
 */
final class IsoTekStatuses {
  private static final Logger LOG = LoggerFactory.getLogger(IsoTekSession.class);

  /** How often a silent unit is asked for its status while the silence lasts. */
  static final Duration SILENCE_ASK_EVERY = IsoTekSession.PUSH_SILENCE.dividedBy(2);

  private final IsoTekSession session;
  private final String device;
  private final IsoTekOutletTable table;

  private DeviceSink sink;
  private long lastBlockSeq = -1;
  private IsoTekStatusAssembler.Dropped lastDropped;
  private DeviceStatus lastStatus; // the last status taken, named as the unit's settings say
  private int outletCount; // the unit's, 0 until its first status
  private boolean shapeLearnt; // a usable status was taken on this connection
  // read by send on a switching caller's thread too (opening())
  private volatile boolean reported; // a status was reported: the device opened
  private boolean reportedHere; // a status was reported on this connection
  private boolean holdReports; // the first status waits for C?
  private boolean firstRefreshDue; // pdu4j's refresh after the link came up is next
  private boolean stopped;
  private volatile CompletableFuture<DeviceStatus>
      firstStatus; // completes at this connection's first
  private boolean watchingSilence; // pushes are expected: their silence is watched
  private final Watch silenceWatch; // the silence watch's one deadline, armed while set
  private ScheduledFuture<?> openPoll; // asks again while a link without pushes gave no status

  IsoTekStatuses(IsoTekSession session, IsoTekOutletTable table) {
    this.session = session;
    this.device = session.device();
    this.table = table;
    this.silenceWatch = new Watch(session.executor(), this::silenceWatchFired);
  }

  void start(DeviceSink sink) {
    this.sink = sink;
    if (session.options().pollInterval().isEmpty() && session.link().carriesUnsolicited()) {
      // pushes are expected: watch for them to stop, and ask while they do
      watchingSilence = true;
      armSilenceWatch(IsoTekSession.PUSH_SILENCE.toNanos());
    }
  }

  void linkUp() {
    shapeLearnt = false; // another unit may answer at this address now
    reportedHere = false;
    firstStatus = new CompletableFuture<>();
    firstRefreshDue = true;
    Optional<Duration> every =
        session
            .options()
            .pollInterval()
            .or(
                () ->
                    session.link().carriesUnsolicited()
                        ? Optional.empty()
                        : Optional.of(IsoTekSession.DEFAULT_POLL));
    if (every.isPresent()) {
      // the unit cannot push here: keep asking until a status comes (a busy gateway, a lost ?),
      // as pdu4j's polling does once the device is open
      CompletableFuture<DeviceStatus> first = firstStatus;
      long nanos = every.get().toNanos();
      cancel(openPoll);
      AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
      openPoll =
          session
              .executor()
              .scheduleAtFixedRate(
                  () -> {
                    if (first.isDone() || first != firstStatus) {
                      cancel(self.get());
                    } else if (session.link().isOpen() && session.idle()) {
                      askQuietly();
                    }
                  },
                  nanos,
                  nanos,
                  TimeUnit.NANOSECONDS);
      self.set(openPoll);
    }
  }

  void linkDown() {
    cancel(openPoll);
    firstRefreshDue = false;
    firstStatus = null; // pdu4j tells the link's loss itself
  }

  /** Nothing is reported any more, nothing asked (the device is closing). */
  void stop() {
    stopped = true;
    silenceWatch.disarm();
    cancel(openPoll);
  }

  /** The device closed: an open still waiting for its first status fails. */
  void closed() {
    if (firstStatus != null) {
      firstStatus.completeExceptionally(
          new DeviceClosedException("closed while opening", device, null, null, null));
    }
  }

  /** The first status of this connection while the device has never opened, else null. */
  CompletableFuture<DeviceStatus> opening() {
    return reported ? null : firstStatus;
  }

  int outletCount() {
    return outletCount;
  }

  long lastBlockSeq() {
    return lastBlockSeq;
  }

  Optional<DeviceStatus> lastStatus() {
    return Optional.ofNullable(lastStatus);
  }

  Optional<IsoTekStatusAssembler.Dropped> lastDropped() {
    return Optional.ofNullable(lastDropped);
  }

  /**
   * pdu4j's refresh: after the link came up, the connection's first status, pushed or asked for,
   * whatever the {@code ?} gets (a unit keeps pushing while it refuses or misses a {@code ?}, and
   * the ready timeout bounds the wait); after a reconnect {@code C?} is read again too, as the
   * settings may have changed meanwhile. Otherwise a plain {@code ?}.
   */
  CompletionStage<DeviceStatus> refresh() {
    if (!firstRefreshDue) {
      return session.submit(new StatusExchange(session.replyContext()));
    }
    firstRefreshDue = false;
    // the connection's first status; once it came (report lets go of the future), the newest
    CompletableFuture<DeviceStatus> first =
        firstStatus != null ? firstStatus : CompletableFuture.completedFuture(lastStatus);
    askQuietly();
    if (reported) {
      readSettingsQuietly("re-reading C? after reconnecting failed");
      readIdentityQuietly();
    }
    return first;
  }

  /** A status block ended, whole or dropped. */
  void onBlockEnded(IsoTekStatusAssembler.Result result) {
    if (result instanceof IsoTekStatusAssembler.Dropped d) {
      lastDropped = d;
      session.lines().dropped(d);
      sink.connecting("no usable status yet, the last was unusable: " + d.reason());
      return;
    }
    IsoTekStatusAssembler.Block block = (IsoTekStatusAssembler.Block) result;
    if (block.outletCount() != outletCount) {
      relearn(block.outletCount());
    }
    shapeLearnt = true;
    DeviceStatus status = table.toStatus(block, session.clock().instant());
    lastBlockSeq = block.startSeq();
    lastStatus = status;
    if (watchingSilence && !silenceWatch.armed() && !stopped) {
      armSilenceWatch(IsoTekSession.PUSH_SILENCE.toNanos()); // the first status since it lapsed
    }
    session.lines().taken();
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
            })
        .handle((list, t) -> readIdentity())
        .thenCompose(identity -> identity)
        .whenComplete(
            (identity, t) -> {
              if (t != null) {
                LOG.info(
                    "{}: the unit's serial number and MAC (A?) could not be read: {}",
                    device,
                    PowerDeviceException.unwrap(t).getMessage());
              }
              holdReports = false;
              report(lastStatus);
            });
  }

  /**
   * Sends {@code A?}; its {@code A=} answer gives the device's serial number and MAC, reported as
   * the device's info. A unit that answers no {@code A=} line keeps an info without them.
   */
  CompletableFuture<List<IsoTekFrame.Address>> readIdentity() {
    return session
        .submit(
            new ListExchange<>(
                session.replyContext(),
                IsoTekCommands.READ_ADDRESS,
                "address-read",
                IsoTekFrame.Address.class,
                'A'))
        .whenComplete(
            (list, t) -> {
              if (t == null && !stopped) {
                session.identity(list.isEmpty() ? Optional.empty() : Optional.of(list.get(0)));
                sink.info(session.info(outletCount));
              }
            });
  }

  private void readIdentityQuietly() {
    readIdentity()
        .whenComplete(
            (list, t) -> {
              if (t != null) {
                LOG.info(
                    "{}: the unit's serial number and MAC (A?) could not be read: {}",
                    device,
                    PowerDeviceException.unwrap(t).getMessage());
              }
            });
  }

  private void report(DeviceStatus status) {
    if (holdReports || stopped || status == null) {
      return;
    }
    if (!reported) { // a volatile write is a fence: once, not a status
      reported = true;
    }
    reportedHere = true;
    sink.status(status);
    if (firstStatus != null) {
      firstStatus.complete(status);
      // let go of it: a completed future holds its status, the connection's first, for as long
      // as the connection lasts (a status and its outlets for each device of a fleet)
      firstStatus = null;
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
    if (known != 0) {
      session.identity(Optional.empty()); // another unit: its own A? says who it is
    }
    sink.info(session.info(count));
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
      readIdentityQuietly();
    }
  }

  /** Sends {@code C?}; at its OK the outlets' names and types are updated everywhere. */
  CompletableFuture<List<IsoTekFrame.OutletSetting>> readSettings() {
    return session
        .submit(
            new ListExchange<>(
                session.replyContext(),
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

  /**
   * The silence watch: one deadline at a time ({@link Watch}: no timer of the executor's per
   * device), set for the moment the last status would be {@link IsoTekSession#PUSH_SILENCE} old,
   * not a check every second (a fleet's devices would wake the I/O threads once a second each for
   * it). A status that came meanwhile moves the deadline when the timer fires, rather than
   * re-arming it on every push. Past the deadline the unit is asked, and asked again every {@link
   * #SILENCE_ASK_EVERY} while the silence lasts.
   */
  private void armSilenceWatch(long delayNanos) {
    silenceWatch.arm(delayNanos); // on the grid of every device's watches, one timer a loop
  }

  private void silenceWatchFired() {
    DeviceStatus last = lastStatus;
    if (stopped || last == null) {
      return; // the first status sets the watch again
    }
    long silence = IsoTekSession.PUSH_SILENCE.toNanos();
    try {
      Instant now = session.clock().instant();
      if (!last.isOlderThan(IsoTekSession.PUSH_SILENCE, now)) {
        // silent once older than PUSH_SILENCE: a nanosecond past it (at most PUSH_SILENCE away,
        // should the wall clock have gone back)
        long left = silence - Math.max(0, Durations.nanosBetween(last.receivedAt(), now)) + 1;
        armSilenceWatch(Math.min(left, silence));
        return;
      }
      if (session.link().isOpen() && session.idle()) {
        askQuietly();
      }
    } catch (RuntimeException e) {
      LOG.warn("{}: poll failed", device, e);
    }
    armSilenceWatch(SILENCE_ASK_EVERY.toNanos());
  }

  private void askQuietly() {
    session
        .submit(new StatusExchange(session.replyContext()))
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

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
