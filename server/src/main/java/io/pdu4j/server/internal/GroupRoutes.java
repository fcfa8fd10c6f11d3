package io.pdu4j.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.GroupConfig;
import io.pdu4j.runtime.config.OutletRef;
import io.pdu4j.runtime.json.DeviceJson;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The group routes ({@code POST /api/v1/groups/{group}/on|off|cycle}): each outlet in order, the
 * group's sequence delay between one's confirmed answer and the next one's command; one outlet's
 * failure does not stop the others, and the answer lists every outcome.
 */
final class GroupRoutes {
  private final ServerSettings settings;
  private final Executor delays;

  GroupRoutes(ServerSettings settings, Executor delays) {
    this.settings = settings;
    this.delays = delays;
  }

  /** Runs the group the call names, each outlet in order; answers every outcome. */
  void run(ApiHandler.Call c) {
    String name = c.group.orElseThrow();
    GroupConfig g = settings.groups.get(name);
    if (g == null) {
      c.fail(ApiError.of(404, "not_found", "no group '" + name + "' is configured"));
      return;
    }
    String action = c.route.action();
    c.readOffTime(
        action,
        offTime -> {
          ArrayNode outcomes = DeviceJson.mapper().createArrayNode();
          ApiError[] first = new ApiError[1];
          CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
          Iterator<OutletRef> it = g.outlets().iterator();
          boolean firstStep = true;
          while (it.hasNext()) {
            OutletRef ref = it.next();
            boolean wait = !firstStep && !g.sequenceDelay().isZero();
            firstStep = false;
            chain =
                chain
                    .thenCompose(
                        v ->
                            wait
                                ? CompletableFuture.runAsync(
                                    () -> {},
                                    CompletableFuture.delayedExecutor(
                                        g.sequenceDelay().toNanos(), TimeUnit.NANOSECONDS, delays))
                                : CompletableFuture.completedFuture(null))
                    .thenCompose(v -> step(c, ref, action, offTime))
                    .thenAccept(
                        result -> {
                          ObjectNode n = outcomes.addObject();
                          n.put("device", ref.device());
                          n.put("outlet", ref.outlet());
                          if (result.error() == null) {
                            n.put("ok", true);
                            DeviceJson.outlet(n.putObject("status"), result.status());
                          } else {
                            n.put("ok", false);
                            n.setAll(result.error().json());
                            if (first[0] == null) {
                              first[0] = result.error();
                            }
                          }
                        });
          }
          chain.whenComplete(
              (v, failure) -> {
                ObjectNode root = DeviceJson.object();
                root.put("group", g.name());
                root.put("action", action);
                root.put("ok", first[0] == null && failure == null);
                root.set("outlets", outcomes);
                int status = first[0] == null ? 200 : first[0].status();
                if (failure != null) {
                  status = 500;
                }
                c.outcome = first[0] == null ? "ok" : first[0].kind();
                c.respondRaw(status, DeviceJson.write(root));
              });
        });
  }

  private record StepResult(OutletStatus status, ApiError error) {}

  private CompletableFuture<StepResult> step(
      ApiHandler.Call c, OutletRef ref, String action, Duration off) {
    SupervisedDevice s = settings.devices.get(ref.device());
    if (s == null) {
      return done(ApiError.of(404, "not_found", "no device '" + ref.device() + "'"), ref);
    }
    if (!s.health().isConnected() || s.device().isEmpty()) {
      return done(ApiHandler.notConnected(s), ref);
    }
    Optional<Outlet> o = ApiHandler.findOutlet(s.device().get(), ref.outlet());
    if (o.isEmpty()) {
      return done(
          ApiError.of(
              404, "not_found", "device '" + s.name() + "' has no outlet '" + ref.outlet() + "'"),
          ref);
    }
    CompletionStage<OutletStatus> stage;
    try {
      stage = c.command(o.get(), action, off);
    } catch (RuntimeException e) {
      return done(ApiError.from(e), ref);
    }
    return ApiHandler.bounded(stage, off == null ? Duration.ZERO : off)
        .handle(
            (st, failure) ->
                failure == null
                    ? new StepResult(st, null)
                    : new StepResult(null, ApiError.from(failure).about(ref.device())));
  }

  private static CompletableFuture<StepResult> done(ApiError e, OutletRef ref) {
    return CompletableFuture.completedFuture(new StepResult(null, e.about(ref.device())));
  }
}
