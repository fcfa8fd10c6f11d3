package io.pdu4j.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.ApiConfig;
import io.pdu4j.runtime.config.GroupConfig;
import io.pdu4j.runtime.config.HostScheduleConfig;
import io.pdu4j.runtime.config.PdudaemonConfig;
import io.pdu4j.server.internal.JettyControlServer;
import io.pdu4j.server.internal.ServerSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The HTTP server of {@code pdu4j serve}: the control API ({@code /api/v1}, see docs/api.md) over
 * the runtime's supervised devices, and the monitoring endpoints ({@code /health}, {@code
 * /health/ready} and plain routes such as {@code /metrics}).
 *
 * <p>The API and the monitoring endpoints listen on their own addresses, or share one listener when
 * both are the same. Every resource is bounded: connections, threads, request head and body size,
 * the time a request head may take, idle connections, each event stream's queue. {@link #close()}
 * stops accepting, lets requests in flight (device commands) finish within the stop timeout, then
 * ends. Device commands answer only once the device confirmed them.
 */
public interface ControlServer extends AutoCloseable {

  /** A builder; {@link Builder#start()} binds and serves. */
  static Builder builder() {
    return new Builder();
  }

  /** Where the API listens, when it is served. */
  Optional<InetSocketAddress> apiAddress();

  /** Where {@code /health} and the plain routes are served, when they are. */
  Optional<InetSocketAddress> monitoringAddress();

  /** Where pdudaemon's requests are answered, when they are. */
  Optional<InetSocketAddress> pdudaemonAddress();

  /**
   * Records a control request that reached a device another way than this server (e.g. the MQTT
   * bridge) in the audit file, as the API's own requests are: {@code remote} says where it came
   * from, {@code outcome} is {@code ok} or the error kind the caller answered with ({@code
   * timeout}, {@code rejected}, {@code not_found}, ...), and the status is the one the API gives
   * that kind. Does nothing without an audit file; never blocks.
   */
  void audit(
      String remote,
      Optional<String> device,
      Optional<String> outlet,
      Optional<String> group,
      String action,
      String outcome,
      java.time.Duration duration);

  /**
   * Stops: refuses new requests, ends event streams, waits for requests in flight within the stop
   * timeout, then closes every connection and the audit log. Idempotent.
   */
  @Override
  void close();

  /** Builds a {@link ControlServer}. Not thread-safe. */
  final class Builder {
    private final ServerSettings settings = new ServerSettings();

    private Builder() {}

    /** The devices to serve, by their configured names (the runtime's supervision). */
    public Builder devices(List<SupervisedDevice> devices) {
      Map<String, SupervisedDevice> byName = new LinkedHashMap<>();
      for (SupervisedDevice d : devices) {
        if (byName.put(d.name(), d) != null) {
          throw new InvalidArgumentException("two devices are called '" + d.name() + "'");
        }
      }
      settings.devices = byName;
      return this;
    }

    /** Serves the control API as configured (address, tokens, audit file). */
    public Builder api(ApiConfig api) {
      settings.api = Optional.of(Objects.requireNonNull(api, "api"));
      return this;
    }

    /** The groups of outlets the API switches; each must name served devices. */
    public Builder groups(Map<String, GroupConfig> groups) {
      settings.groups = new LinkedHashMap<>(groups);
      return this;
    }

    /**
     * Answers pdudaemon's {@code GET /power/control/on|off|reboot} requests on a listener of their
     * own (docs/api.md): hostname is a device's name, port an outlet's number or id, alias a group
     * of one outlet. Unauthenticated, as pdudaemon is: a warning is logged beyond loopback.
     */
    public Builder pdudaemon(PdudaemonConfig pdudaemon) {
      settings.pdudaemon = Optional.of(Objects.requireNonNull(pdudaemon, "pdudaemon"));
      return this;
    }

    /**
     * Schedules the host runs (docs/api.md): at their time of day, in {@link #clock}'s zone, their
     * outlets are switched in order, each confirmed, logged and audited.
     */
    public Builder schedules(Map<String, HostScheduleConfig> schedules) {
      settings.schedules = new LinkedHashMap<>(schedules);
      return this;
    }

