package io.pdu4j.server.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.ApiConfig;
import io.pdu4j.runtime.config.GroupConfig;
import io.pdu4j.runtime.config.HostScheduleConfig;
import io.pdu4j.runtime.config.PdudaemonConfig;
import io.pdu4j.server.StreamedResponse;
import io.pdu4j.server.TextResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/** What the builder collected; the server works on a copy. */
public final class ServerSettings {
  public Map<String, SupervisedDevice> devices = new LinkedHashMap<>();
  public Optional<ApiConfig> api = Optional.empty();
  public Map<String, GroupConfig> groups = new LinkedHashMap<>();
  public Optional<InetSocketAddress> monitoring = Optional.empty();
  public Optional<PdudaemonConfig> pdudaemon = Optional.empty();
  public Map<String, HostScheduleConfig> schedules = new LinkedHashMap<>();
  public java.time.Clock clock = java.time.Clock.systemDefaultZone();

  /** The plain routes: each answers from the request's {@code Accept} header ("" when none). */
  public Map<String, Function<String, TextResponse>> routes = new LinkedHashMap<>();

  /** The streamed routes: each answers from the request's {@code Accept} header ("" when none). */
  public Map<String, Function<String, StreamedResponse>> streamedRoutes = new LinkedHashMap<>();

  public Optional<MeterRegistry> registry = Optional.empty();
  public Consumer<String> log = LoggerFactory.getLogger("io.pdu4j.server")::info;
  public int maxConnections = 64;
  public Duration idleTimeout = Duration.ofSeconds(30);
  public Duration headerTimeout = Duration.ofSeconds(10);
  public Duration stopTimeout = Duration.ofSeconds(10);
  public Duration keepAlive = Duration.ofSeconds(15);
  public int eventQueue = 256;
  public int sendBuffer = 64 * 1024;

  /** A copy whose maps the builder no longer changes. */
  public ServerSettings copy() {
    ServerSettings c = new ServerSettings();
    c.devices = new LinkedHashMap<>(devices);
    c.api = api;
    c.groups = new LinkedHashMap<>(groups);
    c.monitoring = monitoring;
    c.pdudaemon = pdudaemon;
    c.schedules = new LinkedHashMap<>(schedules);
    c.clock = clock;
    c.routes = new LinkedHashMap<>(routes);
    c.streamedRoutes = new LinkedHashMap<>(streamedRoutes);
    c.registry = registry;
    c.log = log;
    c.maxConnections = maxConnections;
    c.idleTimeout = idleTimeout;
    c.headerTimeout = headerTimeout;
    c.stopTimeout = stopTimeout;
    c.keepAlive = keepAlive;
    c.eventQueue = eventQueue;
    c.sendBuffer = sendBuffer;
    return c;
  }
}
