package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceListener;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.OutletType;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.Scheduler;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.api.Subscription;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.Durations;
import io.pdu4j.spi.Freshness;
import io.pdu4j.spi.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An IsoTek SMART Power unit (8 or 16 outlets) as a {@link PowerDevice}.
 *
 * <p>Completion of the I/O methods, all run one at a time through the session's command queue:
 *
 * <ul>
 *   <li>{@link #refresh()} sends {@code ?} and completes at its {@code OK} with the status block
 *       that began after {@code ?} was sent.
 *   <li>{@link IsoTekOutlet#switchOn()}/{@code switchOff()} send {@code Sx=1}/{@code Sx=0}; at the
 *       unit's {@code OK} they send {@code ?} and complete with the outlet's status from the first
 *       status block that began after that {@code OK} (reply or push), once the {@code ?} has been
 *       answered too; if that status shows the other state they fail with {@link
 *       StateNotConfirmedException}.
 *   <li>{@link #switchAll(OutletState)} sends {@code H}/{@code G} and completes the same way with
 *       the whole status, whatever it shows (an outlet the unit keeps locked stays as it was).
 *   <li>Switching or cycling an outlet that {@code C?} reported as locked fails at once with {@link
 *       UnsupportedCapabilityException}, nothing sent.
 *   <li>{@code cycle} is one queued command ({@link CycleExchange}): off, wait, on, each confirmed.
 *   <li>{@code configure} sends {@code Cx=} and completes when {@code C?} reads it back; {@link
 *       #restart()} completes at the {@code OK} of {@code X}; the scheduler verifies every write by
 *       reading {@code P?} back.
 * </ul>
 *
 * <p>Outlets read UNKNOWN (with no readings) before the first status, while the link is down and
 * once the last status is older than the stale limit; {@link #lastStatus()} is the last report
 * whatever its age.
 */
public final class IsoTekDevice implements PowerDevice {
  private final IsoTekSession session;
  private final Set<DeviceCapability> capabilities;
  private final IsoTekClock clock;
  private final IsoTekScheduler scheduler;
  private volatile List<Outlet> outlets = List.of();

  IsoTekDevice(IsoTekSession session, boolean pushes) {
    this.session = session;
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
    if (pushes) {
      // over a request/reply tunnel the unit's pushes never arrive
      caps.add(DeviceCapability.STATUS_PUSH);
    }
    this.capabilities = Set.copyOf(caps);
    this.clock = new IsoTekClock(this, session);
    this.scheduler = new IsoTekScheduler(this, session);
  }

  String outletName(int number) {
    return session.outletName(number);
  }

  Set<io.pdu4j.api.OutletCapability> outletCapabilities(int number) {
    return session.outletCapabilities(number);
  }

  int outletCount() {
    return outlets.size();
  }

  /**
   * Called on the device's thread with the outlet count of the first status, and again when another
   * unit with another count answers at the address; outlets that stay keep their objects.
   */
  void outletsKnown(int count) {
    List<Outlet> before = outlets;
    List<Outlet> list = new ArrayList<>(count);
    for (int n = 1; n <= count; n++) {
      list.add(n <= before.size() ? before.get(n - 1) : new IsoTekOutlet(this, n));
    }
    outlets = List.copyOf(list);
  }

  @Override
  public DeviceInfo info() {
    int n = outlets.size();
    return new DeviceInfo(
        "isotek",
        "IsoTek",
        n == 0 ? "SMART Power" : "SMART Power " + n,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        session.device());
  }

  @Override
  public Set<DeviceCapability> capabilities() {
    return capabilities;
  }

  @Override
  public List<Outlet> outlets() {
    return outlets;
  }

  @Override
  public Outlet outlet(int number) {
    List<Outlet> list = outlets;
    if (number < 1 || number > list.size()) {
      throw new InvalidArgumentException(
          session.device()
              + " has no outlet "
              + number
              + (list.isEmpty()
                  ? " (its outlets are not known yet)"
                  : "; its outlets are 1.." + list.size()));
    }
    return list.get(number - 1);
  }

  @Override
  public CompletionStage<DeviceStatus> refresh() {
    return session.submit(new StatusExchange(session.replyContext()));
  }

  @Override
  public Optional<DeviceStatus> lastStatus() {
    return session.lastStatus();
  }

  @Override
  public CompletionStage<DeviceStatus> switchAll(OutletState state) {
    String command;
    try {
      command = IsoTekCommands.switchAll(state);
    } catch (PowerDeviceException e) {
      return CompletableFuture.failedFuture(e);
    }
    return session.submit(
        new ConfirmedExchange<DeviceStatus>(
            session.replyContext(), command, "switch-all", Outcome::done));
  }

  /** Switches one outlet; see the class comment for when it completes. */
  CompletionStage<OutletStatus> switchOutlet(int number, OutletState state) {
    String command;
    try {
      command = IsoTekCommands.switchOutlet(number, state);
      requireUnlocked(number, "switch");
    } catch (PowerDeviceException e) {
      return CompletableFuture.failedFuture(e);
    }
    String sent = command.strip() + ", then ?";
    return session.submit(
        new ConfirmedExchange<OutletStatus>(
            session.replyContext(),
            command,
            "switch",
            status -> confirmOutlet(status, number, state, sent)));
  }

  /**
   * Fails fast for a locked outlet (type 3 in {@code C?}): the unit acknowledges and ignores the
   * command, so sending it could only end in a confusing {@link StateNotConfirmedException}.
   */
  private void requireUnlocked(int number, String what) {
    Optional<OutletConfig> config = session.config(number);
    if (config.isPresent() && config.get().type() == OutletType.LOCKED) {
      throw new UnsupportedCapabilityException(
          "cannot "
              + what
              + " outlet "
              + number
              + " \""
              + session.outletName(number)
              + "\": it is locked (type 3); the unit ignores switching it, nothing was sent",
          session.device(),
          null,
          null,
          null);
    }
  }

  /**
   * Cycles one outlet as one queued command ({@link CycleExchange}): nothing else is sent between
   * its off and its on. A null off time means the outlet's reset delay from {@code C?} (router and
   * normal outlets alike), or 0 when the unit did not answer {@code C?}.
   */
  CompletionStage<OutletStatus> cycle(int number, Duration offTime) {
    Duration off;
    try {
      IsoTekCommands.switchOutlet(number, OutletState.OFF);
      requireUnlocked(number, "cycle");
      off =
          offTime != null
              ? offTime
              : session.config(number).map(OutletConfig::resetDelay).orElse(Duration.ZERO);
      if (off.isNegative()) {
        throw new InvalidArgumentException("off time must not be negative, got " + offTime);
      }
    } catch (PowerDeviceException e) {
      return CompletableFuture.failedFuture(e);
    }
    String sent = "S" + number + "=0/1 with a wait of " + Durations.format(off);
    CycleExchange exchange =
        new CycleExchange(
            session.replyContext(),
            session.executor(),
            number,
            off,
            session.options().commandTimeout(),
            status -> confirmOutlet(status, number, OutletState.OFF, sent),
            status -> confirmOutlet(status, number, OutletState.ON, sent));
    CompletableFuture<OutletStatus> result = session.submit(exchange);
    result.whenComplete((s, t) -> exchange.finished());
    return result;
  }

  /** Reads {@code C?}; completes with outlet {@code number}'s settings. */
  CompletionStage<OutletConfig> readConfig(int number) {
    CompletableFuture<OutletConfig> result = new CompletableFuture<>();
    session
        .readConfig()
        .whenComplete(
            (list, t) -> {
              if (t != null) {
                result.completeExceptionally(unwrap(t));
              } else {
                Optional<OutletConfig> c = session.config(number);
                if (c.isPresent()) {
                  result.complete(c.get());
                } else {
                  result.completeExceptionally(
                      new ProtocolException(
                          "the answer to C? has no line for outlet " + number,
                          session.device(),
                          "C?",
                          "OK",
                          null));
                }
              }
            });
    return result;
  }

  /**
   * Writes {@code Cx=}, then reads {@code C?} back; completes when the unit reads back what was
   * written, else fails with {@link StateNotConfirmedException}.
   */
  CompletionStage<Void> configure(int number, OutletConfig config) {
    String command;
    try {
      if (config == null) {
        throw new InvalidArgumentException("outlet settings are required");
      }
      outlet(number);
      command = IsoTekCommands.configure(number, config);
    } catch (PowerDeviceException e) {
      return CompletableFuture.failedFuture(e);
    }
    OutletConfig wanted =
        new OutletConfig(config.name().stripTrailing(), config.type(), config.resetDelay());
    CompletableFuture<Void> result = new CompletableFuture<>();
    session
        .submit(new AckExchange(session.replyContext(), command, "config-write"))
        .whenComplete(
            (v, t) -> {
              if (t != null) {
                result.completeExceptionally(unwrap(t));
                return;
              }
              readConfig(number)
                  .whenComplete(
                      (read, t2) -> {
                        if (t2 != null) {
                          result.completeExceptionally(unwrap(t2));
                        } else if (!read.equals(wanted)) {
                          result.completeExceptionally(
                              new StateNotConfirmedException(
                                  "the unit accepted the settings but reads back " + read,
                                  session.device(),
                                  IsoTekReplies.describe(command),
                                  "C" + number + " " + read,
                                  null));
                        } else {
                          result.complete(null);
                        }
                      });
            });
    return result;
  }

  static Throwable unwrap(Throwable t) {
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null
        ? t.getCause()
        : t;
  }

  private Outcome<OutletStatus> confirmOutlet(
      DeviceStatus status, int number, OutletState wanted, String sent) {
    Optional<OutletStatus> outlet = status.outlet(number);
    if (outlet.isEmpty()) {
      return Outcome.fail(
          new ProtocolException(
              "the status after the command has no outlet " + number,
              session.device(),
              sent,
              null,
              null));
    }
    if (outlet.get().state() != wanted) {
      return Outcome.fail(
          new StateNotConfirmedException(
              "the device accepted the command but then reported outlet "
                  + number
                  + " "
                  + outlet.get().state(),
              session.device(),
              sent,
              "CH" + number + " " + outlet.get().state(),
              null));
    }
    return Outcome.done(outlet.get());
  }

  /** The outlet as it reads now: reported, or UNKNOWN when there is no current report. */
  OutletStatus outletStatus(int number) {
    boolean current = session.statusIsCurrent();
    Optional<OutletStatus> reported = session.lastStatus().flatMap(s -> s.outlet(number));
    OutletStatus template =
        reported.orElseGet(
            () ->
                new OutletStatus(
                    number,
                    Integer.toString(number),
                    session.outletName(number),
                    OutletState.UNKNOWN,
                    java.util.OptionalDouble.empty(),
                    java.util.OptionalDouble.empty(),
                    session.outletCapabilities(number)));
    return Freshness.effective(template, current && reported.isPresent());
  }

  /**
   * Sends {@code X}; completes at the unit's {@code OK}. The unit then drops the link: the session
   * reports OFFLINE, reconnects with backoff, and reports CONNECTED again at the first status.
   */
  @Override
  public CompletionStage<Void> restart() {
    return session.submit(
        new AckExchange(session.replyContext(), IsoTekCommands.RESTART, "restart"));
  }

  @Override
  public Optional<Scheduler> scheduler() {
    return Optional.of(scheduler);
  }

  @Override
  public Optional<DeviceClock> clock() {
    return Optional.of(clock);
  }

  @Override
  public Subscription subscribe(DeviceListener listener) {
    return session.listeners().add(listener);
  }

  @Override
  public ConnectionState connectionState() {
    return session.connectionState();
  }

  /** Line, status and error counts for diagnostics and metrics. */
  public FrameCounters counters() {
    return session.counters();
  }

  @Override
  public void close() {
    session.close();
  }

  <T> CompletionStage<T> unsupported(String what) {
    return CompletableFuture.failedFuture(
        new UnsupportedCapabilityException(what, session.device(), null, null, null));
  }

  @Override
  public String toString() {
    return "IsoTekDevice[" + session.device() + ", " + connectionState() + "]";
  }
}
