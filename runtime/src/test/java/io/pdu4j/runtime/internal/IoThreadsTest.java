package io.pdu4j.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IoThreadsTest {

  private static void startEveryLoop(IoThreads io) throws Exception {
    for (EventExecutor loop : io.group()) {
      loop.submit(() -> {}).get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theBatchWindowReachesEveryLoop() throws Exception {
    IoThreads io = new IoThreads(2, Optional.empty(), Duration.ofMillis(3));
    try {
      startEveryLoop(io);
      assertThat(io.coalescing()).hasSize(2);
      assertThat(io.coalescing())
          .allSatisfy(h -> assertThat(h.window()).isEqualTo(Duration.ofMillis(3)));
    } finally {
      io.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void aZeroWindowLeavesTheLoopsAsNettyMakesThem() throws Exception {
    IoThreads io = new IoThreads(2, Optional.empty(), Duration.ZERO);
    try {
      startEveryLoop(io);
      assertThat(io.coalescing()).isEmpty();
    } finally {
      io.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void theDefaultIsTheDocumentedWindow() throws Exception {
    IoThreads io = new IoThreads(1);
    try {
      startEveryLoop(io);
      assertThat(io.coalescing())
          .singleElement()
          .satisfies(
              h -> assertThat(h.window()).isEqualTo(RuntimeSettings.DEFAULT_IO_BATCH_WINDOW));
    } finally {
      io.shutdown(Duration.ofSeconds(5));
    }
  }
}
