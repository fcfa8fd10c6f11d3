package io.pdu4j.testkit;

import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.LinkListener;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LinkListener} for transport tests: records what a link tells it, and on which threads.
 *
 * <p>Thread-safe: a link calls it on its executor while the test reads it from its own thread. A
 * test may extend it to act inside a call (call {@code super} to keep the record).
 */
public class RecordingLinkListener implements LinkListener {
  private final AtomicInteger ups = new AtomicInteger();
  private final List<PowerDeviceException> downs = new CopyOnWriteArrayList<>();
  private final List<Datagram> datagrams = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();

  @Override
  public void onUp() {
    threads.add(Thread.currentThread());
    ups.incrementAndGet();
  }

  @Override
  public void onData(ByteBuffer buffer) {
    threads.add(Thread.currentThread());
    byte[] b = new byte[buffer.remaining()];
    buffer.get(b);
    synchronized (data) {
      data.writeBytes(b);
    }
  }

  @Override
  public void onDatagram(Datagram datagram) {
    threads.add(Thread.currentThread());
    datagrams.add(datagram);
  }

  @Override
  public void onDown(PowerDeviceException cause) {
    threads.add(Thread.currentThread());
    downs.add(cause);
  }

  /** How many times {@code onUp} was called. */
  public int ups() {
    return ups.get();
  }

  /** The causes of every {@code onDown}, in order (a live view). */
  public List<PowerDeviceException> downs() {
    return downs;
  }

  /** Every datagram received, in order (a live view). */
  public List<Datagram> datagrams() {
    return datagrams;
  }

  /** The thread of every call, in order (a live view). */
  public List<Thread> threads() {
    return threads;
  }

  /** All bytes received so far. */
  public byte[] received() {
    synchronized (data) {
      return data.toByteArray();
    }
  }

  /** How many bytes were received so far. */
  public int receivedCount() {
    synchronized (data) {
      return data.size();
    }
  }
}
