package io.pdu4j.cli;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceHealth;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.mqtt.MqttBridge;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.ApiConfig;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.config.GroupConfig;
import io.pdu4j.runtime.config.HostScheduleConfig;
import io.pdu4j.runtime.config.MqttConfig;
import io.pdu4j.runtime.config.Pdu4jConfig;
import io.pdu4j.runtime.config.PdudaemonConfig;
import io.pdu4j.runtime.config.Shard;
import io.pdu4j.server.ControlServer;
import java.io.PrintWriter;
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
 * recycled when quiet), and the server module's HTTP server with {@code /metrics} (Prometheus or
 * OpenMetrics text, with JVM and process meters), {@code /health} and {@code /health/ready} (JSON:
 * each device's state, problem, message and since when) and, when the configuration has an {@code
 * api} section, the control API; with an {@code mqtt} section, the MQTT bridge (docs/mqtt.md).
 * {@link #start} never waits for a device or the broker.
 */
final class FleetServer implements AutoCloseable {
  /** Connections served at once; more wait in the listen backlog until one closes. */
  static final int HTTP_MAX_CONNECTIONS = 32;

  /** A connection that sends nothing for this long is closed. */
  static final Duration HTTP_IDLE_TIMEOUT = Duration.ofSeconds(5);

  /** The whole request head must arrive within this. */
  static final Duration HTTP_HEADER_TIMEOUT = Duration.ofSeconds(10);

  /** How long stopping lets requests in flight (device commands) finish. */
  static final Duration HTTP_STOP_TIMEOUT = Duration.ofSeconds(5);

  private final ServeMetrics metrics = new ServeMetrics();
  private final PowerRuntime runtime;
  private final InetSocketAddress where;
  private final java.util.Set<String> outletSeries; // the per-outlet families /metrics writes
  private final Optional<ApiConfig> api;
  private final Map<String, GroupConfig> groups;
  private final Optional<PdudaemonConfig> pdudaemon;
  private final Map<String, HostScheduleConfig> schedules;
  private volatile ControlServer http;
  private final Optional<MqttConfig> mqtt;
  private volatile MqttBridge bridge;
  private final List<DeviceConfig> configured;
  private final java.util.Set<String> allNames;
  private final Shard shard;
  private final Map<String, SupervisedDevice> devices = new LinkedHashMap<>();
  private final PrintWriter log;
  private final Clock clock = Clock.systemUTC();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Object closeLock = new Object();
  private volatile boolean closed;

  private FleetServer(Pdu4jConfig config, Optional<Path> plugins, Shard shard, PrintWriter log) {
    this.log = log;
    this.shard = shard;
    io.pdu4j.runtime.config.PrometheusConfig where =
        config.prometheus().orElse(io.pdu4j.runtime.config.PrometheusConfig.defaults());
    this.outletSeries = where.outlets();
    PowerRuntime.Builder builder =
        PowerRuntime.builder()
            .meterRegistry(metrics.registry())
            .maxOpening(config.runtime().maxOpening())
            .powerHistoryStep(config.runtime().historyStep())
            .ioBatchWindow(config.runtime().ioBatchWindow());
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
    this.where = new InetSocketAddress(where.host(), where.port());
    this.api = config.api();
    this.groups = config.groups();
    this.pdudaemon = config.pdudaemon();
    this.schedules = config.schedules();
    this.configured = config.devices().values().stream().filter(d -> shard.owns(d.name())).toList();
    this.allNames = java.util.Set.copyOf(config.devices().keySet());
    if (shard.count() > 1) {
      log(
          "shard "
              + shard
              + ": "
              + configured.size()
              + " of the "
              + allNames.size()
              + " configured devices are this instance's");
    }
    this.mqtt = config.mqtt();
  }

  /** Starts serving and opening every device; returns at once. */
  static FleetServer start(Pdu4jConfig config, PrintWriter log) {
    return start(config, config.pluginsDir(), log);
  }

  /** Starts serving, with the plugin jars of {@code plugins} (not the file's) when present. */
  static FleetServer start(Pdu4jConfig config, Optional<Path> plugins, PrintWriter log) {
    return start(config, plugins, Shard.ALL, log);
  }

  /**
   * Starts serving the devices of {@code shard} only (all of them for {@link Shard#ALL}); the MQTT
   * bridge answers for the others' names only when they are configured nowhere and hash to this
   * shard.
   */
  static FleetServer start(
      Pdu4jConfig config, Optional<Path> plugins, Shard shard, PrintWriter log) {
    FleetServer server = new FleetServer(config, plugins, shard, log);
    try {
      server.superviseAll();
      server.http = server.serve();
      server.bridge = server.mqtt.map(server::bridge).orElse(null);
    } catch (RuntimeException | Error e) {
      // never leave devices running that nobody serves
      server.close();
      throw e;
    }
    server.log(
        "serving "
            + server.configured.size()
            + " device(s); metrics at http://"
            + hostForUrl(server.address())
            + "/metrics, health at /health"
            + server
                .http
                .apiAddress()
                .map(
                    a ->
                        ", API at "
                            + (server.api.flatMap(ApiConfig::tls).isPresent() ? "https" : "http")
                            + "://"
                            + hostForUrl(a)
                            + "/api/v1")
                .orElse(""));
    if (!server.address().getAddress().isLoopbackAddress()) {
      server.log(
          "WARNING: /metrics and /health are served on "
              + hostForUrl(server.address())
              + " without authentication: anyone who can reach it can read every device's"
              + " address, state and readings; bind to 127.0.0.1 (the default) and put an"
              + " authenticating proxy in front, or restrict access with a firewall");
    }
    return server;
  }

  /** The HTTP server: monitoring, and the API when the configuration has one. */
  private ControlServer serve() {
    ControlServer.Builder b =
        ControlServer.builder()
            .devices(new ArrayList<>(devices().values()))
            .monitoring(where)
            .streamedRoute("/metrics", accept -> metrics.stream(accept, outletSeries))
            .groups(groups)
            .meterRegistry(metrics.registry())
            .maxConnections(HTTP_MAX_CONNECTIONS)
            .idleTimeout(HTTP_IDLE_TIMEOUT)
            .headerTimeout(HTTP_HEADER_TIMEOUT)
            .stopTimeout(HTTP_STOP_TIMEOUT)
            .log(this::log);
    api.ifPresent(b::api);
    pdudaemon.ifPresent(b::pdudaemon);
    b.schedules(schedules);
    try {
      return b.start();
    } catch (InvalidArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("cannot listen")) {
        throw new InvalidArgumentException(
            "cannot listen on "
                + where.getHostString()
                + ":"
                + where.getPort()
                + api.map(a -> " or " + a.host() + ":" + a.port()).orElse("")
                + ": "
                + e.getMessage(),
            e);
      }
      throw e;
    }
  }

  /**
   * The MQTT bridge of every device, its commands audited in the API's audit file when there is
   * one.
   */
  private MqttBridge bridge(MqttConfig configured) {
    MqttConfig c = configured;
    if (shard.count() > 1) {
      // each shard is a node of its own: its status, last will and device list
      String base = c.node().length() > 58 ? c.node().substring(0, 58) : c.node();
      c =
          new MqttConfig(
              c.url(),
              c.username(),
              c.password(),
              c.prefix(),
              base + "-" + shard.index(),
              c.homeAssistant(),
              c.trustStore(),
              c.trustStorePassword());
    }
    ControlServer audit = http;
    MqttBridge b =
        MqttBridge.builder()
            .config(c)
            .devices(new ArrayList<>(devices().values()))
            .configured(allNames)
            .owns(shard::owns)
            .groups(groups)
            .meterRegistry(metrics.registry())
            .audit(
                m ->
                    audit.audit(
                        "mqtt:" + m.topic(),
                        m.device(),
                        m.outlet(),
                        m.group(),
                        m.action(),
                        m.outcome(),
                        m.duration()))
            .log(this::log)
            .start();
    log(
        "MQTT bridge to "
            + c.url()
            + " as node "
            + c.node()
            + ", topics under "
            + c.prefix()
            + "/");
    return b;
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

  /** Where /metrics and /health are served (the real port when the configuration asked for 0). */
  InetSocketAddress address() {
    return http.monitoringAddress().orElseThrow();
  }

  /** Where pdudaemon's requests are answered, when the configuration asks for it. */
  Optional<InetSocketAddress> pdudaemonAddress() {
    return http.pdudaemonAddress();
  }

  /** Where the API is served, when the configuration has one. */
  Optional<InetSocketAddress> apiAddress() {
    return http.apiAddress();
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
      if (bridge != null) {
        bridge.close(); // publishes the node and its devices offline while it still can
      }
      if (http != null) {
        http.close(); // lets commands in flight finish (bounded), before the devices close
      }
      runtime.close();
      metrics.close();
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
