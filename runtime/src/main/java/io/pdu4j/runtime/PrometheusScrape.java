package io.pdu4j.runtime;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pdu4j.runtime.internal.PrometheusSeries;

/**
 * A {@code /metrics} scrape of a Micrometer {@link PrometheusMeterRegistry} that pdu4j runtimes
 * publish to: the same text as {@code registry.scrape(contentType)}, byte for byte, written faster
 * for a large fleet. The devices' series are written straight from the devices' state into one
 * buffer instead of becoming a snapshot object each and passing through the generic writer (at
 * 10,000 devices of 16 outlets, some 800,000 series); the registry's other meters are scraped and
 * written by the registry as usual.
 *
 * <p>Thread-safe, like the registry's own scrape. Needs {@code micrometer-registry-prometheus} on
 * the class path, as the registry does.
 */
public final class PrometheusScrape {
  private PrometheusScrape() {}

  /**
   * The registry's scrape in {@code contentType}: the Prometheus text format ({@code text/plain;
   * version=0.0.4}) or OpenMetrics ({@code application/openmetrics-text}); any other type is the
   * registry's own {@code scrape(contentType)}.
   */
  public static String scrape(PrometheusMeterRegistry registry, String contentType) {
    return PrometheusSeries.scrape(registry, contentType);
  }
}
