package io.pdu4j.runtime.config;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.SecretReference;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The MQTT bridge of {@code pdu4j serve} ({@code mqtt:} in the file): which broker, as whom, under
 * which topic root, and whether Home Assistant discovery is published. The password is a reference
 * only ({@code env:NAME} or {@code file:PATH}), read when the bridge connects, never logged.
 *
 * @param url the broker: {@code tcp://HOST[:PORT]} (default port 1883) or {@code ssl://HOST[:PORT]}
 *     (default 8883); nothing else (no user, path or query)
 * @param username the user to log in as, when the broker wants one
 * @param password where the password is, {@code env:NAME} or {@code file:PATH}; only with a user
 * @param prefix the topic root, e.g. {@code pdu4j}: one or more topic levels of letters, digits,
 *     {@code . _ -}
 * @param node this instance's name, its topic level under {@code PREFIX/node/}
 * @param homeAssistant whether Home Assistant discovery is published under {@code homeassistant/}
 * @param trustStore the certificates a {@code ssl://} broker is checked against, when not the JVM's
 * @param trustStorePassword where the trust store's password is, when it has one
 */
public record MqttConfig(
    URI url,
    Optional<String> username,
    Optional<String> password,
    String prefix,
    String node,
    boolean homeAssistant,
    Optional<Path> trustStore,
    Optional<String> trustStorePassword) {

  /** The topic root when none is given. */
  public static final String DEFAULT_PREFIX = "pdu4j";

  /** The node name when none is given and the host's name cannot be read. */
  public static final String FALLBACK_NODE = "pdu4j";

  private static final Pattern LEVEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+){0,7}");
  private static final Pattern USER = Pattern.compile("[\\x21-\\x7e]{1,128}");

  /** Validates every value; a problem is an {@link InvalidArgumentException} saying which. */
  public MqttConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(trustStore, "trustStore");
    Objects.requireNonNull(trustStorePassword, "trustStorePassword");
    checkUrl(url);
    if (username.isPresent() && !USER.matcher(username.get()).matches()) {
      throw new InvalidArgumentException(
          "username must be 1 to 128 printable characters without spaces");
    }
    if (password.isPresent()) {
      if (!SecretReference.isReference(password.get())) {
        throw new InvalidArgumentException(
            "password must be a reference, env:VARIABLE or file:PATH, not the password itself");
      }
      if (username.isEmpty()) {
        throw new InvalidArgumentException("a password needs a username");
      }
    }
    if (prefix.length() > 128 || !PREFIX.matcher(prefix).matches()) {
      throw new InvalidArgumentException(
          "bad prefix '"
              + prefix
              + "': topic levels of letters, digits, '.', '_' and '-' separated by '/' (no"
              + " wildcards, no leading or trailing '/', at most 8 levels)");
    }
    if (!LEVEL.matcher(node).matches()) {
      throw new InvalidArgumentException(
          "bad node name '"
              + node
              + "': use letters, digits, '.', '_' and '-', starting with a letter or digit (at"
              + " most 64)");
    }
    if (trustStore.isPresent() && !isTls(url)) {
      throw new InvalidArgumentException("a trust store needs an ssl:// url");
    }
    if (trustStorePassword.isPresent()) {
      if (trustStore.isEmpty()) {
        throw new InvalidArgumentException("a trust store password needs a trust store");
      }
      if (!SecretReference.isReference(trustStorePassword.get())) {
        throw new InvalidArgumentException(
            "the trust store password must be a reference, env:VARIABLE or file:PATH");
      }
    }
  }

  /** A bridge to {@code url} with the defaults: no login, prefix {@code pdu4j}, host name node. */
  public static MqttConfig of(String url) {
    return new MqttConfig(
        url(url),
        Optional.empty(),
        Optional.empty(),
        DEFAULT_PREFIX,
        defaultNode(),
        true,
        Optional.empty(),
        Optional.empty());
  }

  /**
   * Reads a broker address, {@code tcp://HOST[:PORT]} or {@code ssl://HOST[:PORT]}.
   *
   * @throws InvalidArgumentException when it is not one; the message never repeats a user or
   *     password written into it
   */
  public static URI url(String text) {
    URI u;
    try {
      u = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new InvalidArgumentException(
          "not a broker address: write tcp://HOST:PORT or ssl://HOST:PORT");
    }
    checkUrl(u);
    return u;
  }

  private static void checkUrl(URI u) {
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
      throw new InvalidArgumentException(
          "the broker address must start with tcp:// or ssl://"
              + (u.getRawUserInfo() == null && u.getScheme() != null
                  ? ", not " + u.getScheme() + "://"
                  : ""));
    }
    if (u.getRawUserInfo() != null) {
      throw new InvalidArgumentException(
          "the broker address must not hold a user or password: give username, and password as"
              + " env:VARIABLE or file:PATH");
    }
    if (u.getHost() == null || u.getHost().isBlank()) {
      throw new InvalidArgumentException(
          "the broker address needs a host: " + scheme + "://HOST:PORT");
    }
    if ((u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
        || u.getRawQuery() != null
        || u.getRawFragment() != null) {
      throw new InvalidArgumentException(
          "the broker address is " + scheme + "://HOST:PORT, with no path, query or fragment");
    }
    if (u.getPort() == 0 || u.getPort() > 65535) {
      throw new InvalidArgumentException("the broker port must be 1..65535");
    }
  }

  private static boolean isTls(URI u) {
    return "ssl".equalsIgnoreCase(u.getScheme());
  }

  /** Whether the broker is reached over TLS ({@code ssl://}). */
  public boolean tls() {
    return isTls(url);
  }

  /** The broker's host. */
  public String host() {
    return url.getHost();
  }

  /** The broker's port: the url's, or 1883 ({@code tcp}) / 8883 ({@code ssl}). */
  public int port() {
    return url.getPort() > 0 ? url.getPort() : tls() ? 8883 : 1883;
  }

  /**
   * This host's name as a topic level: the {@code HOSTNAME} variable or the name the system gives,
   * characters a topic level cannot hold replaced by {@code -}; {@link #FALLBACK_NODE} when neither
   * gives one.
   */
  public static String defaultNode() {
    String name = System.getenv("HOSTNAME");
    if (name == null || name.isBlank()) {
      try {
        name = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException | SecurityException e) {
        name = null;
      }
    }
    if (name == null) {
      return FALLBACK_NODE;
    }
    String level = name.strip().replaceAll("[^A-Za-z0-9._-]", "-");
    if (level.length() > 64) {
      level = level.substring(0, 64);
    }
    return LEVEL.matcher(level).matches() ? level : FALLBACK_NODE;
  }

  /** Never the password references: a reference is not for logs either. */
  @Override
  public String toString() {
    return "MqttConfig[url="
        + url
        + ", username="
        + username.orElse("-")
        + ", prefix="
        + prefix
        + ", node="
        + node
        + ", homeassistant="
        + homeAssistant
        + "]";
  }
}
