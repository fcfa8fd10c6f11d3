package io.pdu4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletType;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ScheduleRule;
import io.pdu4j.api.Scheduler;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.json.DeviceJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Promise;

/**
 * The admin routes, mirroring {@code pdu4j outlets --set}, {@code clock}, {@code schedule} and a
 * restart: outlet settings, the device clock, the device's own schedule. Reads need a viewer,
 * changes an admin. A change answers only once the device confirmed it, with what the device
 * reports after it (settings, clock and rules read back). A device without the capability answers
 * 409 {@code unsupported}, as every capability a device lacks does, and nothing is sent.
 */
final class AdminRoutes {
  private static final String PREFIX = "/api/v1/devices/{name}/";
  private static final Set<String> SETTINGS_FIELDS = Set.of("name", "type", "delaySeconds");

  /** The zone the device's local clock is taken to keep: the host's, as the CLI does. */
  private final ZoneId zone;

  AdminRoutes(ZoneId zone) {
    this.zone = zone;
  }

  /** Whether the route is one of these. */
  static boolean serves(Route route) {
    String t = route.template();
    return t.equals(PREFIX + "outlets/{outlet}/settings")
        || t.equals(PREFIX + "clock")
        || t.equals(PREFIX + "schedule")
        || t.equals(PREFIX + "restart");
  }

  void run(ApiHandler.Call c) {
    SupervisedDevice s = c.supervised();
    if (s == null) {
      return;
    }
    String method = c.route.method();
    switch (c.route.action()) {
      case "settings" -> {
        if (method.equals("GET")) {
          settings(c, s, null);
        } else {
          body(c, b -> settings(c, s, b));
        }
      }
      case "clock" -> {
        if (method.equals("GET")) {
          clock(c, s, null);
        } else {
          body(c, b -> clock(c, s, b));
        }
      }
      case "schedule" -> {
        switch (method) {
          case "GET" -> schedule(c, s, null, false);
          case "DELETE" -> schedule(c, s, null, true);
          default -> body(c, b -> schedule(c, s, b, false));
        }
      }
      default -> restart(c, s);
    }
  }

  // ------------------------------------------------------------------ outlet settings

  /** Reads, or (with a body) changes then reads back, one outlet's stored settings. */
  private void settings(ApiHandler.Call c, SupervisedDevice s, JsonNode body) {
    Settings change = null;
    if (body != null) {
      try {
        change = Settings.read(body);
      } catch (IllegalArgumentException e) {
        c.fail(invalid(e.getMessage()));
        return;
      }
    }
    Optional<PowerDevice> d = c.connected(s);
    if (d.isEmpty()) {
      return;
    }
    if (!d.get().has(DeviceCapability.OUTLET_CONFIG)) {
      c.fail(unsupported(s, "has no outlet settings"));
      return;
    }
    String ref = c.outlet.orElseThrow();
    Optional<Outlet> found = ApiHandler.findOutlet(d.get(), ref);
    if (found.isEmpty()) {
      c.fail(
          ApiError.of(404, "not_found", "device '" + s.name() + "' has no outlet '" + ref + "'")
              .about(s.name()));
      return;
    }
    Outlet o = found.get();
    Settings wanted = change;
    CompletionStage<OutletConfig> stage =
        wanted == null
            ? o.config()
            : o.config()
                .thenCompose(now -> o.configure(wanted.over(now)))
                .thenCompose(v -> o.config());
    answer(
        c,
        s,
        stage,
        cfg -> {
          ObjectNode n = DeviceJson.object();
          n.put("device", s.name());
          n.put("outlet", o.number());
          n.put("id", o.id());
          n.put("name", cfg.name());
          n.put("type", cfg.type().name().toLowerCase(Locale.ROOT));
          n.put("delaySeconds", cfg.resetDelay().getSeconds());
          n.put("state", o.state().name());
          return n;
        });
  }

