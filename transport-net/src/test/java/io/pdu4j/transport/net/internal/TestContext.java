package io.pdu4j.transport.net.internal;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A {@link TransportContext} for tests; {@link #resources()} maps a type to the instance offered.
 */
public record TestContext(
    ScheduledExecutorService executor,
    DeviceOptions options,
    LinkRequirements requirements,
    Map<Class<?>, Object> resources)
    implements TransportContext {

  public static TestContext of(ScheduledExecutorService executor) {
    return new TestContext(
        executor, DeviceOptions.defaults(), LinkRequirements.stream(501), Map.of());
  }

  public TestContext withConnectTimeout(Duration timeout) {
    DeviceOptions d = options;
    return new TestContext(
        executor,
        new DeviceOptions(
            d.commandTimeout(),
            timeout,
            d.readyTimeout(),
            d.queueCapacity(),
            d.maxFrameLength(),
            d.pollInterval(),
            d.staleAfter()),
        requirements,
        resources);
  }

  public TestContext withRequirements(LinkRequirements r) {
    return new TestContext(executor, options, r, resources);
  }

  public <T> TestContext withResource(Class<T> type, T value) {
    return new TestContext(executor, options, requirements, Map.of(type, value));
  }

  @Override
  public Clock clock() {
    return Clock.systemUTC();
  }

  @Override
  public Optional<TransportProvider> transport(String scheme) {
    return Optional.empty();
  }

  @Override
  public <T> Optional<T> resource(Class<T> type) {
    Object v = resources.get(type);
    return type.isInstance(v) ? Optional.of(type.cast(v)) : Optional.empty();
  }
}
