package io.pdu4j.runtime.internal;

import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A link that passes every call to the link it wraps: the runtime's wrappers ({@link PacedLink},
 * {@link WatchedLink}) override only what they add to.
 */
abstract class ForwardingLink implements Link {
  /** The link wrapped. */
  protected final Link link;

  ForwardingLink(Link link) {
    this.link = Objects.requireNonNull(link, "link");
  }

  @Override
  public CompletionStage<Void> open(LinkListener listener) {
    return link.open(listener);
  }

  @Override
  public CompletionStage<Void> close() {
    return link.close();
  }

  @Override
  public CompletionStage<Void> send(ByteBuffer data) {
    return link.send(data);
  }

  @Override
  public CompletionStage<Void> send(Datagram datagram) {
    return link.send(datagram);
  }

  @Override
  public Kind kind() {
    return link.kind();
  }

  @Override
  public boolean carriesUnsolicited() {
    return link.carriesUnsolicited();
  }

  @Override
  public String describe() {
    return link.describe();
  }

  @Override
  public ScheduledExecutorService executor() {
    return link.executor();
  }

  @Override
  public void executeUnhurried(Runnable task) {
    link.executeUnhurried(task);
  }

  @Override
  public boolean isOpen() {
    return link.isOpen();
  }

  @Override
  public String toString() {
    return link.toString();
  }
}