  /** What a PUT of settings changes; absent fields keep the device's current value. */
  private record Settings(String name, OutletType type, Duration delay) {
    static Settings read(JsonNode body) {
      object(body, "{\"name\": \"Router\", \"type\": \"router\", \"delaySeconds\": 10}");
      known(body, SETTINGS_FIELDS);
      String name = null;
      JsonNode n = body.get("name");
      if (n != null && !n.isNull()) {
        if (!n.isTextual()) {
          throw new IllegalArgumentException("name must be a string");
        }
        name = n.asText();
      }
      OutletType type = null;
      JsonNode t = body.get("type");
      if (t != null && !t.isNull()) {
        try {
          type = OutletType.valueOf(t.asText().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "type must be normal, router or locked, got " + t.toString());
        }
      }
      Duration delay = null;
      JsonNode dl = body.get("delaySeconds");
      if (dl != null && !dl.isNull()) {
        if (!dl.isIntegralNumber() || !dl.canConvertToInt() || dl.asInt() < 0) {
          throw new IllegalArgumentException(
              "delaySeconds must be a whole number of seconds, 0 or more, got " + dl);
        }
        delay = Duration.ofSeconds(dl.asInt());
      }
      if (name == null && type == null && delay == null) {
        throw new IllegalArgumentException(
            "nothing to change: give at least one of name, type, delaySeconds");
      }
      return new Settings(name, type, delay);
    }

    OutletConfig over(OutletConfig now) {
      return new OutletConfig(
          name != null ? name : now.name(),
          type != null ? type : now.type(),
          delay != null ? delay : now.resetDelay());
    }
  }

  // ------------------------------------------------------------------ clock

