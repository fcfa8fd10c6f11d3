package io.pdu4j.spi.transport;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.spi.LinkRequirements;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the runtime gives a {@link TransportProvider} to create a link with.
 *
 * <p>{@link #executor()} is the device's own thread. For network transports the runtime passes an
 * event loop of its shared group (a Netty {@code EventLoop} is a {@link ScheduledExecutorService}),
 * so the transport registers its channels there and never starts threads of its own.
 */
public interface TransportContext {

  /** The device's thread: the link must call its listener here. */
  ScheduledExecutorService executor();

  /** The device's settings (connect timeout, frame bound). */
  DeviceOptions options();

  /** What the driver needs from the link. */
  LinkRequirements requirements();

  /** The wall clock. */
  Clock clock();

  /**
   * Another transport, for tunnels that run over one (an {@code extron} tunnel opens a {@code tcp}
   * link to the gateway).
   */
  Optional<TransportProvider> transport(String scheme);

  /**
   * A shared resource the runtime offers by type, such as the I/O library's event loop group.
   * Transports must work (perhaps less efficiently) when it is absent.
   */
  <T> Optional<T> resource(Class<T> type);
}
