package io.pdu4j.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Key;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.name.Named;
import com.google.inject.name.Names;
import io.micrometer.core.instrument.MeterRegistry;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.runtime.internal.Providers;
import io.pdu4j.runtime.internal.RuntimeCore;
import io.pdu4j.runtime.internal.RuntimeSettings;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.spi.transport.TransportProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;

/**
 * The Guice module behind {@link PowerRuntime}: binds {@link PowerRuntime} as a singleton, and the
 * sets of embedded drivers and transports that other modules add to with {@link
 * #driverBinder(Binder)} and {@link #transportBinder(Binder)}.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new PowerModule(), binder ->
 *     PowerModule.driverBinder(binder).addBinding().to(MyDriver.class));
 * PowerRuntime runtime = injector.getInstance(PowerRuntime.class);   // close it when done
 * }</pre>
 *
 * <p>Metrics: when the injector has a Micrometer {@link MeterRegistry}, every device the runtime
 * opens publishes its meters there ({@link io.pdu4j.runtime.metrics.PduMeter}); without one, no
 * meters are kept. Bind yours with {@code bind(MeterRegistry.class).toInstance(registry)} or {@link
 * #meterRegistryBinder(Binder)}{@code .setBinding().toInstance(registry)}.
 *
 * <p>Plugins: a directory of plugin jars (see {@link PowerRuntime.Builder#pluginDirectory}) comes
 * from {@link #withPluginDirectory(Path)}, or from any module with {@link
 * #pluginDirectoryBinder(Binder)}{@code .setBinding().toInstance(dir)}, which wins over the former.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(PowerModule.withPluginDirectory(Path.of("plugins")));
 * }</pre>
 *
 * <p>{@code new PowerModule()} has the defaults of {@link PowerRuntime#builder()}; {@link
 * PowerRuntime.Builder#module()} makes one with other settings. The injector does not close the
 * runtime: the application does.
 */
public final class PowerModule extends AbstractModule {
  /** The binding of the plugin directory; a name of ours, so that no other {@code Path} clashes. */
  private static final String PLUGIN_DIRECTORY = "io.pdu4j.runtime.pluginDirectory";

  /** The binding of the runtime's clock; a name of ours, so that the application's own is apart. */
  private static final String CLOCK = "io.pdu4j.runtime.clock";

  /** The binding of the I/O threads' factory. */
  private static final String IO_THREADS = "io.pdu4j.runtime.ioThreadFactory";

  private final RuntimeSettings settings;

  /** A module with the builder's defaults. */
  public PowerModule() {
    this(
        new RuntimeSettings(
            DeviceOptions.defaults(),
            Clock.systemDefaultZone(),
            PowerRuntime.Builder.DEFAULT_IO_THREADS,
            defaultClassLoader(),
            true,
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            RuntimeSettings.DEFAULT_RETRY_INITIAL,
            RuntimeSettings.DEFAULT_RETRY_MAX,
            RuntimeSettings.DEFAULT_REOPEN_OFFLINE,
            Optional.empty(),
            RuntimeSettings.DEFAULT_MAX_OPENING,
            io.pdu4j.runtime.history.PowerHistory.DEFAULT_STEP,
            RuntimeSettings.DEFAULT_IO_BATCH_WINDOW));
  }

