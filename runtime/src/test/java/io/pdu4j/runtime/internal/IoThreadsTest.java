package io.pdu4j.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.concurrent.EventExecutor;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.runtime.PowerRuntime;
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
  void aZeroWindowTurnsBatchingOff() throws Exception {
    IoThreads io = new IoThreads(2, Optional.empty(), Duration.ZERO);
    try {
      startEveryLoop(io);
      // the handlers are still there (they keep the connections' write gates), with no window
      assertThat(io.coalescing()).hasSize(2).allSatisfy(h -> assertThat(h.window()).isZero());
    } finally {
      io.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void theBuilderTakesAWindowFromZeroTo50Ms() {
    PowerRuntime.builder().ioBatchWindow(Duration.ZERO).ioBatchWindow(Duration.ofMillis(50));
    assertThatThrownBy(() -> PowerRuntime.builder().ioBatchWindow(Duration.ofNanos(50_000_001)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("the I/O batch window must be 0 to 50ms, got PT0.050000001S");
    assertThatThrownBy(() -> PowerRuntime.builder().ioBatchWindow(Duration.ofMillis(-1)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("the I/O batch window must be 0 to 50ms, got -1ms");
    assertThatThrownBy(() -> PowerRuntime.builder().ioBatchWindow(null))
        .isInstanceOf(NullPointerException.class);
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
