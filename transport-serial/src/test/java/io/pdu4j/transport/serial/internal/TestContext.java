package io.pdu4j.transport.serial.internal;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/** A {@link TransportContext} for tests. */
record TestContext(ScheduledExecutorService executor, DeviceOptions options)
    implements TransportContext {

  static TestContext of(ScheduledExecutorService executor) {
    return new TestContext(executor, DeviceOptions.defaults());
  }

  @Override
  public LinkRequirements requirements() {
    return LinkRequirements.stream(501);
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
    return Optional.empty();
  }
}
