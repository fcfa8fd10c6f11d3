package io.pdu4j.runtime.config;

import io.pdu4j.api.Durations;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.runtime.history.PowerHistory;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code runtime:} section of {@code devices.yaml}: how the runtime that {@code pdu4j serve}
 * builds runs its devices.
 *
 * @param maxOpening the most device opens and reconnects in flight at once, from the link's connect
 *     to the device's first answer ({@code PowerRuntime.Builder.maxOpening}); 1 to {@link
 *     #MAX_MAX_OPENING}
 * @param historyStep the width of one point of each device's power history over the last hour
 *     ({@code PowerRuntime.Builder.powerHistoryStep}, {@link PowerHistory#checkStep})
 * @param ioBatchWindow how long an I/O thread that serves 256 connections or more waits between two
 *     polls that find something, so that it reads its devices' pushes in batches ({@code
 *     PowerRuntime.Builder.ioBatchWindow}); zero to {@link #MAX_IO_BATCH_WINDOW}, zero for none
 */
public record RuntimeConfig(int maxOpening, Duration historyStep, Duration ioBatchWindow) {
  /** The default {@link #maxOpening()}: enough to open 10,000 devices on a LAN in seconds. */
  public static final int DEFAULT_MAX_OPENING = 256;

  /** The largest {@link #maxOpening()} accepted. */
  public static final int MAX_MAX_OPENING = 4096;

  /** The default {@link #ioBatchWindow()}. */
  public static final Duration DEFAULT_IO_BATCH_WINDOW = Duration.ofMillis(10);

  /** The largest {@link #ioBatchWindow()}. */
  public static final Duration MAX_IO_BATCH_WINDOW = Duration.ofMillis(50);

  /** The settings of a file without a {@code runtime} section. */
  public static final RuntimeConfig DEFAULTS =
      new RuntimeConfig(DEFAULT_MAX_OPENING, PowerHistory.DEFAULT_STEP, DEFAULT_IO_BATCH_WINDOW);

  /** Checks the bounds. */
  public RuntimeConfig {
    if (maxOpening < 1 || maxOpening > MAX_MAX_OPENING) {
      throw new InvalidArgumentException(
          "max-opening must be 1.." + MAX_MAX_OPENING + ", got " + maxOpening);
    }
    PowerHistory.checkStep(historyStep);
    checkIoBatchWindow(ioBatchWindow);
  }

  /** These settings with {@code maxOpening}. */
  public RuntimeConfig withMaxOpening(int maxOpening) {
    return new RuntimeConfig(maxOpening, historyStep, ioBatchWindow);
  }

  /** These settings with {@code historyStep}. */
  public RuntimeConfig withHistoryStep(Duration historyStep) {
    return new RuntimeConfig(maxOpening, historyStep, ioBatchWindow);
  }

  /** These settings with {@code ioBatchWindow}. */
  public RuntimeConfig withIoBatchWindow(Duration ioBatchWindow) {
    return new RuntimeConfig(maxOpening, historyStep, ioBatchWindow);
  }

  /**
   * Returns {@code window} if it is a valid {@link #ioBatchWindow()}: zero to {@link
   * #MAX_IO_BATCH_WINDOW}.
   *
   * @throws InvalidArgumentException otherwise
   */
  public static Duration checkIoBatchWindow(Duration window) {
    Objects.requireNonNull(window, "ioBatchWindow");
    if (window.isNegative() || window.compareTo(MAX_IO_BATCH_WINDOW) > 0) {
      throw new InvalidArgumentException(
          "the I/O batch window must be 0 to "
              + Durations.format(MAX_IO_BATCH_WINDOW)
              + ", got "
              // whole milliseconds as a configuration file writes them, finer ones exactly
              + (window.toNanos() % 1_000_000 == 0 ? Durations.format(window) : window.toString()));
    }
    return window;
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
