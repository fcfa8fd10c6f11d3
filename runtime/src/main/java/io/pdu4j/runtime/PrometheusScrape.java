package io.pdu4j.runtime;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pdu4j.runtime.internal.PrometheusSeries;
import java.io.InputStream;
import java.util.Set;

/**
 * A {@code /metrics} scrape of a Micrometer {@link PrometheusMeterRegistry} that pdu4j runtimes
 * publish to: the same text as {@code registry.scrape(contentType)}, byte for byte, written faster
 * for a large fleet. The devices' series are written straight from the devices' state into one
 * buffer instead of becoming a snapshot object each and passing through the generic writer (at
 * 10,000 devices of 16 outlets, some 800,000 series); the registry's other meters are scraped and
 * written by the registry as usual. {@link #stream} writes the same text as it is read, a chunk at
 * a time, for an HTTP response that should not hold the whole exposition (48 MB at 10,000 devices),
 * and can leave families out.
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

  /**
   * {@link #scrape} as a stream written while it is read, about 32 KiB at a time: the same bytes as
   * the registry's scrape of every family but those named in {@code leftOut}, by their Prometheus
   * family names (a counter's without {@code _total}: {@code pdu_outlet_voltage_volts}, {@code
   * pdu_outlet_energy_joules}). Each device's values are read when its series are written, so a
   * scrape read slowly shows later values for the devices it reaches later. Any content type but
   * the two text formats is the registry's own scrape, whole, and leaves nothing out.
   */
  public static InputStream stream(
      PrometheusMeterRegistry registry, String contentType, Set<String> leftOut) {
    return PrometheusSeries.stream(registry, contentType, Set.copyOf(leftOut));
  }
}
