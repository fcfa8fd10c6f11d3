package io.pdu4j.server.internal;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.runtime.config.TlsConfig;
import io.pdu4j.spi.SecretReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The API's TLS from {@code api.tls}: the key store opened here, before Jetty sees it, so that a
 * missing file, a wrong password or a store without a key is a clear error at start naming the
 * file, never the password.
 */
final class TlsContext {
  private TlsContext() {}

  /**
   * Jetty's server-side TLS context with the key store's key and certificate chain.
   *
   * @throws InvalidArgumentException saying what is wrong with the store or its password
   */
  static SslContextFactory.Server of(TlsConfig tls) {
    Path file = tls.keystore();
    if (!Files.isRegularFile(file)) {
      throw new InvalidArgumentException("api.tls.keystore: no key store file at " + file);
    }
    String password;
    try {
      password = SecretReference.parse("api.tls.password", tls.password()).resolve();
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException("api.tls.password: " + e.getMessage(), e);
    }
    char[] pw = password.toCharArray();
    KeyStore store;
    try (InputStream in = Files.newInputStream(file)) {
      store = KeyStore.getInstance(tls.type());
      store.load(in, pw);
    } catch (IOException | GeneralSecurityException e) {
      // no cause: the JDK's messages are about the password, and some quote what they read
      throw new InvalidArgumentException(
          "api.tls: cannot open the key store "
              + file
              + " as "
              + tls.type()
              + ": the password (api.tls.password) is wrong, or the file is not a "
              + tls.type()
              + " key store");
    }
    String alias = null;
    try {
      for (String a : Collections.list(store.aliases())) {
        if (store.isKeyEntry(a)) {
          if (alias != null) {
            throw new InvalidArgumentException(
                "api.tls: the key store " + file + " holds more than one key; keep one");
          }
          alias = a;
        }
      }
      if (alias == null) {
        throw new InvalidArgumentException(
            "api.tls: the key store " + file + " holds no private key, only certificates");
      }
      store.getKey(alias, pw);
    } catch (UnrecoverableKeyException e) {
      throw new InvalidArgumentException(
          "api.tls: the key in "
              + file
              + " has another password than the store; give it the store's password");
    } catch (GeneralSecurityException e) {
      throw new InvalidArgumentException(
          "api.tls: cannot read the key in " + file + ": " + e.getClass().getSimpleName());
    }
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(store);
    ssl.setKeyManagerPassword(password);
    ssl.setCertAlias(alias);
    return ssl;
  }
}
