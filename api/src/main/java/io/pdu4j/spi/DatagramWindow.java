package io.pdu4j.spi;

import io.pdu4j.api.PowerDeviceException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The receiving loop a {@link DeviceDiscoverer} runs for its window, with the JDK's {@link
 * DatagramChannel} (drivers use no I/O library), on a daemon thread of its own.
 *
 * <p>Discovery is not on a device's hot path, so a short-lived thread and a selector are simpler
 * here than sharing the runtime's event loops, and keep drivers free of a transport dependency.
 */
public final class DatagramWindow {

  /** The body of a discovery: opens its channel, runs {@link #receive}, returns the result. */
  @FunctionalInterface
  public interface Body {
    /** Runs the discovery; may block for its window. */
    DeviceDiscoverer.Result run() throws IOException;
  }

  /** Something sent during the window (a repeated request). */
  @FunctionalInterface
  public interface Send {
    /** Sends it. */
    void send() throws IOException;
  }

  /** Takes each datagram received in the window. */
  @FunctionalInterface
  public interface Receiver {
    /**
     * One datagram, cut at {@code maxDatagram + 1} bytes so that a receiver can tell an over-long
     * one (longer than its limit) and count it instead of parsing it.
     */
    void accept(InetSocketAddress from, byte[] payload);
  }

  private DatagramWindow() {}

  /**
   * Runs {@code body} on a new daemon thread named {@code threadName}; the stage completes once
   * with its result, or with {@code failure} applied to what it threw.
   */
  public static CompletionStage<DeviceDiscoverer.Result> onOwnThread(
      String threadName, Body body, Function<Exception, PowerDeviceException> failure) {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(failure, "failure");
    CompletableFuture<DeviceDiscoverer.Result> result = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                result.complete(body.run());
              } catch (IOException | RuntimeException e) {
                result.completeExceptionally(failure.apply(e));
              }
            },
            threadName);
    t.setDaemon(true);
    t.start();
    return result;
  }

  /**
   * Receives on {@code channel} (bound, non-blocking) until {@code window} has passed, handing
   * every datagram to {@code receiver}; {@code halfway} is sent once when half the window has
   * passed (datagrams get lost: asking twice finds more).
   */
  public static void receive(
      DatagramChannel channel, Duration window, int maxDatagram, Send halfway, Receiver receiver)
      throws IOException {
    Objects.requireNonNull(halfway, "halfway");
    loop(channel, window, maxDatagram, halfway, receiver);
  }

  /** As {@link #receive(DatagramChannel, Duration, int, Send, Receiver)}, sending nothing. */
  public static void receive(
      DatagramChannel channel, Duration window, int maxDatagram, Receiver receiver)
      throws IOException {
    loop(channel, window, maxDatagram, null, receiver);
  }

  private static void loop(
      DatagramChannel channel, Duration window, int maxDatagram, Send halfway, Receiver receiver)
      throws IOException {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(receiver, "receiver");
    if (maxDatagram < 1) {
      throw new IllegalArgumentException("maxDatagram must be at least 1, got " + maxDatagram);
    }
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_READ);
      long start = System.nanoTime();
      long end = start + window.toNanos();
      long halfwayAt = start + window.toNanos() / 2;
      boolean pending = halfway != null;
      ByteBuffer buffer = ByteBuffer.allocate(maxDatagram + 1);
      for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
        if (pending && now >= halfwayAt) {
          halfway.send();
          pending = false;
        }
        long until = pending ? halfwayAt : end;
        selector.select(Math.max(1, (until - now) / 1_000_000));
        selector.selectedKeys().clear();
        InetSocketAddress from;
        while ((from = (InetSocketAddress) channel.receive(buffer.clear())) != null) {
          buffer.flip();
          byte[] payload = new byte[buffer.remaining()];
          buffer.get(payload);
          receiver.accept(from, payload);
        }
      }
    }
  }
}
