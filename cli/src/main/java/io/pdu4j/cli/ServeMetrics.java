package io.pdu4j.cli;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pdu4j.runtime.PrometheusScrape;
import io.pdu4j.runtime.config.PrometheusConfig;
import io.pdu4j.runtime.metrics.PduMeter;
import io.pdu4j.server.StreamedResponse;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The registry of {@code pdu4j serve}: the runtime's and the server's meters, the JVM's and the
 * process's (memory, GC, threads, CPU, uptime, open files) and {@code pdu4j_build_info}, scraped in
 * the Prometheus text format or, when the scraper asks for it, in OpenMetrics. Being a {@link
 * PrometheusMeterRegistry}, it gets the devices' series from the runtime's collector, written at
 * scrape time from the devices' state, and holds no Micrometer meter per device but the command
 * timers (docs/metrics.md).
 */
final class ServeMetrics implements AutoCloseable {
  /** The Prometheus text format, what {@code /metrics} answers unless OpenMetrics is asked for. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** The OpenMetrics text format, answered to {@code Accept: application/openmetrics-text}. */
  static final String OPENMETRICS_TEXT =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  /** The version {@code pdu4j_build_info} reports when the classes do not come from the jar. */
  static final String DEVELOPMENT_VERSION = "development";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  ServeMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    String version = ServeMetrics.class.getPackage().getImplementationVersion();
    Gauge.builder("pdu4j.build.info", () -> 1)
        .description("pdu4j's version and the Java runtime it runs on; always 1")
        .tags(
            "version",
            version == null ? DEVELOPMENT_VERSION : version,
            "java",
            System.getProperty("java.version"))
        .register(registry);
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * {@code /metrics}: OpenMetrics when the {@code Accept} header names {@code
   * application/openmetrics-text} (as Prometheus's does), else the Prometheus text format; the same
   * bytes as {@code registry.scrape(type)} (the devices' series written straight from their state)
   * less the per-outlet families {@code outlets} does not name, written as it is sent (the server
   * compresses it when the scraper accepts gzip).
   */
  StreamedResponse stream(String accept, Set<String> outlets) {
    String type = type(accept);
    Set<String> leftOut = new HashSet<>();
    for (String o : PrometheusConfig.OUTLET_SERIES) {
      if (!outlets.contains(o)) {
        leftOut.add(family(OUTLET_METERS.get(o)));
      }
    }
    return new StreamedResponse(200, type, PrometheusScrape.stream(registry, type, leftOut));
  }

  /** The meter of each word of {@link PrometheusConfig#OUTLET_SERIES}. */
  private static final Map<String, PduMeter> OUTLET_METERS =
      Map.of(
          "power", PduMeter.OUTLET_POWER,
          "voltage", PduMeter.OUTLET_VOLTAGE,
          "state", PduMeter.OUTLET_STATE,
          "energy", PduMeter.OUTLET_ENERGY);

  /** A meter's Prometheus family name, a counter's without {@code _total}. */
  private static String family(PduMeter meter) {
    String name = meter.meterName().replace('.', '_');
    return meter.baseUnit() == null ? name : name + "_" + meter.baseUnit();
  }

  private static String type(String accept) {
    return accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")
        ? OPENMETRICS_TEXT
        : PROMETHEUS_TEXT;
  }

  /** Stops listening for GC events and closes the registry. */
  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