    /** The clock schedules run by (default: the system's, in its time zone). */
    public Builder clock(java.time.Clock clock) {
      settings.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Serves {@code /health}, {@code /health/ready} and the plain routes at this address. */
    public Builder monitoring(InetSocketAddress address) {
      settings.monitoring = Optional.of(Objects.requireNonNull(address, "address"));
      return this;
    }

    /** A plain {@code GET}/{@code HEAD} route of the monitoring listener, e.g. {@code /metrics}. */
    public Builder route(String path, Supplier<TextResponse> answer) {
      Objects.requireNonNull(answer, "answer");
      return route(path, accept -> answer.get());
    }

    /**
     * A plain {@code GET}/{@code HEAD} route whose answer depends on the request's {@code Accept}
     * header (given as "" when the request has none), e.g. {@code /metrics} in the Prometheus or
     * the OpenMetrics text format.
     */
    public Builder route(String path, Function<String, TextResponse> answer) {
      if (!path.startsWith("/") || path.startsWith("/api/") || path.startsWith("/health")) {
        throw new InvalidArgumentException("a route must start with / and not be /api or /health");
      }
      settings.streamedRoutes.remove(path);
      settings.routes.put(path, Objects.requireNonNull(answer, "answer"));
      return this;
    }

    /**
     * A plain {@code GET}/{@code HEAD} route whose body is streamed: read and sent a chunk at a
     * time, without a {@code Content-Length}, so that a large answer (a fleet's {@code /metrics})
     * is never held whole; compressed with gzip when the request's {@code Accept-Encoding} allows
     * it (as Prometheus's scrapes do), with {@code Vary: Accept-Encoding}. The answer depends on
     * the request's {@code Accept} header, as {@link #route(String, Function)}'s.
     */
    public Builder streamedRoute(String path, Function<String, StreamedResponse> answer) {
      if (!path.startsWith("/") || path.startsWith("/api/") || path.startsWith("/health")) {
        throw new InvalidArgumentException("a route must start with / and not be /api or /health");
      }
      settings.routes.remove(path);
      settings.streamedRoutes.put(path, Objects.requireNonNull(answer, "answer"));
      return this;
    }

    /** Where the server counts connections, dropped event streams and audit failures. */
    public Builder meterRegistry(MeterRegistry registry) {
      settings.registry = Optional.of(Objects.requireNonNull(registry, "registry"));
      return this;
    }

    /** Where warnings and notices go (one line each); SLF4J when not set. */
    public Builder log(Consumer<String> log) {
      settings.log = Objects.requireNonNull(log, "log");
      return this;
    }

    /** Connections served at once per listener (default 64); more wait to be accepted. */
    public Builder maxConnections(int max) {
      if (max < 1) {
        throw new InvalidArgumentException("maxConnections must be at least 1");
      }
      settings.maxConnections = max;
      return this;
    }

    /** A connection silent this long is closed (default 30 s). */
    public Builder idleTimeout(Duration timeout) {
      settings.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    /** A new connection whose first request head is not complete by then is closed (10 s). */
    public Builder headerTimeout(Duration timeout) {
      settings.headerTimeout = positive(timeout, "headerTimeout");
      return this;
    }

    /** How long {@link #close()} lets requests in flight finish (default 10 s). */
    public Builder stopTimeout(Duration timeout) {
      settings.stopTimeout = positive(timeout, "stopTimeout");
      return this;
    }

    /**
     * How often an idle event stream gets a comment line, so that dead clients are found (15 s).
     */
    public Builder eventKeepAlive(Duration interval) {
      settings.keepAlive = positive(interval, "eventKeepAlive");
      return this;
    }

    /** The events queued for one stream client before it is dropped as too slow (default 256). */
    public Builder eventQueue(int capacity) {
      if (capacity < 1) {
        throw new InvalidArgumentException("eventQueue must be at least 1");
      }
      settings.eventQueue = capacity;
      return this;
    }

    /**
     * The socket send buffer of each connection, in bytes (default 64 KiB): bounds the memory a
     * connection holds, and how much a client that stopped reading absorbs before its event stream
     * counts as stalled.
     */
    public Builder sendBuffer(int bytes) {
      if (bytes < 1024) {
        throw new InvalidArgumentException("sendBuffer must be at least 1024 bytes");
      }
      settings.sendBuffer = bytes;
      return this;
    }

    private static Duration positive(Duration d, String what) {
      if (d.isZero() || d.isNegative()) {
        throw new InvalidArgumentException(what + " must be more than 0");
      }
      return d;
    }

    /**
     * Checks the settings, resolves the tokens, opens the audit log, binds and serves.
     *
     * @throws InvalidArgumentException when the settings cannot work: the API bound beyond loopback
     *     without authentication, a token that cannot be read, a group naming an unknown device, an
     *     address that cannot be bound
     */
    public ControlServer start() {
      if (settings.api.isEmpty() && settings.monitoring.isEmpty() && settings.pdudaemon.isEmpty()) {
        throw new InvalidArgumentException(
            "nothing to serve: give api(...), monitoring(...) or pdudaemon(...)");
      }
      return JettyControlServer.start(settings.copy());
    }
  }
}
