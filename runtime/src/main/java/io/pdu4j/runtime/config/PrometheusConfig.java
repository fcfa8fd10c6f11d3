package io.pdu4j.runtime.config;

import io.pdu4j.api.InvalidArgumentException;
import java.util.Objects;

/**
 * Where {@code pdu4j serve} publishes Prometheus metrics.
 *
 * @param host the address to listen on; {@value #DEFAULT_HOST} (loopback) unless set
 * @param port the TCP port, 0..65535 (0 picks a free port); {@value #DEFAULT_PORT} unless set
 */
public record PrometheusConfig(String host, int port) {
  /** Loopback: metrics are not exposed beyond the host unless asked for. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The port Prometheus exporters of this kind customarily use. */
  public static final int DEFAULT_PORT = 9464;

  /** Validates the host and port. */
  public PrometheusConfig {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new InvalidArgumentException("host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new InvalidArgumentException("port must be 0..65535, got " + port);
    }
  }

  /** The defaults: {@value #DEFAULT_HOST}, port {@value #DEFAULT_PORT}. */
  public static PrometheusConfig defaults() {
    return new PrometheusConfig(DEFAULT_HOST, DEFAULT_PORT);
  }
}
