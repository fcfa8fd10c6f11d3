package io.pdu4j.runtime.internal;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/** The {@link TransportContext} of one device: its event loop, options and the shared group. */
final class RuntimeTransportContext implements TransportContext {
  private final ScheduledExecutorService executor;
  private final DeviceOptions options;
  private final LinkRequirements requirements;
  private final Clock clock;
  private final ProviderRegistry<TransportProvider> transports;
  private final Object group;

  RuntimeTransportContext(
      ScheduledExecutorService executor,
      DeviceOptions options,
      LinkRequirements requirements,
      Clock clock,
      ProviderRegistry<TransportProvider> transports,
      Object group) {
    this.executor = Objects.requireNonNull(executor, "executor");
    this.options = Objects.requireNonNull(options, "options");
    this.requirements = Objects.requireNonNull(requirements, "requirements");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.transports = Objects.requireNonNull(transports, "transports");
    this.group = Objects.requireNonNull(group, "group");
  }

  @Override
  public ScheduledExecutorService executor() {
    return executor;
  }

  @Override
  public DeviceOptions options() {
    return options;
  }

  @Override
  public LinkRequirements requirements() {
    return requirements;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public Optional<TransportProvider> transport(String scheme) {
    return transports.find(scheme);
  }

  @Override
  public <T> Optional<T> resource(Class<T> type) {
    Objects.requireNonNull(type, "type");
    // the group answers for every type it is: EventLoopGroup, IoEventLoopGroup, ...
    return type.isInstance(group) ? Optional.of(type.cast(group)) : Optional.empty();
  }
}
