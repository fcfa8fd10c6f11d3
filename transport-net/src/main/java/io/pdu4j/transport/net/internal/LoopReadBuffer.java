package io.pdu4j.transport.net.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Reads of connections whose listener consumes each chunk on the loop before the read returns (the
 * runtime's devices, on their own loop): every read of a loop goes into the same direct buffer of
 * that loop, kept for the loop's life, instead of a buffer taken from the pool for each read. The
 * chunk is handed on, consumed and released before the loop reads the next one, so one buffer is
 * enough; it stays in the core's cache, where a pooled buffer for each of a fleet's thousands of
 * reads a second is memory to fetch each time, an allocation and a release, and one buffer in 128
 * tracked with a stack trace by Netty's leak detector. Should a chunk still be held when the loop
 * reads again (a listener that kept it, against its contract, or a read from within a listener),
 * that read takes a pooled buffer as before.
 *
 * <p>Sizes: the buffer holds {@link #CAPACITY} bytes, as much as the largest pooled read would.
 */
final class LoopReadBuffer implements RecvByteBufAllocator {

  /** The loop's buffer: as large as the largest read of {@link TcpLink}'s adaptive sizes. */
  static final int CAPACITY = 64 * 1024;

  private static final FastThreadLocal<ByteBuf> BUFFER =
      new FastThreadLocal<>() {
        @Override
        protected ByteBuf initialValue() {
          return Unpooled.directBuffer(CAPACITY, CAPACITY);
        }

        @Override
        protected void onRemoval(ByteBuf buffer) {
          buffer.release(); // the loop's thread ends
        }
      };

  private final RecvByteBufAllocator sizes;

  /** Reads counted and continued as {@code sizes} does, into the loop's buffer. */
  LoopReadBuffer(RecvByteBufAllocator sizes) {
    this.sizes = sizes;
  }

  @Override
  @SuppressWarnings("deprecation") // the interface's own return type; every channel asks for it
  public Handle newHandle() {
    return new LoopHandle((ExtendedHandle) sizes.newHandle());
  }

  /**
   * The loop's buffer, emptied and retained for the read, when nothing holds it; otherwise {@code
   * null}.
   */
  static ByteBuf take() {
    ByteBuf buffer = BUFFER.get();
    if (buffer.refCnt() != 1) {
      return null; // the last chunk is still held
    }
    buffer.retain();
    buffer.clear();
    return buffer;
  }

  /** Whether {@code buffer} is the calling thread's loop buffer. */
  static boolean isLoopBuffer(ByteBuf buffer) {
    return BUFFER.getIfExists() == buffer;
  }

  /** Netty's handle for the sizes and counts, with the reads into the loop's buffer. */
  private static final class LoopHandle extends DelegatingHandle implements ExtendedHandle {
    LoopHandle(ExtendedHandle delegate) {
      super(delegate);
    }

    @Override
    public ByteBuf allocate(ByteBufAllocator alloc) {
      ByteBuf buffer = take();
      return buffer != null ? buffer : delegate().allocate(alloc);
    }

    @Override
    public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
      return ((ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
    }
  }
}
