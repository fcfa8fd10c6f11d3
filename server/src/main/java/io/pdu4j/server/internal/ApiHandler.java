package io.pdu4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.DeviceHealth;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.Durations;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.ApiRole;
import io.pdu4j.runtime.config.GroupConfig;
import io.pdu4j.runtime.config.OutletRef;
import io.pdu4j.runtime.config.TokenConfig;
import io.pdu4j.runtime.json.DeviceJson;
import io.pdu4j.server.StreamedResponse;
import io.pdu4j.server.TextResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.content.InputStreamContentSource;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

/**
 * Answers every request: the API on the API listener, {@code /health}, {@code /health/ready} and
 * the plain routes on the monitoring listener (both on one listener when they share an address).
 * Device commands run asynchronously: no thread waits for a device.
 */
final class ApiHandler extends Handler.Abstract.NonBlocking {
  /** The largest request body read (a cycle's {@code {"offTime": "5s"}} needs a few bytes). */
  static final int MAX_BODY = 4096;

  /** The longest off time of a cycle, as the CLI's. */
  static final Duration MAX_OFF_TIME = Duration.ofHours(1);

  /** How long beyond its off time a command may take before the API gives up on it. */
  static final Duration COMMAND_BOUND = Duration.ofMinutes(2);

  private static final ObjectMapper JSON = DeviceJson.mapper();
  private static final String JSON_TYPE = "application/json";

  private final ServerSettings settings;
  private final Optional<Tokens> tokens;
  private final Optional<AuditLog> audit;
  private final EventHub events;
  private final Executor delays;
  private final Clock clock = Clock.systemUTC();
  private final ConnectionWatch watch;
  private volatile Connector apiConnector;
  private volatile Connector monitoringConnector;
  private volatile Connector pdudaemonConnector;
  private final PdudaemonRequests pdudaemon;
  private final String openApi;
  private final AdminRoutes admin;
  private final GroupRoutes groupRoutes;
  private final DashboardFiles dashboard = new DashboardFiles();

  ApiHandler(
      ServerSettings settings,
      Optional<Tokens> tokens,
      Optional<AuditLog> audit,
      EventHub events,
      Executor delays,
      ConnectionWatch watch,
      String openApi) {
    this.settings = settings;
    this.tokens = tokens;
    this.audit = audit;
    this.events = events;
    this.delays = delays;
    this.watch = watch;
    this.openApi = openApi;
    this.pdudaemon = new PdudaemonRequests(settings, audit);
    this.admin = new AdminRoutes(settings.clock.getZone());
    this.groupRoutes = new GroupRoutes(settings, delays);
  }

  void connectors(Connector api, Connector monitoring, Connector pdudaemon) {
    this.apiConnector = api;
    this.monitoringConnector = monitoring;
    this.pdudaemonConnector = pdudaemon;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    watch.requested(request.getConnectionMetaData().getConnection());
    Connector on = request.getConnectionMetaData().getConnector();
    String path = request.getHttpURI().getPath();
    if (path == null) {
      path = "/";
    }
    if (on == pdudaemonConnector && pdudaemonConnector != null) {
      pdudaemon.handle(request, response, callback, path);
      return true;
    }
    boolean api = on == apiConnector && settings.api.isPresent();
    boolean monitoring = on == monitoringConnector && settings.monitoring.isPresent();
    if (api && (path.equals("/api") || path.startsWith("/api/"))) {
      new Call(request, response, callback, path).dispatch();
      return true;
    }
    if (api && dashboard.serves(path)) {
      dashboard.handle(request, response, callback, path);
      return true;
    }
    if (monitoring) {
      monitor(request, response, callback, path);
      return true;
    }
    if (api) {
      new Call(request, response, callback, path)
          .fail(ApiError.of(404, "not_found", "no such path; the API is under /api/v1"));
      return true;
    }
    text(request, response, callback, new TextResponse(404, "text/plain", "not found\n"));
    return true;
  }

  // ------------------------------------------------------------------ monitoring