  PowerModule(RuntimeSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * A module with the builder's defaults that loads the plugin jars of {@code directory}, as {@link
   * PowerRuntime.Builder#pluginDirectory(Path)} does (same as {@code
   * PowerRuntime.builder().pluginDirectory(directory).module()}).
   */
  public static PowerModule withPluginDirectory(Path directory) {
    return PowerRuntime.builder().pluginDirectory(directory).module();
  }

  /**
   * The optional plugin directory, to set from any module: {@code
   * PowerModule.pluginDirectoryBinder(binder()).setBinding().toInstance(dir)}. It replaces the
   * directory this module was made with, if any; unset, the runtime loads no plugin jars.
   */
  public static OptionalBinder<Path> pluginDirectoryBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(
        binder, Key.get(Path.class, Names.named(PLUGIN_DIRECTORY)));
  }

  /**
   * The set of embedded drivers, to add to from any module: {@code
   * PowerModule.driverBinder(binder()).addBinding().toInstance(new MyDriver())}.
   */
  public static Multibinder<PowerDriver> driverBinder(Binder binder) {
    return Multibinder.newSetBinder(binder, PowerDriver.class);
  }

  /** The set of embedded transports, to add to from any module (see {@link #driverBinder}). */
  public static Multibinder<TransportProvider> transportBinder(Binder binder) {
    return Multibinder.newSetBinder(binder, TransportProvider.class);
  }

  /**
   * The runtime's wall clock (handed to drivers and transports, and behind every event's time and
   * every health's {@code since}), to set from any module: {@code
   * PowerModule.clockBinder(binder()).setBinding().toInstance(clock)}. Unset, the module's own (the
   * system clock, or {@link PowerRuntime.Builder#clock}).
   */
  public static OptionalBinder<Clock> clockBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, Key.get(Clock.class, Names.named(CLOCK)));
  }

  /**
   * Where the runtime's I/O threads come from (the executor every device's link, session and timers
   * run on), to set from any module: {@code
   * PowerModule.ioThreadFactoryBinder(binder()).setBinding().toInstance(factory)}, for an
   * application that names, prioritises or accounts for its threads itself. The runtime still owns
   * the event loops made on them (their count is {@link PowerRuntime.Builder#ioThreads}) and stops
   * them on close. Unset, daemon threads named {@code pdu4j-io-N}.
   */
  public static OptionalBinder<ThreadFactory> ioThreadFactoryBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(
        binder, Key.get(ThreadFactory.class, Names.named(IO_THREADS)));
  }

  /**
   * The optional Micrometer registry the runtime publishes device meters to; absent unless an
   * application binds one (or gives one to {@link PowerRuntime.Builder#meterRegistry}).
   */
  public static OptionalBinder<MeterRegistry> meterRegistryBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, MeterRegistry.class);
  }

  @Override
  protected void configure() {
    OptionalBinder<MeterRegistry> registry = meterRegistryBinder(binder());
    settings.meterRegistry().ifPresent(r -> registry.setBinding().toInstance(r));
    OptionalBinder<Path> plugins = pluginDirectoryBinder(binder());
    settings.pluginDirectory().ifPresent(dir -> plugins.setDefault().toInstance(dir));
    clockBinder(binder()).setDefault().toInstance(settings.clock());
    OptionalBinder<ThreadFactory> ioThreadFactory = ioThreadFactoryBinder(binder());
    settings.ioThreadFactory().ifPresent(f -> ioThreadFactory.setDefault().toInstance(f));
    // the same instance bound twice is not a clash; two instances with one code are (the runtime
    // reports those with both origins)
    Multibinder<PowerDriver> drivers = driverBinder(binder()).permitDuplicates();
    settings.drivers().forEach(d -> drivers.addBinding().toInstance(d));
    Multibinder<TransportProvider> transports = transportBinder(binder()).permitDuplicates();
    settings.transports().forEach(t -> transports.addBinding().toInstance(t));
    bind(Providers.class).in(Scopes.SINGLETON);
    bind(RuntimeCore.class).in(Scopes.SINGLETON);
    bind(PowerRuntime.class).to(DefaultPowerRuntime.class).in(Scopes.SINGLETON);
  }

  /** This module's settings with the plugin directory, clock and thread factory bound. */
  @Provides
  @Singleton
  RuntimeSettings settings(
      @Named(PLUGIN_DIRECTORY) Optional<Path> pluginDirectory,
      @Named(CLOCK) Clock clock,
      @Named(IO_THREADS) Optional<ThreadFactory> ioThreadFactory) {
    return settings.withBindings(pluginDirectory, clock, ioThreadFactory);
  }

  private static ClassLoader defaultClassLoader() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return loader != null ? loader : PowerModule.class.getClassLoader();
  }
}
