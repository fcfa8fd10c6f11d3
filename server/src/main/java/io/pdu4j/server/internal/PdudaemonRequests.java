package io.pdu4j.server.internal;

import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.GroupConfig;
import io.pdu4j.runtime.config.OutletRef;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * pdudaemon's HTTP requests: {@code GET /power/control/on|off|reboot?hostname=NAME&port=OUTLET
 * [&delay=S]} or {@code ?alias=GROUP}, answered as pdudaemon answers them ({@code 200 OK - accepted
 * request}, {@code 500 Invalid request: ...}), so that LAVA's and labgrid's clients work unchanged.
 * Unlike pdudaemon, which answers before it acts, the answer comes once the device confirmed the
 * outlet's new state, and a failure is a 500 that says what went wrong.
 */
final class PdudaemonRequests {
  /** pdudaemon's default delay of a reboot, between off and on. */
  static final Duration DEFAULT_DELAY = Duration.ofSeconds(5);

  private final ServerSettings settings;
  private final Optional<AuditLog> audit;
  private final Clock clock = Clock.systemUTC();

  PdudaemonRequests(ServerSettings settings, Optional<AuditLog> audit) {
    this.settings = settings;
    this.audit = audit;
  }

  /** The outlet a request names, or the reason it names none. */
  private record Target(String device, String outlet, Optional<String> group) {}

  /**
   * How a request is answered: the HTTP status and text pdudaemon's clients read, and the outcome
   * the audit line records ({@code ok} or the error's kind, as the API's lines have it).
   */
  @FunctionalInterface
  private interface Answer {
    void send(int status, String outcome, String text);
  }

  /** An alias that names no group: not found, rather than a malformed request. */
  private static final class UnknownAlias extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnknownAlias(String message) {
      super(message);
    }
  }

  void handle(Request request, Response response, Callback callback, String path) {
    Instant start = clock.instant();
    String action = path.startsWith("/power/control/") ? path.substring(15) : "";
    Fields query = Request.extractQueryParameters(request);
    Target[] target = new Target[1];
    Answer answer =
        (status, outcome, text) -> {
          Target t = target[0];
          audit.ifPresent(
              a ->
                  a.record(
                      new AuditLog.Entry(
                          start,
                          Optional.empty(),
                          Request.getRemoteAddr(request),
                          Optional.ofNullable(t).map(Target::device),
                          Optional.ofNullable(t).map(Target::outlet),
                          Optional.ofNullable(t).flatMap(Target::group),
                          "pdudaemon-" + (action.isEmpty() ? "?" : action),
                          status,
                          outcome,
                          Duration.between(start, clock.instant()))));
          byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
          response.setStatus(status);
          response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
          response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
          response.write(true, ByteBuffer.wrap(body), callback);
        };
    if (!request.getMethod().equals("GET")
        || !(action.equals("on") || action.equals("off") || action.equals("reboot"))) {
      answer.send(
          500,
          "invalid_argument",
          "Invalid request: use GET /power/control/on|off|reboot?hostname=NAME&port=N");
      return;
    }
    Target t;
    try {
      t = target(query);
    } catch (UnknownAlias e) {
      answer.send(500, "not_found", "Invalid request: " + e.getMessage());
      return;
    } catch (IllegalArgumentException e) {
      answer.send(500, "invalid_argument", "Invalid request: " + e.getMessage());
      return;
    }
    target[0] = t;
    Duration delay;
    try {
      delay = delay(query.getValue("delay"));
    } catch (IllegalArgumentException e) {
      answer.send(500, "invalid_argument", "Invalid request: " + e.getMessage());
      return;
    }
    SupervisedDevice s = settings.devices.get(t.device());
    if (s == null) {
      answer.send(
          500, "not_found", "Invalid request: no device '" + t.device() + "' is configured");
      return;
    }
    if (!s.health().isConnected() || s.device().isEmpty()) {
      answer.send(
          500,
          "not_connected",
          "Invalid request: device '" + s.name() + "' is " + s.health().state());
      return;
    }
    PowerDevice pdu = s.device().get();
    Optional<Outlet> o = ApiHandler.findOutlet(pdu, t.outlet());
    if (o.isEmpty()) {
      answer.send(
          500,
          "not_found",
          "Invalid request: device '" + s.name() + "' has no outlet '" + t.outlet() + "'");
      return;
    }
    CompletionStage<OutletStatus> stage;
    try {
      stage =
          switch (action) {
            case "on" -> o.get().switchOn();
            case "off" -> o.get().switchOff();
            default -> o.get().cycle(delay);
          };
    } catch (RuntimeException e) {
      ApiError error = ApiError.from(e);
      answer.send(500, error.kind(), "Invalid request: " + error.message());
      return;
    }
    ApiHandler.bounded(stage, action.equals("reboot") ? delay : Duration.ZERO)
        .whenComplete(
            (st, failure) -> {
              if (failure == null) {
                answer.send(200, "ok", "OK - accepted request");
              } else {
                ApiError error = ApiError.from(failure);
                answer.send(500, error.kind(), "Invalid request: " + error.message());
              }
            });
  }

  private Target target(Fields query) {
    String alias = query.getValue("alias");
    if (alias != null) {
      GroupConfig g = settings.groups.get(alias);
      if (g == null) {
        throw new UnknownAlias("no alias (group) '" + alias + "' is configured");
      }
      if (g.outlets().size() != 1) {
        throw new IllegalArgumentException(
            "alias '" + alias + "' is a group of " + g.outlets().size() + " outlets, not one");
      }
      OutletRef r = g.outlets().get(0);
      return new Target(r.device(), r.outlet(), Optional.of(alias));
    }
    String host = query.getValue("hostname");
    String port = query.getValue("port");
    if (host == null || host.isBlank() || port == null || port.isBlank()) {
      throw new IllegalArgumentException("give hostname=DEVICE and port=OUTLET, or alias=GROUP");
    }
    return new Target(host, port, Optional.empty());
  }

  /** pdudaemon's {@code delay}: whole seconds, 1 to 3600; 5 when not given. */
  static Duration delay(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT_DELAY;
    }
    int s;
    try {
      s = Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("delay must be whole seconds, got '" + text + "'");
    }
    if (s < 1 || s > 3600) {
      throw new IllegalArgumentException("delay must be 1 to 3600 seconds, got " + s);
    }
    return Duration.ofSeconds(s);
  }
}
