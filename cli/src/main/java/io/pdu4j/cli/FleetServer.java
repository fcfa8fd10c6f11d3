package io.pdu4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceHealth;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.config.Pdu4jConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * What {@code pdu4j serve} runs: the runtime {@linkplain PowerRuntime#supervise supervising} every
 * configured device (opened in the background, retried with backoff and jitter, reconnected,
 * recycled when quiet), and an HTTP server with {@code /metrics} (Prometheus text) and {@code
 * /health} (JSON: each device's state, problem, message and since when). {@link #start} never waits
 * for a device.
 */
final class FleetServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Connections served at once; one more is answered 503 and closed. */
  static final int HTTP_MAX_CONNECTIONS = 32;

  /** A connection that sends nothing for this long is closed. */
  static final Duration HTTP_IDLE_TIMEOUT = Duration.ofSeconds(5);

  /** The whole request head must arrive within this. */
  static final Duration HTTP_HEADER_TIMEOUT = Duration.ofSeconds(10);

  /** A response not read by the client within this is abandoned. */
  static final Duration HTTP_RESPONSE_TIMEOUT = Duration.ofSeconds(30);

  private final PrometheusMeterRegistry registry;
  private final PowerRuntime runtime;
  private final MonitoringHttpServer http;
  private final List<DeviceConfig> configured;
  private final Map<String, SupervisedDevice> devices = new LinkedHashMap<>();
  private final PrintWriter log;
  private final Clock clock = Clock.systemUTC();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Object closeLock = new Object();
  private volatile boolean closed;

  private FleetServer(Pdu4jConfig config, Optional<Path> plugins, PrintWriter log) {
    this.log = log;
    io.pdu4j.runtime.config.PrometheusConfig where =
        config.prometheus().orElse(io.pdu4j.runtime.config.PrometheusConfig.defaults());
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PowerRuntime.Builder builder = PowerRuntime.builder().meterRegistry(registry);
    plugins.ifPresent(builder::pluginDirectory);
    this.runtime = builder.build();
    runtime.drivers().stream()
        .filter(d -> d.plugin().isPresent())
        .forEach(
            d ->
                log(
                    "plugin driver '"
                        + d.code()
                        + "' version "
                        + d.plugin().get().version()
                        + " from "
                        + d.plugin().get().jar()));
    runtime.transports().stream()
        .filter(t -> t.plugin().isPresent())
        .forEach(
            t ->
                log(
                    "plugin transport '"
                        + t.scheme()
                        + "' version "
                        + t.plugin().get().version()
                        + " from "
                        + t.plugin().get().jar()));
    runtime.pluginProblems().forEach(p -> log("plugin " + p.jar() + " skipped: " + p.message()));
    Map<MonitoringHttpServer.Outcome, Counter> outcomes =
        new java.util.EnumMap<>(MonitoringHttpServer.Outcome.class);
    for (MonitoringHttpServer.Outcome o : MonitoringHttpServer.Outcome.values()) {
      outcomes.put(
          o,
          Counter.builder("pdu.http.connections")
              .description("connections to serve's HTTP server, by what became of them")
              .tag("outcome", o.tag())
              .register(registry));
    }
    try {
      this.http =
          new MonitoringHttpServer(
              new InetSocketAddress(where.host(), where.port()),
              Map.of(
                  "/metrics",
                  () ->
                      new MonitoringHttpServer.Response(
                          200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()),
                  "/health",
                  () -> new MonitoringHttpServer.Response(200, "application/json", healthJson())),
              HTTP_MAX_CONNECTIONS,
              HTTP_IDLE_TIMEOUT,
              HTTP_HEADER_TIMEOUT,
              HTTP_RESPONSE_TIMEOUT,
              o -> outcomes.get(o).increment());
    } catch (IOException | RuntimeException e) {
      runtime.close();
      registry.close();
      throw new InvalidArgumentException(
          "cannot listen on " + where.host() + ":" + where.port() + ": " + e.getMessage(), e);
    }
    this.configured = List.copyOf(config.devices().values());
  }

  /** Starts serving and opening every device; returns at once. */
  static FleetServer start(Pdu4jConfig config, PrintWriter log) {
    return start(config, config.pluginsDir(), log);
  }

  /** Starts serving, with the plugin jars of {@code plugins} (not the file's) when present. */
  static FleetServer start(Pdu4jConfig config, Optional<Path> plugins, PrintWriter log) {
    FleetServer server = new FleetServer(config, plugins, log);
    server.http.start();
    server.log(
        "serving "
            + server.configured.size()
            + " device(s); metrics at http://"
            + hostForUrl(server.address())
            + "/metrics, health at /health");
    if (!server.address().getAddress().isLoopbackAddress()) {
      server.log(
          "WARNING: /metrics and /health are served on "
              + hostForUrl(server.address())
              + " without authentication: anyone who can reach it can read every device's"
              + " address, state and readings; bind to 127.0.0.1 (the default) and put an"
              + " authenticating proxy in front, or restrict access with a firewall");
    }
    try {
      server.superviseAll();
    } catch (RuntimeException | Error e) {
      // never leave the HTTP server answering for devices nobody runs
      server.close();
      throw e;
    }
    return server;
  }

  /** Hands every configured device to the runtime; each health change is logged. */
  private void superviseAll() {
    for (DeviceConfig d : configured) {
      SupervisedDevice s = runtime.supervise(d);
      synchronized (devices) {
        devices.put(d.name(), s);
      }
      s.subscribe(h -> changed(d.name(), h));
    }
  }

  private void changed(String name, DeviceHealth h) {
    if (closed && h.state() != ConnectionState.CLOSED) {
      return;
    }
    log(name + ": " + describe(h));
  }

  /** {@code OFFLINE communication_error (connection refused)}, {@code CONNECTED}. */
  static String describe(DeviceHealth h) {
    return h.state()
        + h.problem().map(p -> " " + p.tag()).orElse("")
        + h.message().map(m -> " (" + m + ")").orElse("");
  }

  /** The supervised devices by name, in configuration order. */
  Map<String, SupervisedDevice> devices() {
    synchronized (devices) {
      return new LinkedHashMap<>(devices);
    }
  }

  private static String hostForUrl(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** Where the HTTP server listens (the real port when the configuration asked for 0). */
  InetSocketAddress address() {
    return http.address();
  }

  /** Blocks until {@link #close()} has finished. */
  void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  private void log(String line) {
    synchronized (log) {
      log.println(clock.instant() + " " + line);
      log.flush();
    }
  }

  /**
   * The health document: every device's state, problem (when OFFLINE), message, address and since
   * when; {@code UP} when all are connected, else {@code DEGRADED}.
   */
  String healthJson() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode list = JSON.createObjectNode();
    boolean all = true;
    for (SupervisedDevice s : devices().values()) {
      DeviceHealth h = s.health();
      ObjectNode d = list.putObject(s.name());
      d.put("state", h.state().name());
      h.problem().ifPresent(p -> d.put("problem", p.name()));
      h.message().ifPresent(m -> d.put("message", m));
      d.put("address", s.address());
      d.put("since", h.since().toString());
      all &= h.isConnected();
    }
    // a configured device that is not supervised (it could not even be handed over) is not up
    all &= list.size() == configured.size();
    root.put("status", all ? "UP" : "DEGRADED");
    root.set("devices", list);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stops the HTTP server, then the runtime (every supervision, every device, the I/O threads).
   * Idempotent.
   */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
      log("stopping");
      http.close();
      runtime.close();
      registry.close();
      log("stopped");
      stopped.countDown();
    }
  }

  /** The device states, for tests: name to state. */
  Map<String, String> states() {
    Map<String, String> m = new LinkedHashMap<>();
    devices().forEach((name, s) -> m.put(name, s.health().state().name()));
    return m;
  }

  /** The device configured under {@code name}, once it is open (the demo drives it). */
  Optional<PowerDevice> device(String name) {
    return Optional.ofNullable(devices().get(name)).flatMap(SupervisedDevice::device);
  }

  /** The devices currently open, for tests. */
  List<PowerDevice> openDevices() {
    List<PowerDevice> l = new ArrayList<>();
    devices().values().forEach(s -> s.device().ifPresent(l::add));
    return l;
  }
}
