package io.pdu4j.runtime.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.spi.transport.TransportProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;

/**
 * What the runtime builder collected, bound in the injector.
 *
 * @param defaults the options devices get unless their address overrides them
 * @param clock the wall clock
 * @param ioThreads the size of the shared event loop group
 * @param classLoader where {@link java.util.ServiceLoader} looks
 * @param loadServices whether to use {@link java.util.ServiceLoader} at all
 * @param drivers drivers added to the builder
 * @param transports transports added to the builder
 * @param meterRegistry the registry the builder was given, if any
 * @param pluginDirectory where plugin jars are, if anywhere
 * @param retryInitial the first delay before a supervised device's failed open is retried
 * @param retryMax the largest such delay
 * @param reopenOffline how long a supervised device may stay OFFLINE before it is closed and opened
 *     again
 * @param ioThreadFactory the factory of the I/O threads, if not the runtime's own
 * @param maxOpening the most device opens and reconnects in flight at once (connect to first
 *     status); more wait
 * @param powerHistoryStep the width of one point of every device's power history
 * @param ioBatchWindow how long a busy I/O thread waits between polls to read its connections'
 *     pushes in batches; zero: not at all
 */
public record RuntimeSettings(
    DeviceOptions defaults,
    Clock clock,
    int ioThreads,
    ClassLoader classLoader,
    boolean loadServices,
    List<PowerDriver> drivers,
    List<TransportProvider> transports,
    Optional<MeterRegistry> meterRegistry,
    Optional<Path> pluginDirectory,
    Duration retryInitial,
    Duration retryMax,
    Duration reopenOffline,
    Optional<ThreadFactory> ioThreadFactory,
    int maxOpening,
    Duration powerHistoryStep,
    Duration ioBatchWindow) {
  /** The default {@link #retryInitial()}. */
  public static final Duration DEFAULT_RETRY_INITIAL = Duration.ofSeconds(1);

  /** The default {@link #retryMax()}. */
  public static final Duration DEFAULT_RETRY_MAX = Duration.ofMinutes(1);

  /** The default {@link #reopenOffline()}. */
  public static final Duration DEFAULT_REOPEN_OFFLINE = Duration.ofMinutes(2);

  /** The default {@link #maxOpening()}. */
  public static final int DEFAULT_MAX_OPENING =
      io.pdu4j.runtime.config.RuntimeConfig.DEFAULT_MAX_OPENING;

  /** The default {@link #ioBatchWindow()}. */
  public static final Duration DEFAULT_IO_BATCH_WINDOW =
      io.pdu4j.runtime.config.RuntimeConfig.DEFAULT_IO_BATCH_WINDOW;

  /** Validates and copies. */
  public RuntimeSettings {
    Objects.requireNonNull(defaults, "defaults");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(classLoader, "classLoader");
    drivers = List.copyOf(drivers);
    transports = List.copyOf(transports);
    Objects.requireNonNull(meterRegistry, "meterRegistry");
    Objects.requireNonNull(pluginDirectory, "pluginDirectory");
    Objects.requireNonNull(retryInitial, "retryInitial");
    Objects.requireNonNull(retryMax, "retryMax");
    Objects.requireNonNull(reopenOffline, "reopenOffline");
    Objects.requireNonNull(ioThreadFactory, "ioThreadFactory");
    if (maxOpening < 1) {
      throw new IllegalArgumentException("maxOpening must be at least 1, was " + maxOpening);
    }
    io.pdu4j.runtime.history.PowerHistory.checkStep(powerHistoryStep);
    io.pdu4j.runtime.config.RuntimeConfig.checkIoBatchWindow(ioBatchWindow);
  }

  /**
   * These settings with what the injector's optional bindings chose (they may override the module's
   * own plugin directory, clock and I/O thread factory).
   */
  public RuntimeSettings withBindings(
      Optional<Path> boundPluginDirectory,
      Clock boundClock,
      Optional<ThreadFactory> boundIoThreadFactory) {
    return new RuntimeSettings(
        defaults,
        boundClock,
        ioThreads,
        classLoader,
        loadServices,
        drivers,
        transports,
        meterRegistry,
        boundPluginDirectory,
        retryInitial,
        retryMax,
        reopenOffline,
        boundIoThreadFactory,
        maxOpening,
        powerHistoryStep,
        ioBatchWindow);
  }
}
