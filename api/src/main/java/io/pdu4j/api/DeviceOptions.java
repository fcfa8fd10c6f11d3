package io.pdu4j.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Settings every device has, with defaults, overridable per device in its address ({@code
 * ?timeout=2s&poll=10s}) or by the runtime.
 *
 * <p>This is user configuration: it names no driver, transport or SPI type. Values written as text
 * (an address's query, a configuration file) are read by {@link #withOverrides(Source)}, durations
 * the way {@link Durations} parses them.
 *
 * @param commandTimeout how long one command may take, from submission to its last reply frame
 * @param connectTimeout how long opening the link may take
 * @param readyTimeout how long opening a device may take in all (link plus first status)
 * @param queueCapacity how many commands may wait for a device; more fail with {@link
 *     io.pdu4j.api.DeviceBusyException}
 * @param maxFrameLength the longest frame (line) accepted, in bytes
 * @param pollInterval poll the device's status at this interval even when it pushes, at least
 *     {@link #MIN_POLL} (100 ms); empty means the driver decides (poll only where the link carries
 *     no pushes)
 * @param staleAfter a status older than this is stale: outlets read as UNKNOWN
 * @param quietAfter on a stream link, when the device was sent something and nothing at all has
 *     come back for this long, the runtime takes the link for dead, closes it and lets the driver
 *     reconnect; {@link Duration#ZERO} turns the watch off ({@code quiet=off}). Datagram links are
 *     never watched: their readings go stale instead.
 */
public record DeviceOptions(
    Duration commandTimeout,
    Duration connectTimeout,
    Duration readyTimeout,
    int queueCapacity,
    int maxFrameLength,
    Optional<Duration> pollInterval,
    Duration staleAfter,
    Duration quietAfter) {

  /** The shortest {@link #pollInterval()}: faster polling only loads the device and the link. */
  public static final Duration MIN_POLL = Duration.ofMillis(100);

  /** The default {@link #quietAfter()}: well above any command timeout a device needs. */
  public static final Duration DEFAULT_QUIET = Duration.ofSeconds(30);

  /**
   * Where option values written as text come from, by {@link #NAMES name}: a device's address (the
   * SPI's {@code DeviceAddress} is one) or any other configuration a caller reads.
   *
   * <p>Its {@code toString()} names the source in error messages, so it must reveal no secret (an
   * address's is redacted).
   */
  @FunctionalInterface
  public interface Source {
    /** The value written for option {@code name}, if any. */
    Optional<String> option(String name);
  }

  /** The option names read by {@link #withOverrides(Source)}. */
  public static final Set<String> NAMES =
      Set.of(
          "timeout",
          "connect-timeout",
          "ready-timeout",
          "queue",
          "max-frame",
          "poll",
          "stale",
          "quiet");

  /** Validates every field. */
  public DeviceOptions {
    positive(commandTimeout, "timeout");
    positive(connectTimeout, "connect-timeout");
    positive(readyTimeout, "ready-timeout");
    Objects.requireNonNull(pollInterval, "pollInterval");
    pollInterval.ifPresent(
        p -> {
          Objects.requireNonNull(p, "poll");
          if (p.compareTo(MIN_POLL) < 0) {
            throw new InvalidArgumentException(
                "poll must be at least "
                    + Durations.format(MIN_POLL)
                    + ", got "
                    + (p.isNegative() ? p.toString() : Durations.format(p)));
          }
        });
    positive(staleAfter, "stale");
    Objects.requireNonNull(quietAfter, "quiet");
    if (quietAfter.isNegative()) {
      throw new InvalidArgumentException("quiet must not be negative, got " + quietAfter);
    }
    if (queueCapacity < 1 || queueCapacity > 10_000) {
      throw new InvalidArgumentException("queue must be 1..10000, got " + queueCapacity);
    }
    if (maxFrameLength < 16 || maxFrameLength > 1 << 20) {
      throw new InvalidArgumentException("max-frame must be 16..1048576, got " + maxFrameLength);
    }
  }

  /** Options with the {@linkplain #DEFAULT_QUIET default quiet watch}. */
  public DeviceOptions(
      Duration commandTimeout,
      Duration connectTimeout,
      Duration readyTimeout,
      int queueCapacity,
      int maxFrameLength,
      Optional<Duration> pollInterval,
      Duration staleAfter) {
    this(
        commandTimeout,
        connectTimeout,
        readyTimeout,
        queueCapacity,
        maxFrameLength,
        pollInterval,
        staleAfter,
        DEFAULT_QUIET);
  }

  /** Whether the quiet watch is on ({@link #quietAfter()} is not zero). */
  public boolean watchesQuiet() {
    return !quietAfter.isZero();
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new InvalidArgumentException(name + " must be positive, got " + d);
    }
  }

  /**
   * The defaults: 5 s per command, 5 s to connect, 10 s to be ready, 64 queued commands, 1024-byte
   * frames, driver-chosen polling, stale after 10 s, quiet after 30 s.
   */
  public static DeviceOptions defaults() {
    return new DeviceOptions(
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        64,
        1024,
        Optional.empty(),
        Duration.ofSeconds(10),
        DEFAULT_QUIET);
  }

  /** These options with the command timeout replaced. */
  public DeviceOptions withCommandTimeout(Duration timeout) {
    return new DeviceOptions(
        timeout,
        connectTimeout,
        readyTimeout,
        queueCapacity,
        maxFrameLength,
        pollInterval,
        staleAfter,
        quietAfter);
  }

  /**
   * These options with what {@code source} (typically a device's address) sets ({@link #NAMES});
   * other options are left for the driver and transport.
   *
   * @throws InvalidArgumentException naming the option and the source when a value is bad
   */
  public DeviceOptions withOverrides(Source source) {
    Objects.requireNonNull(source, "source");
    try {
      return new DeviceOptions(
          source.option("timeout").map(v -> Durations.parse(v, "timeout")).orElse(commandTimeout),
          source
              .option("connect-timeout")
              .map(v -> Durations.parse(v, "connect-timeout"))
              .orElse(connectTimeout),
          source
              .option("ready-timeout")
              .map(v -> Durations.parse(v, "ready-timeout"))
              .orElse(readyTimeout),
          source.option("queue").map(v -> parseInt(v, "queue")).orElse(queueCapacity),
          source.option("max-frame").map(v -> parseInt(v, "max-frame")).orElse(maxFrameLength),
          source.option("poll").map(v -> Durations.parse(v, "poll")).or(() -> pollInterval),
          source.option("stale").map(v -> Durations.parse(v, "stale")).orElse(staleAfter),
          source.option("quiet").map(DeviceOptions::parseQuiet).orElse(quietAfter));
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  private static Duration parseQuiet(String v) {
    String t = v.trim();
    if (t.equalsIgnoreCase("off") || t.equals("0")) {
      return Duration.ZERO;
    }
    return Durations.parse(t, "quiet");
  }

  private static int parseInt(String v, String name) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(name + " must be a whole number, got '" + v + "'", e);
    }
  }
}
