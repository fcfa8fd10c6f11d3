package io.pdu4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.config.Pdu4jConfig;
import io.pdu4j.spi.Backoff;
import io.pdu4j.spi.Durations;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@code pdu4j serve} runs: the runtime with every configured device, kept open (a device that
 * cannot be opened is retried with backoff and jitter), and an HTTP server with {@code /metrics}
 * (Prometheus text) and {@code /health} (JSON). {@link #start} never waits for a device.
 */
final class FleetServer implements AutoCloseable {
  /** The first retry of a device that could not be opened, doubling up to {@link #MAX_RETRY}. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);

  static final Duration MAX_RETRY = Duration.ofMinutes(1);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrometheusMeterRegistry registry;
  private final PowerRuntime runtime;
  private final HttpServer http;
  private final ExecutorService httpThreads;
  private final ScheduledExecutorService retries;
  private final Map<String, Supervised> devices = new LinkedHashMap<>();
  private final PrintWriter log;
  private final Clock clock = Clock.systemUTC();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Object closeLock = new Object();
  private volatile boolean closed;

  /** One configured device and where it stands. */
  private final class Supervised {
    final DeviceConfig config;
    final Backoff backoff = new Backoff(FIRST_RETRY, MAX_RETRY);
    volatile String state = "CONNECTING";
    volatile String error;
    volatile Instant since = clock.instant();
    volatile PowerDevice device;

    Supervised(DeviceConfig config) {
      this.config = config;
    }

    void open() {
      if (closed) {
        return;
      }
      runtime.openAsync(config).whenComplete((d, failure) -> opened(d, failure));
    }

    private void opened(PowerDevice d, Throwable failure) {
      if (failure == null) {
        device = d;
        synchronized (this) {
          backoff.reset();
        }
        d.subscribe(
            e -> {
              if (e instanceof DeviceEvent.Connection c) {
                changed(c.current().name(), c.reason().orElse(null));
              }
            });
        changed(d.connectionState().name(), null);
        return;
      }
      if (closed) {
        return;
      }
      Throwable t = ExitCodes.unwrap(failure);
      if (t instanceof InvalidArgumentException) {
        // a bad address or option: retrying cannot help
        changed("FAILED", t.getMessage());
        return;
      }
      Duration delay;
      synchronized (this) {
        delay = backoff.next();
      }
      // up to a quarter more, so that a fleet that lost power does not come back in step
      delay = delay.plusMillis(ThreadLocalRandom.current().nextLong(delay.toMillis() / 4 + 1));
      changed("UNREACHABLE", t.getMessage() + "; retrying in " + Durations.format(delay));
      try {
        retries.schedule(this::open, delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }

    synchronized void changed(String newState, String why) {
      if (newState.equals(state) && java.util.Objects.equals(why, error)) {
        return;
      }
      state = newState;
      error = why;
      since = clock.instant();
      if (!closed || newState.equals(ConnectionState.CLOSED.name())) {
        log(config.name() + ": " + newState + (why == null ? "" : " (" + why + ")"));
      }
    }
  }

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
    this.retries = Executors.newSingleThreadScheduledExecutor(daemon("pdu4j-serve-retry"));
    this.httpThreads = Executors.newFixedThreadPool(2, daemon("pdu4j-serve-http"));
    try {
      this.http = HttpServer.create(new InetSocketAddress(where.host(), where.port()), 0);
    } catch (IOException | RuntimeException e) {
      runtime.close();
      retries.shutdownNow();
      httpThreads.shutdownNow();
      registry.close();
      throw new InvalidArgumentException(
          "cannot listen on " + where.host() + ":" + where.port() + ": " + e.getMessage(), e);
    }
    http.setExecutor(httpThreads);
    http.createContext("/metrics", this::metrics);
    http.createContext("/health", this::health);
    http.createContext("/", ex -> reply(ex, 404, "text/plain", "not found; try /metrics\n"));
    config.devices().values().forEach(d -> devices.put(d.name(), new Supervised(d)));
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
            + server.devices.size()
            + " device(s); metrics at http://"
            + hostForUrl(server.address())
            + "/metrics, health at /health");
    server.devices.values().forEach(Supervised::open);
    return server;
  }

  private static String hostForUrl(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** Where the HTTP server listens (the real port when the configuration asked for 0). */
  InetSocketAddress address() {
    return http.getAddress();
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

  private void metrics(HttpExchange ex) throws IOException {
    if (!get(ex, "/metrics")) {
      return;
    }
    reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
  }

  private void health(HttpExchange ex) throws IOException {
    if (!get(ex, "/health")) {
      return;
    }
    reply(ex, 200, "application/json", healthJson());
  }

  /** The health document: every device's state, and UP only when all are connected. */
  String healthJson() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode list = JSON.createObjectNode();
    boolean all = true;
    for (Supervised s : devices.values()) {
      ObjectNode d = list.putObject(s.config.name());
      d.put("state", s.state);
      d.put("address", s.config.address());
      d.put("since", s.since.toString());
      if (s.error != null) {
        d.put("error", s.error);
      }
      all &= s.state.equals(ConnectionState.CONNECTED.name());
    }
    root.put("status", all ? "UP" : "DEGRADED");
    root.set("devices", list);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean get(HttpExchange ex, String path) throws IOException {
    if (!ex.getRequestURI().getPath().equals(path)) {
      reply(ex, 404, "text/plain", "not found\n");
      return false;
    }
    String method = ex.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      ex.getResponseHeaders().add("Allow", "GET, HEAD");
      reply(ex, 405, "text/plain", "method not allowed\n");
      return false;
    }
    return true;
  }

  private static void reply(HttpExchange ex, int status, String type, String body)
      throws IOException {
    try (ex) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", type);
      boolean head = ex.getRequestMethod().equals("HEAD");
      ex.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  /** Stops the HTTP server, the retries and the runtime (closing every device). Idempotent. */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
      log("stopping");
      http.stop(0);
      retries.shutdownNow();
      httpThreads.shutdownNow();
      runtime.close();
      registry.close();
      log("stopped");
      stopped.countDown();
    }
  }

  /** The device states, for tests: name to state. */
  Map<String, String> states() {
    Map<String, String> m = new LinkedHashMap<>();
    devices.values().forEach(s -> m.put(s.config.name(), s.state));
    return m;
  }

  /** The device configured under {@code name}, once it is open (the demo drives it). */
  Optional<PowerDevice> device(String name) {
    return Optional.ofNullable(devices.get(name)).map(s -> s.device);
  }

  /** The devices currently open, for tests. */
  List<PowerDevice> openDevices() {
    List<PowerDevice> l = new ArrayList<>();
    devices.values().forEach(s -> Optional.ofNullable(s.device).ifPresent(l::add));
    return l;
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
