package io.pdu4j.transport.net.internal;

import io.netty.util.concurrent.EventExecutor;
import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.transport.LinkLifecycle;
import io.pdu4j.spi.transport.TransportContext;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP {@link Link}: a member of the provider's shared endpoint at its bind address and port. It
 * receives every datagram that endpoint receives, on its own executor, and sends through the shared
 * socket.
 *
 * <p>State lives on the device's executor. Datagrams waiting for the executor are bounded ({@value
 * #MAX_PENDING}); beyond that they are counted and dropped.
 */
public final class UdpLink implements Link {
  private static final Logger log = LoggerFactory.getLogger(UdpLink.class);

  /** Datagrams waiting for the executor above which new ones are dropped. */
  static final int MAX_PENDING = 4096;

  private final UdpEndpoints endpoints;
  private final InetSocketAddress bind;
  private final TransportContext context;
  private final ScheduledExecutorService executor;
  private final int rcvbuf;
  private final int maxDatagram;
  private final String description;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();

  private final LinkLifecycle lifecycle;
  // the executor when it is a Netty event loop: a socket read there delivers in place
  private final EventExecutor ownLoop;

  // Confined to the executor.
  private CompletableFuture<Void> opening;

  // Read from any thread.
  private volatile UdpEndpoints.Endpoint endpoint;

  /**
   * Creates a closed link; does no I/O.
   *
   * @param bind the local address and port to listen on
   * @param rcvbuf SO_RCVBUF in bytes
   * @param maxDatagram the largest datagram delivered; bigger ones are counted and dropped
   */
  public UdpLink(
      UdpEndpoints endpoints,
      InetSocketAddress bind,
      TransportContext context,
      int rcvbuf,
      int maxDatagram) {
    this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
    this.bind = Objects.requireNonNull(bind, "bind");
    this.context = Objects.requireNonNull(context, "context");
    this.executor = Objects.requireNonNull(context.executor(), "context.executor()");
    this.rcvbuf = rcvbuf;
    this.maxDatagram = maxDatagram;
    String host = bind.getAddress().getHostAddress();
    this.description =
        "udp://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + bind.getPort();
    this.lifecycle = new LinkLifecycle(description, executor, () -> false);
    this.ownLoop = executor instanceof EventExecutor loop ? loop : null;
  }

  @Override
  public Kind kind() {
    return Kind.DATAGRAM;
  }

