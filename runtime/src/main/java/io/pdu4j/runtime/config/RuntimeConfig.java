package io.pdu4j.runtime.config;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.runtime.history.PowerHistory;
import java.time.Duration;

/**
 * The {@code runtime:} section of {@code devices.yaml}: how the runtime that {@code pdu4j serve}
 * builds runs its devices.
 *
 * @param maxOpening the most device opens and reconnects in flight at once, from the link's connect
 *     to the device's first answer ({@code PowerRuntime.Builder.maxOpening}); 1 to {@link
 *     #MAX_MAX_OPENING}
 * @param historyStep the width of one point of each device's power history over the last hour
 *     ({@code PowerRuntime.Builder.powerHistoryStep}, {@link PowerHistory#checkStep})
 */
public record RuntimeConfig(int maxOpening, Duration historyStep) {
  /** The default {@link #maxOpening()}: enough to open 10,000 devices on a LAN in seconds. */
  public static final int DEFAULT_MAX_OPENING = 256;

  /** The largest {@link #maxOpening()} accepted. */
  public static final int MAX_MAX_OPENING = 4096;

  /** The settings of a file without a {@code runtime} section. */
  public static final RuntimeConfig DEFAULTS =
      new RuntimeConfig(DEFAULT_MAX_OPENING, PowerHistory.DEFAULT_STEP);

  /** Checks the bounds. */
  public RuntimeConfig {
    if (maxOpening < 1 || maxOpening > MAX_MAX_OPENING) {
      throw new InvalidArgumentException(
          "max-opening must be 1.." + MAX_MAX_OPENING + ", got " + maxOpening);
    }
    PowerHistory.checkStep(historyStep);
  }

  /** These settings with {@code maxOpening}. */
  public RuntimeConfig withMaxOpening(int maxOpening) {
    return new RuntimeConfig(maxOpening, historyStep);
  }

  /** These settings with {@code historyStep}. */
  public RuntimeConfig withHistoryStep(Duration historyStep) {
    return new RuntimeConfig(maxOpening, historyStep);
  }

  /**
   * Reads a {@code max-opening} value: a whole number in bounds.
   *
   * @throws InvalidArgumentException naming what is wrong
   */
  public static int parseMaxOpening(String text) {
    String t = text.strip();
    int n;
    try {
      n = Integer.parseInt(t);
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(
          "max-opening must be a whole number 1.." + MAX_MAX_OPENING + ", got '" + t + "'");
    }
    return DEFAULTS.withMaxOpening(n).maxOpening();
  }
}
