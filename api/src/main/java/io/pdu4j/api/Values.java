package io.pdu4j.api;

import java.util.OptionalDouble;

/** Validation helpers shared by the API's value records. */
final class Values {
  private Values() {}

  static void requireFinite(OptionalDouble value, String name) {
    if (value.isPresent() && !Double.isFinite(value.getAsDouble())) {
      throw new InvalidArgumentException(name + " must be a finite number, got " + value);
    }
  }

  static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new InvalidArgumentException(name + " must not be blank");
    }
    return value;
  }

  static int requirePositive(int value, String name) {
    if (value < 1) {
      throw new InvalidArgumentException(name + " must be 1 or more, got " + value);
    }
    return value;
  }
}
