package io.pdu4j.server.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.runtime.config.ApiConfig;
import io.pdu4j.runtime.config.GroupConfig;
import io.pdu4j.runtime.config.OutletRef;
import io.pdu4j.server.ControlServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The {@link ControlServer} on Jetty's core API (no servlets): one Jetty server with one connector
 * per address, a bounded thread pool and queue, a connection limit per connector, the header
 * timeout of {@link ConnectionWatch}, a request size limit, the bodies of requests read to their
 * end before they are answered ({@link UnreadBodies}) and graceful stop.
 */
public final class JettyControlServer implements ControlServer {
  /** Threads of the pool at most: request work is short, device commands wait on no thread. */
  static final int MAX_THREADS = 24;

  /** Request heads (line and headers) larger than this are refused with 431. */
  static final int MAX_HEAD_BYTES = 8 * 1024;

  private final ServerSettings settings;
  private final Server server;
  private final EventHub events = new EventHub();
  private final ScheduledThreadPoolExecutor timer;
  private final Optional<AuditLog> audit;
  private final ServerConnector apiConnector;
  private final ServerConnector monitoringConnector;
  private final ServerConnector pdudaemonConnector;
  private final boolean tls;
  private final Object closeLock = new Object();
  private boolean closed;

  private JettyControlServer(ServerSettings s) {
    this.settings = s;
    Optional<ApiConfig> api = s.api;
    for (io.pdu4j.runtime.config.HostScheduleConfig h : s.schedules.values()) {
      for (OutletRef o : h.outlets()) {
        if (!s.devices.containsKey(o.device())) {
          throw new InvalidArgumentException(
              "schedule " + h.name() + ": outlet " + o + " names no served device");
        }
      }
    }
    for (GroupConfig g : s.groups.values()) {
      for (OutletRef o : g.outlets()) {
        if (!s.devices.containsKey(o.device())) {
          throw new InvalidArgumentException(
              "group " + g.name() + ": outlet " + o + " names no served device");
        }
      }
    }
    Optional<Tokens> tokens = Optional.empty();
    if (api.isPresent()) {
      ApiConfig a = api.get();
      boolean loopback = isLoopback(a.host());
      if (!a.authenticated() && !loopback) {
        throw new InvalidArgumentException(
            "api.host "
                + a.host()
                + " is not a loopback address and api has no auth: an API that can switch power"
                + " must not be open to the network; add api.auth.tokens, or bind to 127.0.0.1");
      }
      if (a.authenticated()) {
        tokens = Optional.of(Tokens.resolve(a.tokens().values()));
      }
    }
    // before anything that would need closing: a bad key store stops the start here
    SslContextFactory.Server ssl = api.flatMap(ApiConfig::tls).map(TlsContext::of).orElse(null);
    this.tls = ssl != null;
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "pdu4j-http-timer");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    this.audit = api.flatMap(ApiConfig::audit).map(f -> AuditLog.open(f, s.log));

