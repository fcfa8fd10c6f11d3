package io.pdu4j.runtime.config;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.SecretReference;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * TLS of the control API ({@code api.tls} in the file): the key store holding the server's key and
 * certificate chain, and where its password is. The password is a reference only ({@code env:NAME}
 * or {@code file:PATH}), read when the server starts, never logged.
 *
 * @param keystore the key store file, resolved against the configuration file's directory
 * @param password where the key store's password is: {@code env:NAME} or {@code file:PATH}; for a
 *     PKCS12 store it is also the key's password
 * @param type the key store type, {@code PKCS12} (the default) or {@code JKS}
 */
public record TlsConfig(Path keystore, String password, String type) {
  /** The key store type when none is given. */
  public static final String DEFAULT_TYPE = "PKCS12";

  private static final Set<String> TYPES = Set.of("PKCS12", "JKS");

  /** Validates the reference and the type; the file is checked when the server starts. */
  public TlsConfig {
    Objects.requireNonNull(keystore, "keystore");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(type, "type");
    if (!SecretReference.isReference(password)) {
      throw new InvalidArgumentException(
          "the key store password must be a reference, env:VARIABLE or file:PATH, not the"
              + " password itself");
    }
    type = type.strip().toUpperCase(Locale.ROOT);
    if (!TYPES.contains(type)) {
      throw new InvalidArgumentException("type must be PKCS12 or JKS, got '" + type + "'");
    }
  }

  /** Never the password: it is a reference anyway, but a reference is not for logs either. */
  @Override
  public String toString() {
    return "TlsConfig[keystore=" + keystore + ", type=" + type + "]";
  }
}
