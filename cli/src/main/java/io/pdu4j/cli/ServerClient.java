package io.pdu4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.Durations;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.LoginDeniedException;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.OutletType;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.PowerReading;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.runtime.json.DeviceJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The control API of a running {@code pdu4j serve} ({@code /api/v1}, docs/api.md), as the CLI's
 * {@code --server} commands use it: devices are named as in the server's configuration, the token
 * comes from {@code PDU4J_TOKEN} and is sent as a bearer token only, and an error answer becomes
 * the {@link PowerDeviceException} of its kind, so that the exit code is the direct command's.
 */
final class ServerClient implements Gateway {
  /** The environment variable that holds the API token. */
  static final String TOKEN_ENV = "PDU4J_TOKEN";

  /** The environment variable that names the server when {@code --server} is not given. */
  static final String SERVER_ENV = "PDU4J_SERVER";

  /** The largest answer read; a device's status is a few KiB. */
  static final int MAX_BODY = 1 << 20;

  // made on first use: picocli makes every command object to parse any command line, and Jackson
  // is a good part of a short command's start
  private static final class Json {
    static final ObjectMapper MAPPER = DeviceJson.mapper();
  }

  private final URI base;
  private final Optional<String> token;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * A client of the server at {@code base}.
   *
   * @param base the server's address, e.g. {@code http://127.0.0.1:8080}
   * @param token the API token, if any; never printed
   * @param timeout how long connecting may take, and the device's command timeout the server
   *     answers within (a request may take three times that, plus a cycle's off time)
   */
  ServerClient(URI base, Optional<String> token, Duration timeout) {
    this.base = base;
    this.token = token.filter(t -> !t.isBlank()).map(String::strip);
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * Reads a server address: {@code http} or {@code https}, a host, an optional port and nothing
   * else (no user, path, query or fragment: a token belongs in {@code PDU4J_TOKEN}).
   */
  static URI parseBase(String text) {
    String t = text == null ? "" : text.strip();
    while (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    URI u;
    try {
      u = new URI(t);
    } catch (URISyntaxException e) {
      throw new InvalidArgumentException(
          "--server must be like http://host:8080, got '" + TerminalText.safe(text) + "'", e);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || u.getHost() == null
        || u.getRawUserInfo() != null
        || !(u.getRawPath() == null || u.getRawPath().isEmpty())
        || u.getRawQuery() != null
        || u.getRawFragment() != null) {
      throw new InvalidArgumentException(
          "--server must be http(s)://host[:port] and nothing more, got '"
              + TerminalText.safe(u.getRawUserInfo() != null ? "(with a user part)" : text)
              + "'");
    }
    return u;
  }

  /** The server's address, for messages. */
  URI base() {
    return base;
  }

  /**
   * A device's status as the server has it: what {@code status} renders.
   *
   * @param health the server's word on the device when it is not CONNECTED (its state, since when,
   *     and why), for a status that is then the device's last report
   */
  record Status(
      DeviceInfo info,
      DeviceStatus status,
      Optional<LocalDateTime> clock,
      Optional<ZoneId> clockZone,
      Optional<String> health) {}

  /** {@code GET /api/v1/devices/{name}}. */
  @Override
  public Status status(String device) {
    return parseStatus(send("GET", devicePath(device), null, backstop(Duration.ZERO)));
  }

  /**
   * {@code POST /api/v1/devices/{name}/outlets/{outlet}/on|off|cycle}: the outlet's state once the
   * device confirmed it.
   *
   * @param offTime a cycle's off time, or null for the outlet's own reset delay
   * @param offBound how long the off part may take at most, for the request's timeout
   */
  @Override
  public OutletStatus switchOutlet(
      String device, String outlet, String action, Duration offTime, Duration offBound) {
    String body = offTime == null ? null : "{\"offTime\":\"" + Durations.format(offTime) + "\"}";
    JsonNode answer =
        send(
            "POST",
            devicePath(device) + "/outlets/" + segment(outlet) + "/" + action,
            body,
            backstop(offBound));
    return parseOutlet(answer.path("outlet"));
  }

  /** {@code POST /api/v1/devices/{name}/all/on|off}: the status the device reported after it. */
  @Override
  public Status switchAll(String device, OutletState state) {
    return parseStatus(
        send(
            "POST",
            devicePath(device) + "/all/" + state.name().toLowerCase(Locale.ROOT),
            null,
            backstop(Duration.ZERO)));
  }

  /** An outlet's stored settings and its state, as the server's settings route answers them. */
  record OutletSettings(int number, OutletConfig config, OutletState state) {}

  /**
   * {@code GET /api/v1/devices/{name}/outlets/{outlet}/settings}, or with {@code change} a {@code
   * PUT} of it (name, type, delaySeconds; absent fields keep the device's value): the settings the
   * device then reads back.
   */
  OutletSettings outletSettings(String device, String outlet, ObjectNode change) {
    JsonNode n =
        send(
            change == null ? "GET" : "PUT",
            devicePath(device) + "/outlets/" + segment(outlet) + "/settings",
            change == null ? null : DeviceJson.write(change),
            backstop(Duration.ZERO));
    try {
      if (!n.path("outlet").canConvertToInt() || !n.path("delaySeconds").canConvertToLong()) {
        throw new IllegalArgumentException("no outlet number or delaySeconds");
      }
      return new OutletSettings(
          n.path("outlet").asInt(),
          new OutletConfig(
              required(n, "name"),
              OutletType.valueOf(required(n, "type").toUpperCase(Locale.ROOT)),
              Duration.ofSeconds(n.path("delaySeconds").asLong())),
          OutletState.parse(required(n, "state")));
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("the server's settings answer cannot be read: " + e.getMessage());
    }
  }

  /** A {@code POST} of {@code path} (under the base) without a body: the server's JSON answer. */
  JsonNode post(String path) {
    return send("POST", path, null, backstop(Duration.ZERO));
  }

  private static String devicePath(String device) {
    if (device == null || device.isBlank()) {
      throw new InvalidArgumentException("with --server, name a device of the server");
    }
    return "/api/v1/devices/" + segment(device.strip());
  }

  /** One path segment, percent-encoded ({@code /} too: an Enistic outlet id holds one). */
  static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The server answers within the device's own bounds; this is the backstop against a hang. */
  private Duration backstop(Duration extra) {
    return timeout.multipliedBy(3).plusSeconds(1).plus(extra);
  }

  private JsonNode send(String method, String path, String body, Duration requestTimeout) {
    URI uri = URI.create(base + path);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(requestTimeout)
            .header("Accept", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    String where = method + " " + uri;
    HttpResponse<InputStream> r;
    String text;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      text = readBounded(r.body(), where);
    } catch (HttpConnectTimeoutException e) {
      throw new DeviceUnreachableException(
          "cannot reach the server " + base + ": no connection within " + Durations.format(timeout),
          e);
    } catch (HttpTimeoutException e) {
      throw new DeviceTimeoutException(
          "no answer from the server within " + Durations.format(requestTimeout) + " to " + where,
          e);
    } catch (ConnectException e) {
      throw new DeviceUnreachableException("cannot reach the server " + base + ": " + reason(e), e);
    } catch (IOException e) {
      throw new LinkLostException(where + " failed: " + reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PowerDeviceException("interrupted while waiting for " + where, e);
    }
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(text);
    } catch (IOException e) {
      json = null;
    }
    if (r.statusCode() / 100 == 2) {
      if (json == null || !json.isObject()) {
        throw new ProtocolException(
            where + " answered HTTP " + r.statusCode() + " with something that is not JSON");
      }
      return json;
    }
    throw failure(r.statusCode(), json, where, token.isPresent());
  }

  private static String reason(IOException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static String readBounded(InputStream in, String where) throws IOException {
    try (in) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        throw new ProtocolException(
            where + " answered more than " + MAX_BODY + " bytes; not read further");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /**
   * The one place an API error becomes a CLI failure: its {@code error} is a {@link
   * PowerDeviceException.Kind#tag() kind tag} (the device's failure, passed on by the server) or
   * one of the server's own: {@code unauthorized} and {@code forbidden} are a {@link
   * PowerDeviceException.Kind#LOGIN_DENIED denied login}, {@code not_found} an {@link
   * PowerDeviceException.Kind#INVALID_ARGUMENT invalid argument} (no such device or outlet), {@code
   * not_connected} {@link PowerDeviceException.Kind#UNREACHABLE unreachable}; anything else a
   * {@link PowerDeviceException.Kind#FAILED failure}. {@link ExitCodes} then maps the kind.
   */
  static PowerDeviceException failure(int status, JsonNode body, String where, boolean hadToken) {
    String error = body == null ? "" : body.path("error").asText("");
    String message = body == null ? "" : body.path("message").asText("");
    if (message.isBlank()) {
      message = where + " answered HTTP " + status;
    }
    PowerDeviceException.Kind kind = kindOf(error);
    String text = message + " (HTTP " + status + (error.isEmpty() ? "" : " " + error) + ")";
    if (status == 401) {
      text += hadToken ? "; " + TOKEN_ENV + " holds no token it knows" : "; set " + TOKEN_ENV;
    }
    return exception(kind, text);
  }

  static PowerDeviceException.Kind kindOf(String error) {
    switch (error) {
      case "unauthorized", "forbidden" -> {
        return PowerDeviceException.Kind.LOGIN_DENIED;
      }
      case "not_found" -> {
        return PowerDeviceException.Kind.INVALID_ARGUMENT;
      }
      case "not_connected" -> {
        return PowerDeviceException.Kind.UNREACHABLE;
      }
      default -> {
        for (PowerDeviceException.Kind k : PowerDeviceException.Kind.values()) {
          if (k.tag().equals(error)) {
            return k;
          }
        }
        return PowerDeviceException.Kind.FAILED;
      }
    }
  }

  /** An exception of this kind with this message. */
  static PowerDeviceException exception(PowerDeviceException.Kind kind, String message) {
    return switch (kind) {
      case INVALID_ARGUMENT -> new InvalidArgumentException(message);
      case UNSUPPORTED -> new UnsupportedCapabilityException(message);
      case REJECTED -> new DeviceRejectedException(message);
      case LOGIN_DENIED -> new LoginDeniedException(message);
      case NOT_CONFIRMED -> new StateNotConfirmedException(message);
      case TIMEOUT -> new DeviceTimeoutException(message);
      case LINK_LOST -> new LinkLostException(message);
      case UNREACHABLE -> new DeviceUnreachableException(message);
      case BUSY -> new DeviceBusyException(message);
      case PROTOCOL -> new ProtocolException(message);
      case CLOSED -> new DeviceClosedException(message);
      case FAILED, CANCELLED, INTERNAL -> new PowerDeviceException(message);
    };
  }

  // ---------------------------------------------------------------- the JSON of DeviceJson, back

  /** A device JSON ({@link DeviceJson#status}, as the server sends it) back into values. */
  static Status parseStatus(JsonNode n) {
    try {
      JsonNode d = n.path("device");
      DeviceInfo info =
          new DeviceInfo(
              required(d, "driver"),
              optional(d, "vendor").orElse(""),
              optional(d, "model").orElse(""),
              optional(d, "serial"),
              Optional.empty(),
              optional(d, "firmware"),
              required(d, "address"));
      OptionalDouble volts = number(n.path("input"), "voltage");
      OptionalDouble watts = number(n.path("input"), "power");
      Optional<PowerReading> input =
          volts.isEmpty() && watts.isEmpty()
              ? Optional.empty()
              : Optional.of(new PowerReading(volts, watts));
      List<OutletStatus> outlets = new ArrayList<>();
      JsonNode list = n.path("outlets");
      if (!list.isArray()) {
        throw new IllegalArgumentException("no outlets list");
      }
      for (JsonNode o : list) {
        outlets.add(parseOutlet(o));
      }
      Optional<LocalDateTime> clock = optional(n, "clock").map(LocalDateTime::parse);
      // the zone the server takes the device's clock in (absent from servers before it was sent)
      Optional<ZoneId> zone = optional(n, "clockZone").map(ZoneId::of);
      Instant at = optional(n, "receivedAt").map(Instant::parse).orElseGet(Instant::now);
      JsonNode h = n.path("health");
      String state = h.path("state").asText("");
      Optional<String> health =
          state.isEmpty() || state.equals("CONNECTED")
              ? Optional.empty()
              : Optional.of(
                  state
                      + optional(h, "since").map(t -> " since " + t).orElse("")
                      + optional(h, "message").map(m -> ": " + m).orElse(""));
      return new Status(info, new DeviceStatus(at, input, outlets, clock), clock, zone, health);
    } catch (IllegalArgumentException | NullPointerException | java.time.DateTimeException e) {
      // DateTimeException: a clock or a clockZone that does not parse
      throw new ProtocolException("the server's device answer cannot be read: " + e.getMessage());
    }
  }

  /** One outlet of {@link DeviceJson#outlet} back into its status. */
  static OutletStatus parseOutlet(JsonNode o) {
    try {
      if (!o.path("number").canConvertToInt()) {
        throw new IllegalArgumentException("an outlet without a number");
      }
      int number = o.path("number").asInt();
      OptionalDouble watts = number(o, "power");
      Set<OutletCapability> caps = EnumSet.noneOf(OutletCapability.class);
      if (o.path("switchable").asBoolean(false)) {
        caps.add(OutletCapability.SWITCHABLE);
      }
      if (watts.isPresent()) {
        caps.add(OutletCapability.METERED);
      }
      return new OutletStatus(
          number,
          optional(o, "id").orElse(Integer.toString(number)),
          optional(o, "name").orElse(""),
          OutletState.parse(required(o, "state")),
          number(o, "voltage"),
          watts,
          caps);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ProtocolException("the server's outlet answer cannot be read: " + e.getMessage());
    }
  }

  private static String required(JsonNode n, String field) {
    return optional(n, field)
        .orElseThrow(() -> new IllegalArgumentException("no '" + field + "' field"));
  }

  private static Optional<String> optional(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
  }

  private static OptionalDouble number(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isNumber() ? OptionalDouble.of(v.asDouble()) : OptionalDouble.empty();
  }
}
