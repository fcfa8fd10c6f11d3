package io.pdu4j.mqtt.internal;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.SecretReference;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificates an {@code ssl://} broker is checked against, read from a PKCS#12 or JKS ({@code
 * .jks}) file: for the bridge ({@code mqtt.truststore}) and for {@code pdu4j --mqtt}.
 */
public final class TrustStores {
  private TrustStores() {}

  /**
   * Reads {@code file}, opened with the password {@code password} names when given.
   *
   * @param what the setting's name, for the message
   * @throws InvalidArgumentException when the password's reference or the file cannot be read; the
   *     message names the file and the kind of failure, never the password
   */
  public static TrustManagerFactory load(
      Path file, Optional<SecretReference> password, String what) {
    char[] pw = password.map(r -> r.resolve().toCharArray()).orElse(null);
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance(file.toString().endsWith(".jks") ? "JKS" : "PKCS12");
      ks.load(in, pw);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf;
    } catch (Exception e) {
      throw new InvalidArgumentException(
          what + ": cannot read " + file + ": " + e.getClass().getSimpleName(), e);
    }
  }
}
