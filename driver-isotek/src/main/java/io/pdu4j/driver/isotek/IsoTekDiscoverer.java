package io.pdu4j.driver.isotek;

import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.driver.isotek.internal.IsoTekDiscoveryAnswers;
import io.pdu4j.spi.DatagramWindow;
import io.pdu4j.spi.DeviceDiscoverer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

/**
 * Finds IsoTek units by UDP: sends {@code A?} to the broadcast address (255.255.255.255 by default)
 * on port 501, twice (at the start and half-way, as datagrams get lost), and collects the {@code
 * A=} answers for the window. Answers are de-duplicated by serial number; anything else that
 * arrives is counted and ignored. Each unit found comes with a ready address, {@code
 * isotek:tcp://<source address>:<ServerPort1, or 501>}.
 *
 * <p>Uses a JDK {@link DatagramChannel} on a thread of its own for the window (drivers use the JDK
 * and the API only). Found through {@link java.util.ServiceLoader}.
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
  public CompletionStage<Result> discover(Request request) {
    return DatagramWindow.onOwnThread(
        "isotek-discovery",
        () -> run(request),
        e ->
            new DeviceUnreachableException(
                "discovery failed: " + e,
                request.broadcast() + ":" + request.port(),
                "A?",
                null,
                e));
  }

  private static Result run(Request request) throws IOException {
    IsoTekDiscoveryAnswers answers = new IsoTekDiscoveryAnswers();
    SocketAddress target = new InetSocketAddress(request.broadcast(), request.port());
    try (DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
      channel.setOption(StandardSocketOptions.SO_BROADCAST, true);
      channel.bind(null);
      channel.configureBlocking(false);
      channel.send(ByteBuffer.wrap(REQUEST), target);
      DatagramWindow.receive(
          channel,
          request.window(),
          IsoTekDiscoveryAnswers.MAX_DATAGRAM,
          () -> channel.send(ByteBuffer.wrap(REQUEST), target),
          answers::accept);
    }
    return answers.result();
  }

  @Override
  public String toString() {
    return "IsoTekDiscoverer";
  }
}
