package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import java.time.LocalDateTime;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An IsoTek unit's clock: read from the {@code RTC=} line of its status, set with {@code T=}. The
 * unit keeps local time without a zone.
 */
final class IsoTekClock implements DeviceClock {
  private final IsoTekDevice device;
  private final IsoTekSession session;

  IsoTekClock(IsoTekDevice device, IsoTekSession session) {
    this.device = device;
    this.session = session;
  }

  /** Sends {@code ?}; completes with the clock of the status it returns. */
  @Override
  public CompletionStage<Reading> read() {
    // completed by hand rather than with thenCompose, so a failure reaches the caller as the
    // device's own exception, not wrapped in a CompletionException
    CompletableFuture<Reading> reading = new CompletableFuture<>();
    device
        .refresh()
        .whenComplete(
            (status, failure) -> {
              if (failure != null) {
                reading.completeExceptionally(failure);
              } else if (status.deviceClock().isPresent()) {
                reading.complete(new Reading(status.deviceClock().get(), status.receivedAt()));
              } else {
                reading.completeExceptionally(
                    new ProtocolException(
                        "the status had no RTC line", session.device(), "?", "OK", null));
              }
            });
    return reading;
  }

  @Override
  public Optional<Reading> lastReading() {
    return session
        .lastStatus()
        .flatMap(s -> s.deviceClock().map(t -> new Reading(t, s.receivedAt())));
  }

  /** Sends {@code T=yyyy/mm|dd|hh|min|ss|} (seconds precision); completes at the unit's OK. */
  @Override
  public CompletionStage<Void> set(LocalDateTime time) {
    String command;
    try {
      command = IsoTekCommands.setClock(time);
    } catch (PowerDeviceException e) {
      return CompletableFuture.failedFuture(e);
    }
    return session.submit(new AckExchange(session.replyContext(), command, "clock-set"));
  }
}
