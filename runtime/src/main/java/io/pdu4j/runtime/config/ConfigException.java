package io.pdu4j.runtime.config;

import io.pdu4j.api.InvalidArgumentException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A configuration file pdu4j cannot use. The message reads {@code FILE:LINE: KEY: problem}, e.g.
 * {@code devices.yaml:4: devices.rack-a.timeout: not a duration: 'soon'}. It never contains the
 * value of a secret.
 */
public final class ConfigException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final String key;

  ConfigException(String source, int line, String key, String problem) {
    super(compose(source, line, key, problem));
    this.source = source;
    this.line = line;
    this.key = key;
  }

  private static String compose(String source, int line, String key, String problem) {
    return source
        + (line > 0 ? ":" + line : "")
        + ": "
        + (key.isEmpty() ? "" : key + ": ")
        + problem;
  }

  /** The file (or other source) the configuration came from. */
  public String source() {
    return source;
  }

  /** The 1-based line the problem is on, when known. */
  public OptionalInt line() {
    return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
  }

  /** The dotted key the problem is at, e.g. {@code devices.rack-a.timeout}, when there is one. */
  public Optional<String> key() {
    return key.isEmpty() ? Optional.empty() : Optional.of(key);
  }
}
