package io.pdu4j.runtime.config;

import io.pdu4j.api.InvalidArgumentException;
import java.util.Objects;

/**
 * Where {@code pdu4j serve} answers pdudaemon's HTTP requests ({@code pdudaemon:} in the file), so
 * that LAVA's and labgrid's pdudaemon clients switch pdu4j's devices unchanged.
 *
 * @param host the address to listen on; {@value #DEFAULT_HOST} (loopback) unless set: pdudaemon's
 *     protocol has no authentication
 * @param port the TCP port, 0..65535 (0 picks a free port); {@value #DEFAULT_PORT}, pdudaemon's
 *     own, unless set
 */
public record PdudaemonConfig(String host, int port) {
  /** Loopback: the listener is not exposed beyond the host unless asked for. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** pdudaemon's own default port. */
  public static final int DEFAULT_PORT = 16421;

  /** Validates the host and port. */
  public PdudaemonConfig {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new InvalidArgumentException("host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new InvalidArgumentException("port must be 0..65535, got " + port);
    }
  }
}
