package io.pdu4j.runtime.config;

import io.pdu4j.api.InvalidArgumentException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how {@code pdu4j serve} serves its control API ({@code api:} in the file).
 *
 * @param host the address to listen on; {@value #DEFAULT_HOST} (loopback) unless set
 * @param port the TCP port, 0..65535 (0 picks a free port); {@value #DEFAULT_PORT} unless set
 * @param tokens the API tokens by name, in file order; when {@code auth} is present (even with no
 *     token listed) every {@code /api} request needs one: see {@link #authenticated()}
 * @param authenticated whether the file has an {@code auth} section
 * @param audit the audit file (one JSON line per control request), resolved against the file's
 *     directory, when set
 * @param tls the key store to serve HTTPS with, when set; plain HTTP otherwise
 */
public record ApiConfig(
    String host,
    int port,
    boolean authenticated,
    Map<String, TokenConfig> tokens,
    Optional<Path> audit,
    Optional<TlsConfig> tls) {
  /** Loopback: the API is not exposed beyond the host unless asked for. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The port when none is given. */
  public static final int DEFAULT_PORT = 8080;

  /** Validates the host and port, copies the tokens keeping their order. */
  public ApiConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(audit, "audit");
    Objects.requireNonNull(tls, "tls");
    if (host.isBlank()) {
      throw new InvalidArgumentException("host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new InvalidArgumentException("port must be 0..65535, got " + port);
    }
    if (!authenticated && !tokens.isEmpty()) {
      throw new InvalidArgumentException("tokens given without authentication");
    }
    tokens = Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
  }

  /** Without TLS: plain HTTP. */
  public ApiConfig(
      String host,
      int port,
      boolean authenticated,
      Map<String, TokenConfig> tokens,
      Optional<Path> audit) {
    this(host, port, authenticated, tokens, audit, Optional.empty());
  }

  /** No authentication, no audit file, no TLS. */
  public static ApiConfig open(String host, int port) {
    return new ApiConfig(host, port, false, Map.of(), Optional.empty());
  }

  /** These settings, served over TLS with {@code tls}. */
  public ApiConfig withTls(TlsConfig tls) {
    return new ApiConfig(host, port, authenticated, tokens, audit, Optional.of(tls));
  }
}
