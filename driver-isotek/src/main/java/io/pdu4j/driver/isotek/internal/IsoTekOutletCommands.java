package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.Durations;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.spi.support.Outcome;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The commands of an IsoTek unit's outlets, settings, clock and restart, each verified as the unit
 * allows:
 *
 * <ul>
 *   <li>A switch sends {@code Sx=1}/{@code Sx=0}; at the unit's {@code OK} it sends {@code ?} and
 *       completes with the outlet's status from the first status block that began after that {@code
 *       OK} (reply or push), once the {@code ?} has been answered too; a status showing the other
 *       state fails it with {@link StateNotConfirmedException}. {@link #switchAll} sends {@code
 *       H}/{@code G} and completes the same way with the whole status, whatever it shows (an outlet
 *       the unit keeps locked stays as it was).
 *   <li>{@link #cycle} is one queued command ({@link CycleExchange}): off, wait, on, each
 *       confirmed.
 *   <li>{@link #configure} sends {@code Cx=} and completes when {@code C?} reads it back; {@link
 *       #restart()} completes at the {@code OK} of {@code X}; the clock is the {@code RTC=} line of
 *       a status and is set with {@code T=}.
 * </ul>
 *
 * Device thread only, except that commands may be submitted from any thread.
 */
final class IsoTekOutletCommands {
  private final IsoTekSession session;
  private final IsoTekStatuses statuses;
  private final IsoTekOutletTable table;
  private final String device;

  IsoTekOutletCommands(IsoTekSession session, IsoTekStatuses statuses, IsoTekOutletTable table) {
    this.session = session;
    this.statuses = statuses;
    this.table = table;
    this.device = session.device();
  }

  CompletionStage<OutletStatus> switchOutlet(int outlet, OutletState state) {
    String command = IsoTekCommands.switchOutlet(outlet, state);
    return session.submit(
        new ConfirmedExchange<OutletStatus>(
            session.replyContext(),
            command,
            "switch",
            s -> confirmOutlet(s, outlet, state, () -> command.strip() + ", then ?")));
  }

  CompletionStage<DeviceStatus> switchAll(OutletState state) {
    return session.submit(
        new ConfirmedExchange<DeviceStatus>(
            session.replyContext(), IsoTekCommands.switchAll(state), "switch-all", Outcome::done));
  }

  /**
   * Cycles one outlet as one queued command ({@link CycleExchange}): nothing else is sent between
   * its off and its on. A null off time means the outlet's reset delay from {@code C?} (router and
   * normal outlets alike), or 0 when the unit did not answer {@code C?}.
   */
  CompletionStage<OutletStatus> cycle(int outlet, Duration offTime) {
    IsoTekCommands.switchOutlet(outlet, OutletState.OFF);
    Duration off =
        offTime != null
            ? offTime
            : table.config(outlet).map(OutletConfig::resetDelay).orElse(Duration.ZERO);
    String sent = "S" + outlet + "=0/1 with a wait of " + Durations.format(off);
    CycleExchange exchange =
        new CycleExchange(
            session.replyContext(),
            session.executor(),
            outlet,
            off,
            session.options().commandTimeout(),
            status -> confirmOutlet(status, outlet, OutletState.OFF, () -> sent),
            status -> confirmOutlet(status, outlet, OutletState.ON, () -> sent));
    CompletableFuture<OutletStatus> result = session.submit(exchange);
    result.whenComplete((s, t) -> exchange.finished());
    return result;
  }

  /** {@code sent} names the command in a failure (only then is the text made). */
  private Outcome<OutletStatus> confirmOutlet(
      DeviceStatus status, int number, OutletState wanted, Supplier<String> sent) {
    Optional<OutletStatus> outlet = status.outlet(number);
    if (outlet.isEmpty()) {
      return Outcome.fail(
          new ProtocolException(
              "the status after the command has no outlet " + number,
              device,
              sent.get(),
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
              device,
              sent.get(),
              "CH" + number + " " + outlet.get().state(),
              null));
    }
    return Outcome.done(outlet.get());
  }

  /** Reads {@code C?}; completes with outlet {@code outlet}'s settings. */
  CompletionStage<OutletConfig> config(int outlet) {
    return statuses
        .readSettings()
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
  CompletionStage<Void> configure(int outlet, OutletConfig config) {
    String command = IsoTekCommands.configure(outlet, config);
    OutletConfig wanted =
        new OutletConfig(config.name().stripTrailing(), config.type(), config.resetDelay());
    return session
        .submit(new AckExchange(session.replyContext(), command, "config-write"))
        .thenCompose(v -> config(outlet))
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
  CompletionStage<Void> restart() {
    return session.submit(
        new AckExchange(session.replyContext(), IsoTekCommands.RESTART, "restart"));
  }

  /** Sends {@code ?}; completes with the clock of the status it returns ({@code RTC=}). */
  CompletionStage<DeviceClock.Reading> readClock() {
    return session
        .submit(new StatusExchange(session.replyContext()))
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
  CompletionStage<Void> setClock(LocalDateTime time) {
    return session.submit(
        new AckExchange(session.replyContext(), IsoTekCommands.setClock(time), "clock-set"));
  }
}