  /** Reads, or (with a body) sets then reads back, the device clock. */
  private void clock(ApiHandler.Call c, SupervisedDevice s, JsonNode body) {
    LocalDateTime target = null;
    boolean now = false;
    if (body != null) {
      try {
        object(body, "{\"time\": \"now\"} or {\"time\": \"2026-11-21T10:00:00\"}");
        known(body, Set.of("time"));
        JsonNode t = body.get("time");
        if (t == null || !t.isTextual()) {
          throw new IllegalArgumentException(
              "time is required: \"now\" or a local date-time such as 2026-11-21T10:00:00");
        }
        if (t.asText().equalsIgnoreCase("now")) {
          now = true;
        } else {
          try {
            target = LocalDateTime.parse(t.asText());
          } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                "time must be \"now\" or a local date-time such as 2026-11-21T10:00:00, got '"
                    + t.asText()
                    + "'");
          }
        }
      } catch (IllegalArgumentException e) {
        c.fail(invalid(e.getMessage()));
        return;
      }
    }
    Optional<PowerDevice> d = c.connected(s);
    if (d.isEmpty()) {
      return;
    }
    Optional<DeviceClock> clock = d.get().clock();
    if (clock.isEmpty()) {
      c.fail(unsupported(s, "has no clock"));
      return;
    }
    boolean set = body != null;
    if (set && !d.get().has(DeviceCapability.CLOCK_SET)) {
      c.fail(unsupported(s, "has a clock that cannot be set"));
      return;
    }
    DeviceClock k = clock.get();
    LocalDateTime at = target;
    CompletionStage<DeviceClock.Reading> stage =
        !set ? k.read() : (now ? k.setToNow(zone) : k.set(at)).thenCompose(v -> k.read());
    answer(
        c,
        s,
        stage,
        r -> {
          ObjectNode n = DeviceJson.object();
          n.put("device", s.name());
          n.put("clock", DeviceJson.ISO_SECONDS.format(r.deviceTime()));
          n.put("host", r.hostTime().toString());
          n.put("zone", zone.getId());
          n.put("offsetSeconds", r.offset(zone).getSeconds());
          return n;
        });
  }

  // ------------------------------------------------------------------ schedule

  /** Lists, adds to (with a body) or clears the device's schedule; answers the rules after. */
  private void schedule(ApiHandler.Call c, SupervisedDevice s, JsonNode body, boolean clear) {
    ScheduleRule rule = null;
    if (body != null) {
      try {
        rule = ScheduleJson.read(body);
      } catch (IllegalArgumentException e) {
        c.fail(invalid(e.getMessage()));
        return;
      }
    }
    Optional<PowerDevice> d = c.connected(s);
    if (d.isEmpty()) {
      return;
    }
    Optional<Scheduler> scheduler = d.get().scheduler();
    if (scheduler.isEmpty()) {
      c.fail(unsupported(s, "has no schedule"));
      return;
    }
    Scheduler sch = scheduler.get();
    ScheduleRule added = rule;
    CompletionStage<List<ScheduleRule>> stage;
    if (clear) {
      stage = sch.clear().thenCompose(v -> sch.rules());
    } else if (added != null) {
      stage = sch.add(added);
    } else {
      stage = sch.rules();
    }
    answer(
        c,
        s,
        stage,
        rules -> {
          ObjectNode n = DeviceJson.object();
          n.put("device", s.name());
          ArrayNode list = n.putArray("rules");
          int i = 1;
          for (ScheduleRule r : rules) {
            list.add(DeviceJson.scheduleRule(i++, r));
          }
          return n;
        });
  }

  // ------------------------------------------------------------------ restart

  private void restart(ApiHandler.Call c, SupervisedDevice s) {
    Optional<PowerDevice> d = c.connected(s);
    if (d.isEmpty()) {
      return;
    }
    if (!d.get().has(DeviceCapability.RESTART)) {
      c.fail(unsupported(s, "cannot be restarted"));
      return;
    }
    answer(
        c,
        s,
        d.get().restart(),
        v -> {
          ObjectNode n = DeviceJson.object();
          n.put("device", s.name());
          n.put("action", "restart");
          n.put("confirmed", true);
          return n;
        });
  }

  // ------------------------------------------------------------------ helpers

  /** Answers 200 with the stage's result as JSON once the device confirmed, else its error. */
  private static <T> void answer(
      ApiHandler.Call c,
      SupervisedDevice s,
      CompletionStage<T> stage,
      java.util.function.Function<T, ObjectNode> json) {
    BiConsumer<T, Throwable> done =
        (result, failure) -> {
          if (failure != null) {
            c.fail(ApiError.from(failure).about(s.name()));
            return;
          }
          c.respond(200, DeviceJson.write(json.apply(result)));
        };
    ApiHandler.bounded(stage, Duration.ZERO).whenComplete(done);
  }

  /** Reads the request's JSON body (at most {@link ApiHandler#MAX_BODY} bytes), or answers 400. */
  private static void body(ApiHandler.Call c, Consumer<JsonNode> then) {
    CompletableFuture<byte[]> bytes = new CompletableFuture<>();
    Content.Source.asByteArrayAsync(
        c.request, ApiHandler.MAX_BODY, Promise.Invocable.toPromise(bytes));
    bytes.whenComplete(
        (b, failure) -> {
          if (failure != null) {
            c.fail(invalid("cannot read the body (at most " + ApiHandler.MAX_BODY + " bytes)"));
            return;
          }
          if (b == null || new String(b, StandardCharsets.UTF_8).isBlank()) {
            c.fail(invalid("this needs a JSON body; see /api/v1/openapi.json"));
            return;
          }
          JsonNode root;
          try {
            root = DeviceJson.mapper().readTree(b);
          } catch (IOException e) {
            c.fail(invalid("the body is not JSON"));
            return;
          }
          try {
            then.accept(root);
          } catch (RuntimeException e) {
            c.fail(ApiError.from(e));
          }
        });
  }

  private static void object(JsonNode body, String example) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object: " + example);
    }
  }

  private static void known(JsonNode body, Set<String> fields) {
    Iterator<String> names = body.fieldNames();
    while (names.hasNext()) {
      String f = names.next();
      if (!fields.contains(f)) {
        throw new IllegalArgumentException(
            "unknown field '"
                + f
                + "'; known: "
                + String.join(", ", fields.stream().sorted().toList()));
      }
    }
  }

  private static ApiError invalid(String message) {
    return ApiError.of(400, PowerDeviceException.Kind.INVALID_ARGUMENT.tag(), message);
  }

  private static ApiError unsupported(SupervisedDevice s, String what) {
    return ApiError.of(
            409,
            PowerDeviceException.Kind.UNSUPPORTED.tag(),
            "device '" + s.name() + "' " + what + "; nothing was sent")
        .about(s.name());
  }
}