  @Override
  public boolean carriesUnsolicited() {
    return true;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public ScheduledExecutorService executor() {
    return executor;
  }

  @Override
  public boolean isOpen() {
    return endpoint != null;
  }

  /** The socket's local address while open (the actual port when bound to port 0). */
  public Optional<InetSocketAddress> localAddress() {
    UdpEndpoints.Endpoint e = endpoint;
    return e == null ? Optional.empty() : e.localAddress();
  }

  /** The shared socket's endpoint while open, else null. */
  UdpEndpoints.Endpoint endpoint() {
    return endpoint;
  }

  /** Datagrams dropped because the executor fell behind. */
  public long droppedDatagrams() {
    return dropped.get();
  }

  @Override
  public String toString() {
    return "UdpLink[" + description + "]";
  }

  @Override
  public CompletionStage<Void> open(LinkListener newListener) {
    return lifecycle.open(newListener, this::doOpen);
  }

  private void doOpen() {
    // Identifies this attempt: a close while binding, and a later open, make it stale.
    CompletableFuture<Void> attempt = new CompletableFuture<>();
    opening = attempt;
    endpoints
        .acquire(bind, this, context, rcvbuf, maxDatagram)
        .whenComplete(
            (e, err) ->
                lifecycle.execute(
                    () -> opened(attempt, e, err),
                    () -> {
                      if (e != null) {
                        endpoints.release(e, this);
                      }
                      // the executor is gone, so nothing else can touch the state any more
                      lifecycle.failOpen(
                          new DeviceClosedException(description + ": executor shut down"));
                    }));
  }

  private void opened(CompletableFuture<Void> attempt, UdpEndpoints.Endpoint e, Throwable err) {
    if (opening != attempt) {
      // closed while binding: the open has failed already
      if (e != null) {
        endpoints.release(e, this);
      }
      return;
    }
    opening = null;
    if (err != null) {
      Throwable cause = err.getCause() != null ? err.getCause() : err;
      lifecycle.failOpen(
          cause instanceof PowerDeviceException p
              ? p
              : new DeviceUnreachableException(description + ": " + cause.getMessage(), cause));
      return;
    }
    endpoint = e;
    log.debug("{} up", description);
    lifecycle.opened();
  }

  /**
   * Called on a Netty thread with the datagrams of one read of the endpoint, in the order they
   * arrived. On the link's own executor (the socket runs on the device's event loop) they are
   * handed to the listener at once, in this call; otherwise they go to the executor as one task,
   * and those beyond {@value #MAX_PENDING} waiting are counted and dropped (the newest first, as
   * they would have been one by one).
   *
   * @return whether the link kept {@code batch} for later, in which case the caller must not change
   *     it any more; when false the caller may reuse it
   */
  boolean deliver(UdpEndpoints.Endpoint from, List<Datagram> batch) {
    int n = batch.size();
    if (ownLoop != null && ownLoop.inEventLoop()) {
      // no task, no queue: the device's thread is the one reading the socket
      for (int i = 0; i < n && endpoint == from; i++) {
        lifecycle.datagram(batch.get(i));
      }
      return false;
    }
    int waiting = pending.addAndGet(n);
    int over = Math.min(n, Math.max(0, waiting - MAX_PENDING));
    if (over > 0) {
      pending.addAndGet(-over);
      long before = dropped.getAndAdd(over);
      // logged as the count passes each power of two
      if (Long.numberOfLeadingZeros(before) != Long.numberOfLeadingZeros(before + over)) {
        log.warn("{}: executor behind, dropped {} datagram(s)", description, before + over);
      }
    }
    int accepted = n - over;
    if (accepted == 0) {
      return false;
    }
    lifecycle.execute(
        () -> {
          pending.addAndGet(-accepted);
          for (int i = 0; i < accepted && endpoint == from; i++) {
            lifecycle.datagram(batch.get(i));
          }
        },
        () -> pending.addAndGet(-accepted));
    return true;
  }

  /** Called on a Netty thread when the shared socket closed under the link. */
  void endpointLost(UdpEndpoints.Endpoint e) {
    lifecycle.execute(
        () -> {
          if (endpoint == e) {
            endpoint = null;
            lifecycle.down(new LinkLostException(description + ": the UDP socket closed"));
          }
        },
        () -> {});
  }

  @Override
  public CompletionStage<Void> send(ByteBuffer data) {
    return CompletableFuture.failedFuture(
        new UnsupportedCapabilityException(
            description + " has no default peer: send a Datagram with its destination"));
  }

  @Override
  public CompletionStage<Void> send(Datagram datagram) {
    Objects.requireNonNull(datagram, "datagram");
    CompletableFuture<Void> stage = new CompletableFuture<>();
    UdpEndpoints.Endpoint e = endpoint;
    if (e == null) {
      stage.completeExceptionally(new LinkLostException(description + " is not open"));
      return stage.minimalCompletionStage();
    }
    if (datagram.payload().length > 65_507) {
      stage.completeExceptionally(
          new DeviceBusyException(description + ": datagram too large to send"));
      return stage.minimalCompletionStage();
    }
    e.send(datagram)
        .whenComplete(
            (v, err) ->
                lifecycle.execute(
                    () -> {
                      if (err == null) {
                        stage.complete(null);
                      } else {
                        stage.completeExceptionally(
                            new LinkLostException(
                                description
                                    + ": sending to "
                                    + datagram.peer()
                                    + " failed: "
                                    + err.getMessage(),
                                err));
                      }
                    },
                    () ->
                        stage.completeExceptionally(
                            new LinkLostException(description + ": executor shut down"))));
    return stage.minimalCompletionStage();
  }

  @Override
  public CompletionStage<Void> close() {
    CompletableFuture<Void> stage = new CompletableFuture<>();
    lifecycle.execute(
        () -> {
          // an open in progress is abandoned: its membership is released when the bind completes
          opening = null;
          UdpEndpoints.Endpoint e = endpoint;
          endpoint = null;
          lifecycle.closed();
          if (e == null) {
            stage.complete(null);
            return;
          }
          endpoints.release(e, this).whenComplete((v, err) -> stage.complete(null));
        },
        () -> {
          UdpEndpoints.Endpoint e = endpoint;
          endpoint = null;
          if (e != null) {
            endpoints.release(e, this).whenComplete((v, err) -> stage.complete(null));
          } else {
            stage.complete(null);
          }
        });
    return stage.minimalCompletionStage();
  }
}
