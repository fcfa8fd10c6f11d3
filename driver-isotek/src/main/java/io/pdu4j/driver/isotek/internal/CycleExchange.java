package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.spi.support.Exchange;
import io.pdu4j.spi.support.Outcome;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An outlet's power cycle as one command of the queue: {@code Sx=0} (confirmed as a {@link
 * ConfirmedExchange} does), the off time, then {@code Sx=1} (confirmed the same way).
 *
 * <p>Why one exchange: the queue sends nothing else while an exchange is in flight, so no other
 * command of this device can slip in between the off and the on, and the wait does not occupy a
 * thread (it is a timer on the device's executor). The {@code Sx=1} is written by the timer as a
 * follow-up, outside the queue. The exchange's timeout is the off time plus three command timeouts.
 * If it fails or is timed out during the wait, the timer does not send the {@code Sx=1}: the outlet
 * is then left off, and the failure says so.
 */
final class CycleExchange implements Exchange<IsoTekFrame, OutletStatus> {
  private enum Phase {
    OFF,
    WAITING,
    ON
  }

  private final ReplyContext ctx;
  private final ScheduledExecutorService executor;
  private final int outlet;
  private final Duration offTime;
  private final Duration timeout;
  private final Function<DeviceStatus, Outcome<OutletStatus>> confirmOn;
  private final ConfirmedExchange<OutletStatus> off;
  private ConfirmedExchange<OutletStatus> on;
  private Phase phase = Phase.OFF;
  // finished is set from whichever thread completes the stage; the timer reads it
  private volatile boolean finished;
  private boolean sendFailed;
  private volatile ScheduledFuture<?> timer;

  CycleExchange(
      ReplyContext ctx,
      ScheduledExecutorService executor,
      int outlet,
      Duration offTime,
      Duration commandTimeout,
      Function<DeviceStatus, Outcome<OutletStatus>> confirmOff,
      Function<DeviceStatus, Outcome<OutletStatus>> confirmOn) {
    this.ctx = ctx;
    this.executor = executor;
    this.outlet = outlet;
    this.offTime = offTime;
    this.timeout = offTime.plus(commandTimeout.multipliedBy(3));
    this.confirmOn = confirmOn;
    this.off =
        new ConfirmedExchange<>(
            ctx, IsoTekCommands.switchOutlet(outlet, OutletState.OFF), "cycle", confirmOff);
  }

  @Override
  public ByteBuffer request() {
    return off.request();
  }

  @Override
  public String describe() {
    String base = "S" + outlet + "=0, wait, S" + outlet + "=1";
    return switch (phase) {
      case OFF -> base + " (at the off)";
      case WAITING -> base + " (waiting; the outlet is off)";
      case ON -> base + " (at the on)";
    };
  }

  @Override
  public String name() {
    return "cycle";
  }

  @Override
  public Optional<Duration> timeout() {
    return Optional.of(timeout);
  }

  /**
   * The queue has completed this command (result, failure or timeout): the switch-on must not be
   * sent any more. Called from the completing thread, before any later task of the device's
   * executor can run, so a timer already due finds the flag set.
   */
  void finished() {
    finished = true;
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
  }

  @Override
  public Outcome<OutletStatus> onFrame(IsoTekFrame frame) {
    switch (phase) {
      case OFF -> {
        Outcome<OutletStatus> o = off.onFrame(frame);
        if (o.kind() != Outcome.Kind.DONE) {
          return o;
        }
        phase = Phase.WAITING;
        timer = executor.schedule(this::switchOn, offTime.toNanos(), TimeUnit.NANOSECONDS);
        return Outcome.more();
      }
      case WAITING -> {
        // pushes while the outlet is off: the session has taken them; nothing here is an answer
        return Outcome.unsolicited();
      }
      default -> {
        if (sendFailed) {
          return Outcome.fail(
              new LinkLostException(
                  "could not send the switch-on; the outlet is left off",
                  ctx.device(),
                  describe(),
                  null,
                  null));
        }
        return on.onFrame(frame);
      }
    }
  }

  private void switchOn() {
    if (finished) {
      return;
    }
    String command = IsoTekCommands.switchOutlet(outlet, OutletState.ON);
    on = new ConfirmedExchange<>(ctx, command, "cycle", confirmOn);
    phase = Phase.ON;
    ctx.sendFollowUp(command, () -> sendFailed = true);
  }
}
