package io.pdu4j.spi;

import java.nio.ByteBuffer;

/**
 * Receives what a {@link Link} delivers. Every method is called on the link's {@link
 * Link#executor()}, one call at a time, in order.
 */
public interface LinkListener {

  /** The link is up and may be written to. */
  void onUp();

  /**
   * Bytes arrived on a stream link. The buffer is valid only during the call: consume or copy it.
   * Chunk boundaries mean nothing: a frame may be split across chunks, or several frames may share
   * one.
   */
  default void onData(ByteBuffer data) {}

  /** A datagram arrived on a datagram link. */
  default void onDatagram(Datagram datagram) {}

  /**
   * The link went down: reset, end of stream, port gone, or closed. Called once per {@link
   * #onUp()}, and not at all when opening failed (the open stage fails instead).
   *
   * @param cause why, as a {@link io.pdu4j.api.LinkLostException} or {@link
   *     io.pdu4j.api.DeviceClosedException} (when closed by {@link Link#close()})
   */
  void onDown(io.pdu4j.api.PowerDeviceException cause);
}
