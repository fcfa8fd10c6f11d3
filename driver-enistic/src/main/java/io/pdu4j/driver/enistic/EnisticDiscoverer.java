package io.pdu4j.driver.enistic;

import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.driver.enistic.internal.EnisticCodec;
import io.pdu4j.spi.DatagramWindow;
import io.pdu4j.spi.DeviceDiscoverer;
import io.pdu4j.spi.DiscoveryContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Finds Enistic controllers by listening: controllers broadcast their readings unasked, so this
 * discoverer sends nothing. It binds the readings port (53005 by default, shared with {@code
 * SO_REUSEADDR} so a running pdu4j on the same port is not disturbed) on every interface for the
 * window and lists every controller serial heard in a well-formed reading, in the order first
 * heard, with an address ready to open ({@code enistic:udp://0.0.0.0:PORT/SERIAL}: commands then go
 * to the address the controller's readings come from). Datagrams that hold no reading (other
 * events, malformed lines, foreign traffic) are counted as ignored. The request's broadcast address
 * is not used.
 *
 * <p>Listens on a datagram link of the runtime bound to the request's port ({@link
 * DiscoveryContext#datagramLink(int)}), shared with any device of the runtime listening there, for
 * the window ({@link DatagramWindow}); it opens no socket and runs no thread of its own. Found
 * through {@link java.util.ServiceLoader}.
 */
public final class EnisticDiscoverer implements DeviceDiscoverer {
  private static final int MAX_DATAGRAM = 2048;

  /**
   * The most controllers one discovery lists: a flood of made-up controller serials cannot grow the
   * result without bound. Datagrams that would add only controllers beyond it count as ignored.
   */
  static final int MAX_FOUND = 256;

  /** Creates the discoverer (for {@link java.util.ServiceLoader}). */
  public EnisticDiscoverer() {}

  @Override
  public String driver() {
    return "enistic";
  }

  @Override
  public int defaultPort() {
    return EnisticDriver.DEFAULT_PORT;
  }

  /** It sends nothing: it binds the request's port and listens. */
  @Override
  public boolean sendsRequest() {
    return false;
  }

  @Override
  public CompletionStage<Result> discover(Request request, DiscoveryContext context) {
    Map<String, Found> found = new LinkedHashMap<>();
    int[] ignored = {0};
    CompletableFuture<Result> result = new CompletableFuture<>();
    try {
      DatagramWindow.listen(
              context.datagramLink(request.port()),
              request.window(),
              Optional.empty(),
              d -> {
                byte[] bytes = d.payload();
                List<String> serials =
                    bytes.length > MAX_DATAGRAM
                        ? List.of()
                        : controllers(new String(bytes, StandardCharsets.ISO_8859_1));
                boolean usable = false;
                for (String serial : serials) {
                  String key = EnisticCodec.key(serial);
                  if (found.containsKey(key)) {
                    usable = true;
                  } else if (found.size() < MAX_FOUND) {
                    usable = true;
                    found.put(
                        key,
                        new Found(
                            "enistic",
                            "enistic:udp://0.0.0.0:" + request.port() + "/" + serial,
                            serial,
                            Optional.empty()));
                  }
                }
                if (!usable) {
                  ignored[0]++;
                }
              })
          .whenComplete(
              (v, t) -> {
                if (t == null) {
                  result.complete(new Result(new ArrayList<>(found.values()), ignored[0]));
                } else {
                  result.completeExceptionally(cannotListen(request, t));
                }
              });
    } catch (RuntimeException e) {
      result.completeExceptionally(cannotListen(request, e));
    }
    return result;
  }

  private static DeviceUnreachableException cannotListen(Request request, Throwable t) {
    Throwable e = PowerDeviceException.unwrap(t);
    return new DeviceUnreachableException(
        "cannot listen for Enistic readings on UDP port "
            + request.port()
            + (inUse(e)
                ? ": the port is in use by a socket that does not share it (" + e.getMessage() + ")"
                : ": " + e.getMessage()),
        "enistic:udp://0.0.0.0:" + request.port(),
        null,
        null,
        e);
  }

  private static boolean inUse(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      // NIO reports a BindException; the native epoll transport an IOException saying so
      if (c instanceof java.net.BindException
          || String.valueOf(c.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  /** The controller serials of the well-formed readings in one datagram. */
  static List<String> controllers(String payload) {
    List<String> serials = new ArrayList<>();
    List<String> lines = EnisticCodec.lines(payload);
    // past MAX_LINES, lines() returns the rest unsplit: over-long, not a reading
    for (String line : lines.subList(0, Math.min(lines.size(), EnisticCodec.MAX_LINES))) {
      try {
        EnisticCodec.parse(line).ifPresent(r -> serials.add(r.controller()));
      } catch (ProtocolException e) {
        // not a reading: counted by the caller when the datagram holds none
      }
    }
    return serials;
  }

  @Override
  public String toString() {
    return "EnisticDiscoverer";
  }
}
