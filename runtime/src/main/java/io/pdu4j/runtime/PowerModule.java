package io.pdu4j.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.micrometer.core.instrument.MeterRegistry;
import io.pdu4j.runtime.internal.RuntimeCore;
import io.pdu4j.runtime.internal.RuntimeSettings;
import io.pdu4j.spi.DeviceOptions;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.spi.TransportProvider;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * <p>{@code new PowerModule()} has the defaults of {@link PowerRuntime#builder()}; {@link
 * PowerRuntime.Builder#module()} makes one with other settings. The injector does not close the
 * runtime: the application does.
 */
public final class PowerModule extends AbstractModule {
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
            RuntimeSettings.DEFAULT_RETRY_MAX));
  }

  PowerModule(RuntimeSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
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
    bind(RuntimeSettings.class).toInstance(settings);
    // the same instance bound twice is not a clash; two instances with one code are (the runtime
    // reports those with both origins)
    Multibinder<PowerDriver> drivers = driverBinder(binder()).permitDuplicates();
    settings.drivers().forEach(d -> drivers.addBinding().toInstance(d));
    Multibinder<TransportProvider> transports = transportBinder(binder()).permitDuplicates();
    settings.transports().forEach(t -> transports.addBinding().toInstance(t));
    bind(RuntimeCore.class).in(Scopes.SINGLETON);
    bind(PowerRuntime.class).to(DefaultPowerRuntime.class).in(Scopes.SINGLETON);
  }

  private static ClassLoader defaultClassLoader() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return loader != null ? loader : PowerModule.class.getClassLoader();
  }
}