    // Jetty's own queue stays unbounded, as Jetty requires (a bounded job queue can reject the
    // critical jobs it runs for a connection, and Jetty 12.1 warns about it at start). What bounds
    // the work is the connection limit below: each connection has a bounded number of jobs in
    // flight, so the queue can never hold more than maxConnections' worth.
    QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 4, 60_000);
    pool.setName("pdu4j-http");
    pool.setDaemon(true);
    this.server = new Server(pool);
    server.setStopTimeout(s.stopTimeout.toMillis());
    server.setStopAtShutdown(false);
    Map<ConnectionWatch.Outcome, Runnable> counts = new EnumMap<>(ConnectionWatch.Outcome.class);
    for (ConnectionWatch.Outcome o : ConnectionWatch.Outcome.values()) {
      counts.put(
          o,
          s.registry
              .<Runnable>map(
                  r ->
                      Counter.builder("pdu.http.connections")
                              .description(
                                  "connections to serve's HTTP server, by what became of them")
                              .tag("outcome", o.tag())
                              .register(r)
                          ::increment)
              .orElse(() -> {}));
    }
    ConnectionWatch watch =
        new ConnectionWatch(timer, s.headerTimeout, s.idleTimeout, o -> counts.get(o).run());

    InetSocketAddress apiAt = api.map(a -> new InetSocketAddress(a.host(), a.port())).orElse(null);
    InetSocketAddress monAt = s.monitoring.orElse(null);
    ServerConnector apiC = apiAt == null ? null : connector(apiAt, watch, "api", ssl);
    ServerConnector monC;
    if (monAt == null) {
      monC = null;
    } else if (apiAt != null && sameAddress(apiAt, monAt)) {
      monC = apiC; // over TLS too when the API has it
    } else {
      monC = connector(monAt, watch, "monitoring", null);
    }
    this.apiConnector = apiC;
    this.monitoringConnector = monC;
    this.pdudaemonConnector =
        s.pdudaemon
            .map(
                p -> {
                  InetSocketAddress at = new InetSocketAddress(p.host(), p.port());
                  if ((apiAt != null && sameAddress(at, apiAt))
                      || (monAt != null && sameAddress(at, monAt))) {
                    throw new InvalidArgumentException(
                        "pdudaemon listens on "
                            + p.host()
                            + ":"
                            + p.port()
                            + ", as the API or the metrics do: give it a port of its own");
                  }
                  return connector(at, watch, "pdudaemon", null);
                })
            .orElse(null);

    ApiHandler handler = new ApiHandler(s, tokens, audit, events, timer, watch, openApi());
    handler.connectors(apiC, monC, pdudaemonConnector);
    SizeLimitHandler limit = new SizeLimitHandler(ApiHandler.MAX_BODY * 4L, -1);
    limit.setHandler(new UnreadBodies(handler));
    server.setHandler(new GracefulHandler(limit));
    server.setErrorHandler(
        new ApiErrorPages(
            request -> {
              String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
              if (path == null || !path.startsWith("/")) {
                return true;
              }
              if (path.equals("/api") || path.startsWith("/api/")) {
                return true;
              }
              // the API's own listener answers JSON everywhere, unless the metrics share it
              Connector on = request.getConnectionMetaData().getConnector();
              return on == apiC && apiC != monC;
            }));
    s.registry.ifPresent(
        r -> {
          Gauge.builder("pdu.api.event.streams", events, EventHub::streams)
              .description("event stream clients connected")
              .register(r);
          FunctionCounter.builder("pdu.api.event.streams.dropped", events, EventHub::dropped)
              .description("event stream clients dropped for not reading")
              .register(r);
          audit.ifPresent(
              al ->
                  FunctionCounter.builder("pdu.api.audit.failures", al, AuditLog::failures)
                      .description("audit lines lost: queue full or write failed")
                      .register(r));
        });
  }

  /** A connector on {@code at}: HTTP/1.1, over TLS when {@code ssl} is not null. */
  private ServerConnector connector(
      InetSocketAddress at, ConnectionWatch watch, String name, SslContextFactory.Server ssl) {
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(MAX_HEAD_BYTES);
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // an outlet id may hold a '/', sent as %2F within one path segment
    http.setUriCompliance(
        UriCompliance.DEFAULT.with("pdu4j", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
    ServerConnector c;
    if (ssl == null) {
      c = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    } else {
      http.addCustomizer(new SecureRequestCustomizer());
      c =
          new ServerConnector(
              server,
              1,
              1,
              new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
              new HttpConnectionFactory(http));
    }
    c.setName(name);
    c.setHost(at.getHostString());
    c.setPort(at.getPort());
    c.setIdleTimeout(settings.idleTimeout.toMillis());
    c.setAcceptQueueSize(64);
    c.setReuseAddress(true);
    // a fixed send buffer per connection: bounded memory, and a client that stops reading is
    // noticed (its writes stay pending) after kilobytes, not after the kernel grew it to megabytes
    c.setAcceptedSendBufferSize(settings.sendBuffer);
    c.addEventListener(watch);
    server.addConnector(c);
    server.addBean(new NetworkConnectionLimit(settings.maxConnections, c));
    return c;
  }

  private static boolean sameAddress(InetSocketAddress a, InetSocketAddress b) {
    return a.getPort() == b.getPort()
        && a.getPort() != 0
        && a.getHostString().equals(b.getHostString());
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String openApi() {
    try (InputStream in = JettyControlServer.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read openapi.json", e);
    }
  }

  /** Binds and serves; see {@link ControlServer.Builder#start()}. */
  public static ControlServer start(ServerSettings settings) {
    JettyControlServer s = new JettyControlServer(settings);
    try {
      s.server.start();
    } catch (Exception e) {
      s.close();
      throw new InvalidArgumentException("cannot listen: " + bindProblem(e), e);
    }
    s.events.follow(settings.devices);
    if (!settings.schedules.isEmpty()) {
      HostSchedules schedules =
          new HostSchedules(
              settings.clock, settings.schedules, settings.devices, settings.log, s.audit);
      s.timer.scheduleWithFixedDelay(schedules::tick, 1, 1, TimeUnit.SECONDS);
    }
    long keep = settings.keepAlive.toNanos();
    s.timer.scheduleWithFixedDelay(s.events::keepAlive, keep, keep, TimeUnit.NANOSECONDS);
    s.apiAddress()
        .ifPresent(
            a -> {
              String scheme = s.tls ? "https" : "http";
              settings.log.accept(
                  "API at "
                      + scheme
                      + "://"
                      + hostForUrl(a)
                      + "/api/v1, dashboard at "
                      + scheme
                      + "://"
                      + hostForUrl(a)
                      + "/");
              if (!s.tls && !a.getAddress().isLoopbackAddress()) {
                settings.log.accept(
                    "WARNING: the API is served on "
                        + hostForUrl(a)
                        + " over plain HTTP: its tokens cross the network readable by anyone on"
                        + " the path; put a TLS proxy in front or keep it on a trusted network");
              }
            });
    s.pdudaemonAddress()
        .ifPresent(
            a -> {
              settings.log.accept(
                  "pdudaemon requests at http://" + hostForUrl(a) + "/power/control");
              if (!a.getAddress().isLoopbackAddress()) {
                settings.log.accept(
                    "WARNING: pdudaemon requests are answered on "
                        + hostForUrl(a)
                        + " without authentication (pdudaemon's protocol has none): anyone who"
                        + " can reach it can switch every configured outlet; bind to 127.0.0.1"
                        + " or restrict access with a firewall");
              }
            });
    return s;
  }

  private static String bindProblem(Exception e) {
    Throwable t = e;
    while (t.getCause() != null && t.getMessage() == null) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  static String hostForUrl(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  private static Optional<InetSocketAddress> address(ServerConnector c) {
    if (c == null || c.getLocalPort() <= 0) {
      return Optional.empty();
    }
    String host = c.getHost() == null ? "0.0.0.0" : c.getHost();
    return Optional.of(new InetSocketAddress(host, c.getLocalPort()));
  }

  @Override
  public Optional<InetSocketAddress> apiAddress() {
    return address(apiConnector);
  }

  @Override
  public Optional<InetSocketAddress> monitoringAddress() {
    return address(monitoringConnector);
  }

  @Override
  public Optional<InetSocketAddress> pdudaemonAddress() {
    return address(pdudaemonConnector);
  }

  /** Streams dropped for not reading, for tests. */
  public long droppedStreams() {
    return events.dropped();
  }

  /** Event streams open now, for tests. */
  public int openStreams() {
    return events.streams();
  }

  @Override
  public void audit(
      String remote,
      Optional<String> device,
      Optional<String> outlet,
      Optional<String> group,
      String action,
      String outcome,
      java.time.Duration duration) {
    audit.ifPresent(
        a ->
            a.record(
                new AuditLog.Entry(
                    settings.clock.instant(),
                    Optional.empty(),
                    remote,
                    device,
                    outlet,
                    group,
                    action,
                    ApiError.statusOf(outcome),
                    outcome,
                    duration)));
  }

  /** Audit lines lost, for tests; 0 without an audit file. */
  public long auditFailures() {
    return audit.map(AuditLog::failures).orElse(0L);
  }

  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    // event streams never end by themselves: end them first, or the graceful stop waits for them
    events.close();
    try {
      server.stop();
    } catch (Exception e) {
      settings.log.accept("stopping the HTTP server: " + e.getMessage());
    }
    timer.shutdownNow();
    audit.ifPresent(AuditLog::close);
  }
}
