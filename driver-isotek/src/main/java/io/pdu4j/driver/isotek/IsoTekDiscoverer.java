package io.pdu4j.driver.isotek;

import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.driver.isotek.internal.IsoTekDiscoveryAnswers;
import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.DatagramWindow;
import io.pdu4j.spi.DeviceDiscoverer;
import io.pdu4j.spi.DiscoveryContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Finds IsoTek units by UDP: sends {@code A?} to the broadcast address (255.255.255.255 by default)
 * on port 501, twice (at the start and half-way, as datagrams get lost), and collects the {@code
 * A=} answers for the window. Answers are de-duplicated by serial number; anything else that
 * arrives is counted and ignored. Each unit found comes with a ready address, {@code
 * isotek:tcp://<source address>:<ServerPort1, or 501>}.
 *
 * <p>Sends and listens on a datagram link of the runtime bound to any free port ({@link
 * DiscoveryContext#datagramLink(int)}), for the window ({@link DatagramWindow}); it opens no socket
 * and runs no thread of its own. Found through {@link java.util.ServiceLoader}.
 */
public final class IsoTekDiscoverer implements DeviceDiscoverer {
  private static final byte[] REQUEST = "A?\n".getBytes(StandardCharsets.US_ASCII);

  /** Creates the discoverer (for {@link java.util.ServiceLoader}). */
  public IsoTekDiscoverer() {}

  @Override
  public String driver() {
    return "isotek";
  }

  @Override
  public int defaultPort() {
    return IsoTekDriver.DEFAULT_PORT;
  }

  @Override
  public CompletionStage<Result> discover(Request request, DiscoveryContext context) {
    IsoTekDiscoveryAnswers answers = new IsoTekDiscoveryAnswers();
    CompletableFuture<Result> result = new CompletableFuture<>();
    String target = request.broadcast() + ":" + request.port();
    try {
      Datagram ask =
          new Datagram(new InetSocketAddress(request.broadcast(), request.port()), REQUEST);
      DatagramWindow.listen(
              context.datagramLink(0),
              request.window(),
              Optional.of(ask),
              d -> answers.accept(d.peer(), d.payload()))
          .whenComplete(
              (v, t) -> {
                if (t == null) {
                  result.complete(answers.result());
                } else {
                  result.completeExceptionally(failed(target, t));
                }
              });
    } catch (RuntimeException e) {
      result.completeExceptionally(failed(target, e));
    }
    return result;
  }

  private static DeviceUnreachableException failed(String target, Throwable t) {
    Throwable cause = PowerDeviceException.unwrap(t);
    return new DeviceUnreachableException("discovery failed: " + cause, target, "A?", null, cause);
  }

  @Override
  public String toString() {
    return "IsoTekDiscoverer";
  }
}
