package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.InvalidArgumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A secret named by reference in an address ({@code env:NAME} or {@code file:PATH}), resolved when
 * the link opens. Error messages name the reference, never the value.
 */
public final class SecretReference {
  private final String reference;
  private final UnaryOperator<String> environment;

  private SecretReference(String reference, UnaryOperator<String> environment) {
    this.reference = reference;
    this.environment = environment;
  }

  /**
   * Checks the form of a reference. A literal password is refused: it would sit in the address, in
   * shell history and in configuration files.
   */
  public static SecretReference parse(String option, String reference) {
    return parse(option, reference, System::getenv);
  }

  static SecretReference parse(String option, String reference, UnaryOperator<String> env) {
    if (reference.startsWith("env:") && reference.length() > 4) {
      return new SecretReference(reference, env);
    }
    if (reference.startsWith("file:") && reference.length() > 5) {
      return new SecretReference(reference, env);
    }
    throw new InvalidArgumentException(
        option + " must be a reference, env:NAME or file:PATH (a literal value is not accepted)");
  }

  /** The secret; the file's trailing line end is dropped. */
  public String resolve() {
    if (reference.startsWith("env:")) {
      String name = reference.substring(4);
      String value = environment.apply(name);
      if (value == null || value.isEmpty()) {
        throw new InvalidArgumentException("environment variable " + name + " is not set");
      }
      return value;
    }
    Path path = Path.of(reference.substring(5));
    try {
      String value = Files.readString(path, StandardCharsets.UTF_8);
      value = value.replaceAll("[\r\n]+$", "");
      if (value.isEmpty()) {
        throw new InvalidArgumentException("secret file " + path + " is empty");
      }
      return value;
    } catch (IOException e) {
      throw new InvalidArgumentException(
          "cannot read secret file " + path + ": " + e.getClass().getSimpleName());
    }
  }

  @Override
  public String toString() {
    return reference;
  }
}
