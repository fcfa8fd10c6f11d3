package io.pdu4j.example.relay;

import io.pdu4j.spi.DeviceOptions;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.TransportContext;
import io.pdu4j.spi.TransportProvider;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/** The least the tcp transport needs, to wire it to the driver by hand as the runtime would. */
record TcpTestContext(
    ScheduledExecutorService executor, DeviceOptions options, LinkRequirements requirements)
    implements TransportContext {

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