  private void monitor(Request request, Response response, Callback callback, String path) {
    Function<String, StreamedResponse> streamed = settings.streamedRoutes.get(path);
    if (streamed != null
        && (request.getMethod().equals("GET") || request.getMethod().equals("HEAD"))) {
      StreamedResponse answer;
      try {
        answer =
            streamed.apply(
                String.join(", ", request.getHeaders().getValuesList(HttpHeader.ACCEPT)));
      } catch (RuntimeException e) {
        text(
            request,
            response,
            callback,
            new TextResponse(
                500, "text/plain", "internal error: " + e.getClass().getSimpleName() + "\n"));
        return;
      }
      stream(request, response, callback, answer);
      return;
    }
    Function<String, TextResponse> route =
        switch (path) {
          case "/health" -> accept -> health(false);
          case "/health/ready" -> accept -> health(true);
          default ->
              settings.streamedRoutes.containsKey(path)
                  ? accept -> new TextResponse(200, "text/plain", "") // not GET or HEAD: 405
                  : settings.routes.get(path);
        };
    TextResponse answer;
    if (route == null) {
      answer = new TextResponse(404, "text/plain", "not found; try " + monitoringPaths() + "\n");
    } else if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      answer = new TextResponse(405, "text/plain", "method not allowed\n");
    } else {
      try {
        answer =
            route.apply(String.join(", ", request.getHeaders().getValuesList(HttpHeader.ACCEPT)));
      } catch (RuntimeException e) {
        answer =
            new TextResponse(
                500, "text/plain", "internal error: " + e.getClass().getSimpleName() + "\n");
      }
    }
    text(request, response, callback, answer);
  }

  private String monitoringPaths() {
    List<String> paths = new ArrayList<>(settings.routes.keySet());
    paths.addAll(settings.streamedRoutes.keySet());
    paths.add("/health");
    return String.join(" or ", paths);
  }

  /**
   * The health document: every device's state, problem (when OFFLINE), message, address and since
   * when; {@code UP} when all are connected, else {@code DEGRADED}. Ready answers 503 unless UP.
   */
  private TextResponse health(boolean ready) {
    ObjectNode root = DeviceJson.object();
    ObjectNode list = DeviceJson.object();
    boolean all = true;
    for (SupervisedDevice s : settings.devices.values()) {
      DeviceHealth h = s.health();
      ObjectNode d = list.putObject(s.name());
      d.put("state", h.state().name());
      h.problem().ifPresent(p -> d.put("problem", p.name()));
      h.message().ifPresent(m -> d.put("message", m));
      d.put("address", s.address());
      d.put("since", h.since().toString());
      all &= h.isConnected();
    }
    root.put("status", all ? "UP" : "DEGRADED");
    root.set("devices", list);
    return new TextResponse(
        ready && !all ? 503 : 200, JSON_TYPE, DeviceJson.writePretty(root) + "\n");
  }

  /**
   * A streamed answer: its body copied into the response as it is read, a chunk at a time (chunked
   * transfer encoding), through gzip when the request accepts it.
   */
  private static void stream(
      Request request, Response response, Callback callback, StreamedResponse answer) {
    response.setStatus(answer.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
    response.getHeaders().put(HttpHeader.VARY, HttpHeader.ACCEPT_ENCODING.asString());
    InputStream body = answer.body();
    if (GzipBody.accepted(request.getHeaders().getValuesList(HttpHeader.ACCEPT_ENCODING))) {
      response.getHeaders().put(HttpHeader.CONTENT_ENCODING, "gzip");
      body = new GzipBody(body);
    }
    if (request.getMethod().equals("HEAD")) {
      try {
        body.close();
      } catch (IOException e) {
        // nothing was read: nothing lost
      }
      response.write(true, ByteBuffer.allocate(0), callback);
      return;
    }
    InputStream sent = body;
    Content.copy(
        new InputStreamContentSource(
            sent,
            new ByteBufferPool.Sized(
                request.getComponents().getByteBufferPool(), false, STREAM_CHUNK)),
        response,
        Callback.from(
            callback::succeeded,
            failure -> {
              try {
                sent.close();
              } catch (IOException e) {
                failure.addSuppressed(e);
              }
              callback.failed(failure);
            }));
  }

  /** The size of the buffers a streamed body is read into and written from. */
  private static final int STREAM_CHUNK = 32 * 1024;

  private static void text(
      Request request, Response response, Callback callback, TextResponse answer) {
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    response.setStatus(answer.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    boolean head = request.getMethod().equals("HEAD");
    response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
  }

  // ------------------------------------------------------------------ the API

  /** One API request, from routing to its answer and audit line. */
  final class Call {
    final Request request;
    final Response response;
    final Callback callback;
    final String path;
    final Instant start = clock.instant();
    Route route;
    Map<String, String> params = Map.of();
    Optional<TokenConfig> token = Optional.empty();
    Optional<String> device = Optional.empty();
    Optional<String> outlet = Optional.empty();
    Optional<String> group = Optional.empty();

    Call(Request request, Response response, Callback callback, String path) {
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.path = path;
    }

    void dispatch() {
      List<String> segments = segments(path);
      if (segments == null) {
        fail(ApiError.of(400, "invalid_argument", "the path is not valid percent-encoded UTF-8"));
        return;
      }
      boolean pathKnown = false;
      for (Route r : Route.ALL) {
        Optional<Map<String, String>> m = r.match(segments);
        if (m.isPresent()) {
          pathKnown = true;
          if (r.method().equals(request.getMethod())) {
            route = r;
            params = m.get();
            break;
          }
        }
      }
      if (route == null) {
        String m = request.getMethod();
        if (m.equals("POST") || m.equals("PUT") || m.equals("DELETE")) {
          route = new Route(m, path, ApiRole.OPERATOR, true); // audited as refused
        }
        if (pathKnown) {
          response.getHeaders().put(HttpHeader.ALLOW, allowed(segments));
          fail(ApiError.of(405, "method_not_allowed", "method not allowed here"));
        } else {
          fail(ApiError.of(404, "not_found", "no such path; see /api/v1/openapi.json"));
        }
        return;
      }
      device = Optional.ofNullable(params.get("name"));
      outlet = Optional.ofNullable(params.get("outlet"));
      group = Optional.ofNullable(params.get("group"));
      if (!authorize()) {
        return;
      }
      try {
        run();
      } catch (RuntimeException e) {
        fail(ApiError.from(e));
      }
    }

    private String allowed(List<String> segments) {
      List<String> methods = new ArrayList<>();
      for (Route r : Route.ALL) {
        if (r.match(segments).isPresent() && !methods.contains(r.method())) {
          methods.add(r.method());
        }
      }
      return String.join(", ", methods);
    }

    /** 401 without a known token, 403 for a role or device the token does not have. */
    private boolean authorize() {
      if (tokens.isEmpty()) {
        return true;
      }
      token = tokens.get().authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION));
      if (token.isEmpty()) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"pdu4j\"");
        fail(
            ApiError.of(
                401,
                "unauthorized",
                "this API needs a known token: send Authorization: Bearer TOKEN"));
        return false;
      }
      TokenConfig t = token.get();
      if (!t.role().includes(route.role())) {
        fail(
            ApiError.of(
                403,
                "forbidden",
                "token '"
                    + t.name()
                    + "' has the role "
                    + t.role().tag()
                    + "; this needs "
                    + route.role().tag()));
        return false;
      }
      if (device.isPresent() && !t.allows(device.get())) {
        fail(
            ApiError.of(
                    403,
                    "forbidden",
                    "token '" + t.name() + "' may not reach device '" + device.get() + "'")
                .about(device.get()));
        return false;
      }
      if (group.isPresent()) {
        GroupConfig g = settings.groups.get(group.get());
        if (g != null) {
          for (OutletRef o : g.outlets()) {
            if (!t.allows(o.device())) {
              fail(
                  ApiError.of(
                          403,
                          "forbidden",
                          "token '"
                              + t.name()
                              + "' may not reach device '"
                              + o.device()
                              + "' of group '"
                              + g.name()
                              + "'")
                      .about(o.device()));
              return false;
            }
          }
        }
      }
      return true;
    }

    private boolean may(String deviceName) {
      return token.map(t -> t.allows(deviceName)).orElse(true);
    }

    private void run() {
      switch (route.template()) {
        case "/api/v1/openapi.json" -> respond(200, openApi);
        case "/api/v1/devices" -> listDevices();
        case "/api/v1/devices/{name}" -> showDevice();
        case "/api/v1/devices/{name}/power" -> showPowerHistory();
        case "/api/v1/groups" -> listGroups();
        case "/api/v1/events" -> stream();
        default -> {
          if (AdminRoutes.serves(route)) {
            admin.run(this);
          } else if (route.template().startsWith("/api/v1/devices/{name}/outlets/")) {
            switchOutlet();
          } else if (route.template().startsWith("/api/v1/devices/{name}/all/")) {
            switchAll();
          } else if (route.template().startsWith("/api/v1/groups/{group}/")) {
            groupRoutes.run(this);
          } else {
            fail(ApiError.of(404, "not_found", "no such path"));
          }
        }
      }
    }

    // ---------------------------------------------------------------- reading

    private void listDevices() {
      ArrayNode list = JSON.createArrayNode();
      for (SupervisedDevice s : settings.devices.values()) {
        if (!may(s.name())) {
          continue;
        }
        ObjectNode n = list.addObject();
        n.put("name", s.name());
        n.put("address", s.address());
        DeviceJson.health(n.putObject("health"), s.health());
        Optional<PowerDevice> d = s.device();
        n.put("driver", d.map(p -> p.info().driver()).orElse(null));
        n.put("model", d.map(p -> p.info().model()).orElse(null));
        n.put("serial", d.flatMap(p -> p.info().serial()).orElse(null));
        ArrayNode outlets = n.putArray("outlets");
        d.flatMap(PowerDevice::lastStatus)
            .ifPresent(st -> st.outlets().forEach(o -> DeviceJson.outlet(outlets.addObject(), o)));
      }
      ObjectNode root = JSON.createObjectNode();
      root.set("devices", list);
      respond(200, DeviceJson.write(root));
    }

    private void showDevice() {
      SupervisedDevice s = supervised();
      if (s == null) {
        return;
      }
      Optional<PowerDevice> d = s.device();
      if (d.isEmpty()) {
        fail(notConnected(s));
        return;
      }
      PowerDevice pdu = d.get();
      Optional<DeviceStatus> last = pdu.lastStatus();
      CompletionStage<DeviceStatus> status =
          last.isPresent() ? CompletableFuture.completedFuture(last.get()) : pdu.refresh();
      bounded(status, Duration.ZERO)
          .whenComplete(
              (st, failure) -> {
                if (failure != null) {
                  fail(ApiError.from(failure).about(s.name()));
                  return;
                }
                ObjectNode n = DeviceJson.status(pdu.info(), st, DeviceJson.clockOf(pdu, st));
                n.put("name", s.name());
                n.put("receivedAt", st.receivedAt().toString());
                DeviceJson.health(n.putObject("health"), s.health());
                respond(200, DeviceJson.write(n));
              });
    }

    /** The last hour of the device's power, from the runtime's history (never asks the device). */
    private void showPowerHistory() {
      SupervisedDevice s = supervised();
      if (s != null) {
        respond(200, DeviceJson.write(PowerHistoryJson.of(s.powerHistory())));
      }
    }

    private void listGroups() {
      ArrayNode list = JSON.createArrayNode();
      for (GroupConfig g : settings.groups.values()) {
        ObjectNode n = list.addObject();
        n.put("name", g.name());
        ArrayNode outlets = n.putArray("outlets");
        g.outlets().forEach(o -> outlets.add(o.toString()));
        n.put("sequenceDelay", Durations.format(g.sequenceDelay()));
      }
      ObjectNode root = JSON.createObjectNode();
      root.set("groups", list);
      respond(200, DeviceJson.write(root));
    }

    private void stream() {
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
      EventStream[] self = new EventStream[1];
      self[0] =
          new EventStream(
              response,
              callback,
              this::may,
              settings.eventQueue,
              events::countDropped,
              () -> events.remove(self[0]));
      events.add(self[0]);
      // what stands now, so that a client needs no second request to start from
      StringBuilder hello = new StringBuilder(": pdu4j events\n\n");
      for (SupervisedDevice s : settings.devices.values()) {
        if (may(s.name())) {
          hello.append(events.frame("health", EventHub.health(s.name(), s.health())));
        }
      }
      self[0].offer(hello.toString());
    }

    // ---------------------------------------------------------------- switching

    SupervisedDevice supervised() {
      String name = device.orElseThrow();
      SupervisedDevice s = settings.devices.get(name);
      if (s == null) {
        fail(ApiError.of(404, "not_found", "no device '" + name + "' is configured").about(name));
      }
      return s;
    }

    /** The device when it is connected; otherwise answers 503 and returns empty. */
    Optional<PowerDevice> connected(SupervisedDevice s) {
      if (!s.health().isConnected() || s.device().isEmpty()) {
        fail(notConnected(s));
        return Optional.empty();
      }
      return s.device();
    }

    private void switchOutlet() {
      SupervisedDevice s = supervised();
      if (s == null) {
        return;
      }
      String action = route.action();
      readOffTime(
          action,
          offTime -> {
            Optional<PowerDevice> d = connected(s);
            if (d.isEmpty()) {
              return;
            }
            Optional<Outlet> o = findOutlet(d.get(), outlet.orElseThrow());
            if (o.isEmpty()) {
              fail(
                  ApiError.of(
                          404,
                          "not_found",
                          "device '" + s.name() + "' has no outlet '" + outlet.get() + "'")
                      .about(s.name()));
              return;
            }
            bounded(command(o.get(), action, offTime), offTime == null ? Duration.ZERO : offTime)
                .whenComplete(
                    (st, failure) -> {
                      if (failure != null) {
                        fail(ApiError.from(failure).about(s.name()));
                        return;
                      }
                      ObjectNode n = JSON.createObjectNode();
                      n.put("device", s.name());
                      n.put("action", action);
                      DeviceJson.outlet(n.putObject("outlet"), st);
                      respond(200, DeviceJson.write(n));
                    });
          });
    }

    private void switchAll() {
      SupervisedDevice s = supervised();
      if (s == null) {
        return;
      }
      Optional<PowerDevice> d = connected(s);
      if (d.isEmpty()) {
        return;
      }
      OutletState state = route.action().equals("on") ? OutletState.ON : OutletState.OFF;
      PowerDevice pdu = d.get();
      bounded(pdu.switchAll(state), Duration.ZERO)
          .whenComplete(
              (st, failure) -> {
                if (failure != null) {
                  fail(ApiError.from(failure).about(s.name()));
                  return;
                }
                ObjectNode n = DeviceJson.status(pdu.info(), st, DeviceJson.clockOf(pdu, st));
                n.put("name", s.name());
                n.put("action", route.action());
                respond(200, DeviceJson.write(n));
              });
    }

    CompletionStage<OutletStatus> command(Outlet o, String action, Duration offTime) {
      return switch (action) {
        case "on" -> o.switchOn();
        case "off" -> o.switchOff();
        default -> o.cycle(offTime);
      };
    }

    /** Reads the body of a cycle ({@code {"offTime": "5s"}}, optional); others need none. */
    void readOffTime(String action, java.util.function.Consumer<Duration> then) {
      if (!action.equals("cycle")) {
        then.accept(null);
        return;
      }
      CompletableFuture<byte[]> body = new CompletableFuture<>();
      Content.Source.asByteArrayAsync(request, MAX_BODY, Promise.Invocable.toPromise(body));
      body.whenComplete(
          (bytes, failure) -> {
            if (failure != null) {
              fail(
                  ApiError.of(
                      400,
                      "invalid_argument",
                      "cannot read the body (at most " + MAX_BODY + " bytes)"));
              return;
            }
            Duration off;
            try {
              off = offTime(bytes);
            } catch (IllegalArgumentException e) {
              fail(ApiError.of(400, "invalid_argument", e.getMessage()));
              return;
            }
            try {
              then.accept(off);
            } catch (RuntimeException e) {
              fail(ApiError.from(e));
            }
          });
    }

    // ---------------------------------------------------------------- answering

    String outcome;

    void respond(int status, String json) {
      outcome = "ok";
      respondRaw(status, json);
    }

    void fail(ApiError e) {
      outcome = e.kind();
      respondRaw(e.status(), DeviceJson.write(e.json()));
    }

    void respondRaw(int status, String json) {
      if (route != null && route.control()) {
        audit.ifPresent(
            a ->
                a.record(
                    new AuditLog.Entry(
                        start,
                        token.map(TokenConfig::name),
                        Request.getRemoteAddr(request),
                        device,
                        outlet,
                        group,
                        route.control() && route.template().startsWith("/api/v1/")
                            ? route.auditAction()
                            : request.getMethod(),
                        status,
                        outcome,
                        Duration.between(start, clock.instant()))));
      }
      byte[] body = (json + "\n").getBytes(StandardCharsets.UTF_8);
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      response.write(true, ByteBuffer.wrap(body), callback);
    }
  }

  // ------------------------------------------------------------------ helpers

  /** The stage as a future that fails with a timeout after its off time plus the bound. */
  static <T> CompletableFuture<T> bounded(CompletionStage<T> stage, Duration offTime) {
    // a copy: timing out must not complete the device's own stage
    return stage
        .toCompletableFuture()
        .copy()
        .orTimeout(offTime.plus(COMMAND_BOUND).toMillis(), TimeUnit.MILLISECONDS);
  }

  static ApiError notConnected(SupervisedDevice s) {
    DeviceHealth h = s.health();
    return ApiError.of(
            503,
            "not_connected",
            "device '"
                + s.name()
                + "' is "
                + h.state()
                + h.problem().map(p -> " (" + p.tag() + ")").orElse("")
                + h.message().map(m -> ": " + m).orElse("")
                + "; nothing was sent")
        .about(s.name());
  }

  /** The outlet with this number, or else with this id. */
  static Optional<Outlet> findOutlet(PowerDevice pdu, String ref) {
    List<Outlet> outlets = pdu.outlets();
    if (ref.chars().allMatch(Character::isDigit) && ref.length() <= 4) {
      int n = Integer.parseInt(ref);
      for (Outlet o : outlets) {
        if (o.number() == n) {
          return Optional.of(o);
        }
      }
    }
    for (Outlet o : outlets) {
      if (o.id().equals(ref)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  /**
   * The off time of a cycle's body: none (empty body or no {@code offTime}) means the outlet's own
   * reset delay; else a duration above 0 and at most an hour.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static Duration offTime(byte[] body) {
    if (body == null || new String(body, StandardCharsets.UTF_8).isBlank()) {
      return null;
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("the body is not JSON; send {\"offTime\": \"5s\"}");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object: {\"offTime\": \"5s\"}");
    }
    Iterator<String> names = root.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!n.equals("offTime")) {
        throw new IllegalArgumentException("unknown field '" + n + "'; known: offTime");
      }
    }
    JsonNode off = root.get("offTime");
    if (off == null || off.isNull()) {
      return null;
    }
    if (!off.isTextual() && !off.isNumber()) {
      throw new IllegalArgumentException("offTime must be a duration such as \"5s\"");
    }
    Duration d;
    try {
      d = Durations.parse(off.asText(), "offTime");
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    if (d.isZero() || d.isNegative() || d.compareTo(MAX_OFF_TIME) > 0) {
      throw new IllegalArgumentException(
          "offTime must be more than 0 and at most 1h, got " + Durations.format(d));
    }
    return d;
  }

  /** The path's segments after the leading slash, each percent-decoded; null when malformed. */
  static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    String p = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    for (String s : p.split("/", -1)) {
      try {
        out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return out;
  }
}
