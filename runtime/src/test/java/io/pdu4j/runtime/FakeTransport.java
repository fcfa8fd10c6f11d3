package io.pdu4j.runtime;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;

/** An in-memory transport that records the contexts it was given. */
public class FakeTransport implements TransportProvider {
  final String scheme;
  final List<TransportContext> contexts = new CopyOnWriteArrayList<>();
  final List<MemLink> links = new CopyOnWriteArrayList<>();

  FakeTransport(String scheme) {
    this.scheme = scheme;
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public String description() {
    return "in-memory test links";
  }

  @Override
  public Set<String> optionNames() {
    return Set.of("buffer");
  }

  @Override
  public Link create(DeviceAddress address, TransportContext context) {
    contexts.add(context);
    MemLink link = new MemLink(address.toString(), context.executor());
    links.add(link);
    return link;
  }

  /**
   * A link that is up as soon as it is opened and echoes nothing; the test speaks for the device
   * with {@link #deliver}. It can be opened again after it was closed.
   */
  public static final class MemLink implements Link {
    private final String describe;
    private final ScheduledExecutorService executor;
    private volatile LinkListener listener;
    volatile boolean closed;
    volatile String upThread;

    /** A link whose listener runs on {@code executor}. */
    public MemLink(String describe, ScheduledExecutorService executor) {
      this.describe = describe;
      this.executor = executor;
    }

    @Override
    public Kind kind() {
      return Kind.STREAM;
    }

    @Override
    public boolean carriesUnsolicited() {
      return true;
    }

    @Override
    public String describe() {
      return describe;
    }

    @Override
    public ScheduledExecutorService executor() {
      return executor;
    }

    @Override
    public CompletionStage<Void> open(LinkListener listener) {
      this.listener = listener;
      closed = false;
      CompletableFuture<Void> up = new CompletableFuture<>();
      executor.execute(
          () -> {
            upThread = Thread.currentThread().getName();
            listener.onUp();
            up.complete(null);
          });
      return up;
    }

    /** Bytes from the device, delivered on the executor. */
    public void deliver(String text) {
      executor.execute(
          () -> {
            LinkListener l = listener;
            if (l != null && !closed) {
              l.onData(ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            }
          });
    }

    @Override
    public boolean isOpen() {
      return listener != null && !closed;
    }

    @Override
    public CompletionStage<Void> send(ByteBuffer data) {
      return closed
          ? CompletableFuture.failedFuture(new LinkLostException("closed"))
          : CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> close() {
      closed = true;
      LinkListener l = listener;
      CompletableFuture<Void> done = new CompletableFuture<>();
      if (l == null) {
        done.complete(null);
        return done;
      }
      executor.execute(
          () -> {
            l.onDown(new DeviceClosedException("closed"));
            done.complete(null);
          });
      return done;
    }
  }
}
