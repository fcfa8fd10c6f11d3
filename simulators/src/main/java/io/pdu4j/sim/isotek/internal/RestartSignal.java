package io.pdu4j.sim.isotek.internal;

import java.util.function.Consumer;

/** How a connection that answered {@code X} tells the server to restart. Thread-safe. */
public final class RestartSignal {
  private volatile Consumer<ClientConnection> handler = c -> {};

  /** Sets what a restart does (the server's). */
  public void setHandler(Consumer<ClientConnection> handler) {
    this.handler = handler;
  }

  /** Restarts the unit; {@code from} closes itself once its {@code OK} is out. */
  public void trigger(ClientConnection from) {
    handler.accept(from);
  }
}
