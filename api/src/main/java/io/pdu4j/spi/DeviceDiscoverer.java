package io.pdu4j.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Finds devices of one driver on the local network, e.g. by a UDP broadcast. Found by the runtime
 * through {@link java.util.ServiceLoader} and in plugin jars, like {@link PowerDriver}, and run by
 * {@code PowerRuntime.discover}, which hands it a {@link DiscoveryContext} for its datagram links.
 *
 * <p>{@link #discover(Request, DiscoveryContext)} listens for the request's window and completes
 * once with every device that answered, de-duplicated; it never fails because of what others sent
 * (foreign or malformed answers are counted in {@link Result#ignored()}), only when it cannot send
 * at all.
 */
public interface DeviceDiscoverer {

  /** The driver code of the addresses found (e.g. {@code isotek}). */
  String driver();

  /** The default port the request goes to, or that is listened on when nothing is sent. */
  int defaultPort();

  /**
   * Whether this discoverer sends a request to {@link Request#port()} and listens on a port of its
   * own for the answers (IsoTek), rather than binding {@link Request#port()} and listening for what
   * devices send unasked (Enistic). Two discoverers must never listen on a port that another sends
   * its request to: the listener would take the answers. Default: it sends.
   */
  default boolean sendsRequest() {
    return true;
  }

  /**
   * Sends the request and collects the answers for its window, over links from {@code context} (see
   * {@link DatagramWindow}); completes once. Runs no thread and opens no socket of its own.
   */
  CompletionStage<Result> discover(Request request, DiscoveryContext context);

  /**
   * Where and how long to ask.
   *
   * @param broadcast the address to send to (a broadcast address, or 127.0.0.1 in tests)
   * @param port the port to send to, or to listen on for a discoverer that sends nothing
   * @param window how long to collect answers
   */
  record Request(String broadcast, int port, Duration window) {
    /** Validates the fields. */
    public Request {
      Objects.requireNonNull(broadcast, "broadcast");
      Objects.requireNonNull(window, "window");
      if (port < 1 || port > 65535) {
        throw new io.pdu4j.api.InvalidArgumentException("port must be 1..65535, got " + port);
      }
      if (window.isNegative() || window.isZero()) {
        throw new io.pdu4j.api.InvalidArgumentException("the window must be more than 0");
      }
    }
  }

  /**
   * One device that answered.
   *
   * @param driver the driver code
   * @param uri an address ready for {@code PowerRuntime.open}
   * @param serial the device's serial number
   * @param mac its MAC address, when it gave one
   */
  record Found(String driver, String uri, String serial, Optional<String> mac) {
    /** Validates that nothing is null. */
    public Found {
      Objects.requireNonNull(driver, "driver");
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(serial, "serial");
      Objects.requireNonNull(mac, "mac");
    }
  }

  /**
   * What a discovery found.
   *
   * @param devices the devices, de-duplicated, in the order they first answered
   * @param ignored how many datagrams were not a usable answer
   */
  record Result(List<Found> devices, int ignored) {
    /** Copies the list. */
    public Result {
      devices = List.copyOf(devices);
    }
  }
}
