package io.pdu4j.runtime.internal;

import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Link} that counts for {@link DeviceMetrics} what passes through it: bytes sent (once the
 * link accepted them), bytes and datagram payloads received, and every {@link LinkListener#onUp()}
 * after the first as a reconnect. Otherwise it is the link it wraps: the driver cannot tell.
 */
final class CountingLink extends ForwardingLink {
  private final DeviceMetrics metrics;
  private final AtomicLong ups = new AtomicLong();

  CountingLink(Link link, DeviceMetrics metrics) {
    super(link);
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public CompletionStage<Void> open(LinkListener listener) {
    Objects.requireNonNull(listener, "listener");
    return link.open(new Counting(listener));
  }

  @Override
  public CompletionStage<Void> send(ByteBuffer data) {
    int bytes = data.remaining();
    CompletionStage<Void> sent = link.send(data);
    // counted on the side: the caller keeps the link's own stage (and can cancel it)
    sent.whenComplete(
        (v, t) -> {
          if (t == null) {
            metrics.bytesSent.addAndGet(bytes);
          }
        });
    return sent;
  }

  @Override
  public CompletionStage<Void> send(Datagram datagram) {
    int bytes = datagram.payload().length;
    CompletionStage<Void> sent = link.send(datagram);
    sent.whenComplete(
        (v, t) -> {
          if (t == null) {
            metrics.bytesSent.addAndGet(bytes);
          }
        });
    return sent;
  }

  private final class Counting implements LinkListener {
    private final LinkListener listener;

    Counting(LinkListener listener) {
      this.listener = listener;
    }

    @Override
    public void onUp() {
      if (ups.getAndIncrement() > 0) {
        metrics.reconnects.incrementAndGet();
      }
      listener.onUp();
    }

    @Override
    public void onData(ByteBuffer data) {
      metrics.bytesReceived.addAndGet(data.remaining());
      listener.onData(data);
    }

    @Override
    public void onDatagram(Datagram datagram) {
      metrics.bytesReceived.addAndGet(datagram.payload().length);
      listener.onDatagram(datagram);
    }

    @Override
    public void onDown(PowerDeviceException cause) {
      listener.onDown(cause);
    }
  }
}
