package io.pdu4j.server.internal;

import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.HostScheduleConfig;
import io.pdu4j.runtime.config.OutletRef;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The schedules the host runs for any device ({@code schedules:}), on the server's timer. Each
 * {@link #tick()} fires every schedule whose time fell after the previous tick and up to now, in
 * the clock's time zone; nothing fires for times before the server started, a clock set back fires
 * nothing until it passes the last tick again, and a clock that jumps forward by more than {@link
 * #MAX_GAP} (set, or a host that slept) runs nothing for the gap rather than runs it late. A
 * schedule switches its outlets in order, each confirmed by its device; each outcome is logged and
 * audited.
 */
final class HostSchedules {
  /** A longer gap between two ticks is a clock jump, not time passing. */
  static final Duration MAX_GAP = Duration.ofMinutes(2);

  private final Clock clock;
  private final Map<String, HostScheduleConfig> schedules;
  private final Map<String, SupervisedDevice> devices;
  private final Consumer<String> log;
  private final Optional<AuditLog> audit;
  private ZonedDateTime last;

  HostSchedules(
      Clock clock,
      Map<String, HostScheduleConfig> schedules,
      Map<String, SupervisedDevice> devices,
      Consumer<String> log,
      Optional<AuditLog> audit) {
    this.clock = clock;
    this.schedules = schedules;
    this.devices = devices;
    this.log = log;
    this.audit = audit;
    this.last = ZonedDateTime.now(clock);
  }

  /** Fires what fell due since the last tick. Never blocks on a device. */
  synchronized void tick() {
    ZonedDateTime now = ZonedDateTime.now(clock);
    if (!now.isAfter(last)) {
      return; // the clock stood still or went back
    }
    if (last.plus(MAX_GAP).isBefore(now)) {
      // a clock set forward, or a host that slept: what fell in the gap is not run late
      log.accept(
          "schedules: the clock moved from " + last + " to " + now + "; none run for the gap");
      last = now;
      return;
    }
    ZonedDateTime from = last;
    for (HostScheduleConfig s : schedules.values()) {
      for (LocalDate d = from.toLocalDate(); !d.isAfter(now.toLocalDate()); d = d.plusDays(1)) {
        ZonedDateTime at = d.atTime(s.at()).atZone(now.getZone());
        if (at.isAfter(from) && !at.isAfter(now) && s.days().contains(d.getDayOfWeek())) {
          run(s);
        }
      }
    }
    last = now;
  }

  private void run(HostScheduleConfig s) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (OutletRef ref : s.outlets()) {
      chain = chain.thenCompose(v -> step(s, ref));
    }
  }

  private CompletableFuture<Void> step(HostScheduleConfig s, OutletRef ref) {
    java.time.Instant start = clock.instant();
    SupervisedDevice d = devices.get(ref.device());
    CompletionStage<OutletStatus> stage;
    try {
      if (d == null || !d.health().isConnected() || d.device().isEmpty()) {
        throw new io.pdu4j.api.DeviceUnreachableException(
            "device '" + ref.device() + "' is not connected");
      }
      Optional<Outlet> o = ApiHandler.findOutlet(d.device().get(), ref.outlet());
      if (o.isEmpty()) {
        throw new io.pdu4j.api.InvalidArgumentException(
            "device '" + ref.device() + "' has no outlet '" + ref.outlet() + "'");
      }
      stage =
          switch (s.action()) {
            case "on" -> o.get().switchOn();
            case "off" -> o.get().switchOff();
            default -> o.get().cycle(null);
          };
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return ApiHandler.bounded(stage, Duration.ZERO)
        .handle(
            (st, failure) -> {
              ApiError e = failure == null ? null : ApiError.from(failure);
              log.accept(
                  "schedule "
                      + s.name()
                      + ": "
                      + ref
                      + " "
                      + s.action()
                      + (e == null
                          ? ": " + st.state()
                          : " failed: " + e.kind() + ": " + e.message()));
              audit.ifPresent(
                  a ->
                      a.record(
                          new AuditLog.Entry(
                              start,
                              Optional.empty(),
                              "host",
                              Optional.of(ref.device()),
                              Optional.of(ref.outlet()),
                              Optional.of("schedule:" + s.name()),
                              "schedule-" + s.action(),
                              e == null ? 200 : e.status(),
                              e == null ? "ok" : e.kind(),
                              Duration.between(start, clock.instant()))));
              return null;
            });
  }
}
