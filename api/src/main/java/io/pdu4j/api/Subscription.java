package io.pdu4j.api;

/** A listener registration; closing it removes the listener. Idempotent. */
@DoNotImplement
public interface Subscription extends AutoCloseable {
  /** Removes the listener; it receives no event after this returns. */
  @Override
  void close();
}
