package io.pdu4j.transport.serial.internal;

import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.LinkListener;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what a link tells it, and on which threads. */
class RecordingListener implements LinkListener {
  final AtomicInteger ups = new AtomicInteger();
  final List<PowerDeviceException> downs = new CopyOnWriteArrayList<>();
  final List<Thread> threads = new CopyOnWriteArrayList<>();
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
  public void onDown(PowerDeviceException cause) {
    threads.add(Thread.currentThread());
    downs.add(cause);
  }

  byte[] received() {
    synchronized (data) {
      return data.toByteArray();
    }
  }

  int receivedCount() {
    synchronized (data) {
      return data.size();
    }
  }
}
