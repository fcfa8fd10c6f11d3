package io.pdu4j.transport.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The loop's read buffer: the same buffer for every read once the last chunk was released, a pooled
 * one while it is still held, and never one thread's buffer on another thread. (The contract tests
 * on an event loop, {@code TcpLinkOnEventLoopTest}, read every chunk of a real connection through
 * it.)
 */
class LoopReadBufferTest {

  private static RecvByteBufAllocator.ExtendedHandle handle() {
    return (RecvByteBufAllocator.ExtendedHandle)
        new LoopReadBuffer(new AdaptiveRecvByteBufAllocator()).newHandle();
  }

  @Test
  void everyReadTakesTheLoopsBufferOnceTheLastChunkIsReleased() {
    RecvByteBufAllocator.ExtendedHandle reads = handle();
    ByteBuf first = reads.allocate(UnpooledByteBufAllocator.DEFAULT);
    assertThat(LoopReadBuffer.isLoopBuffer(first)).isTrue();
    assertThat(first.writableBytes()).isEqualTo(LoopReadBuffer.CAPACITY);
    first.writeBytes(new byte[] {'R', 'T', 'C', '\r', '\n'});
    first.readByte();
    first.release(); // the listener is done with the chunk

    ByteBuf second = reads.allocate(UnpooledByteBufAllocator.DEFAULT);
    assertThat(second).isSameAs(first);
    assertThat(second.readerIndex()).isZero();
    assertThat(second.writerIndex()).isZero(); // emptied: nothing of the last chunk is read again
    assertThat(second.refCnt()).isEqualTo(2); // the loop's own reference and the read's
    second.release();
  }

  @Test
  void aChunkStillHeldMakesTheNextReadTakeAPooledBuffer() {
    RecvByteBufAllocator.ExtendedHandle reads = handle();
    ByteBuf held = reads.allocate(UnpooledByteBufAllocator.DEFAULT);
    held.writeBytes(new byte[] {'O', 'K'});
    ByteBuf next = reads.allocate(UnpooledByteBufAllocator.DEFAULT);
    try {
      assertThat(next).isNotSameAs(held);
      assertThat(LoopReadBuffer.isLoopBuffer(next)).isFalse();
      assertThat(held.readableBytes()).isEqualTo(2); // the held chunk is untouched
      assertThat(held.getByte(0)).isEqualTo((byte) 'O');
    } finally {
      next.release();
      held.release();
    }
    ByteBuf again = reads.allocate(UnpooledByteBufAllocator.DEFAULT);
    assertThat(again).isSameAs(held); // released: the loop's again
    again.release();
  }

  @Test
  void eachThreadReadsIntoABufferOfItsOwn() throws Exception {
    ByteBuf mine = LoopReadBuffer.take();
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      ByteBuf theirs = other.submit(LoopReadBuffer::take).get(10, TimeUnit.SECONDS);
      assertThat(theirs).isNotNull().isNotSameAs(mine);
      assertThat(LoopReadBuffer.isLoopBuffer(theirs)).isFalse(); // not this thread's
      Runnable release = theirs::release;
      Runnable loopEnds = FastThreadLocal::removeAll; // what a loop's thread does as it ends
      other.submit(release).get(10, TimeUnit.SECONDS);
      other.submit(loopEnds).get(10, TimeUnit.SECONDS);
    } finally {
      other.shutdownNow();
      mine.release();
    }
  }
}
