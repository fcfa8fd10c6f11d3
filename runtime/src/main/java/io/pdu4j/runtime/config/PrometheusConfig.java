package io.pdu4j.runtime.config;

import io.pdu4j.api.InvalidArgumentException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where {@code pdu4j serve} publishes Prometheus metrics, and which per-outlet series it writes.
 *
 * @param host the address to listen on; {@value #DEFAULT_HOST} (loopback) unless set
 * @param port the TCP port, 0..65535 (0 picks a free port); {@value #DEFAULT_PORT} unless set
 * @param outlets the per-outlet families {@code /metrics} writes, of {@link #OUTLET_SERIES}: all
 *     four unless set; the others are left out of every scrape (docs/metrics.md)
 */
public record PrometheusConfig(String host, int port, Set<String> outlets) {
  /** Loopback: metrics are not exposed beyond the host unless asked for. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The port Prometheus exporters of this kind customarily use. */
  public static final int DEFAULT_PORT = 9464;

  /**
   * The per-outlet families, by the word {@code outlets} names them with: {@code
   * pdu_outlet_power_watts}, {@code pdu_outlet_voltage_volts}, {@code pdu_outlet_state}, {@code
   * pdu_outlet_energy_joules_total}.
   */
  public static final List<String> OUTLET_SERIES = List.of("power", "voltage", "state", "energy");

  /** Validates the host, the port and the outlet families. */
  public PrometheusConfig {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new InvalidArgumentException("host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new InvalidArgumentException("port must be 0..65535, got " + port);
    }
    for (String o : Objects.requireNonNull(outlets, "outlets")) {
      if (!OUTLET_SERIES.contains(o)) {
        throw new InvalidArgumentException(
            "no outlet series '" + o + "': " + String.join(", ", OUTLET_SERIES));
      }
    }
    outlets = Set.copyOf(new TreeSet<>(outlets));
  }

  /** Every per-outlet family at {@code host} and {@code port}. */
  public PrometheusConfig(String host, int port) {
    this(host, port, Set.copyOf(OUTLET_SERIES));
  }

  /** The defaults: {@value #DEFAULT_HOST}, port {@value #DEFAULT_PORT}, every outlet family. */
  public static PrometheusConfig defaults() {
    return new PrometheusConfig(DEFAULT_HOST, DEFAULT_PORT);
  }
}
