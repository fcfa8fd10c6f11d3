package io.pdu4j.bench;

import io.pdu4j.spi.support.LineFramer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The line framer on what an IsoTek sends every second: a 16-outlet status block, its {@code OK}
 * and the {@code >} prompt, delivered in chunks of {@code chunk} bytes (1 = a slow serial line byte
 * by byte, 64 = typical TCP segments of a busy link, 4096 = all at once).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FramingBenchmark {
  @Param({"1", "64", "4096"})
  int chunk;

  private byte[] block;
  private LineFramer framer;
  private Blackhole hole;
  private final LineFramer.Sink sink =
      new LineFramer.Sink() {
        @Override
        public void onFrame(String frame) {
          hole.consume(frame);
        }

        @Override
        public void onOverlong(String start) {
          throw new IllegalStateException("over-long line in the benchmark's input: " + start);
        }
      };

  @Setup
  public void setUp() {
    block = Samples.isoTekStatusBlock(16).getBytes(StandardCharsets.US_ASCII);
    framer = new LineFramer(256, List.of(">"));
  }

  /** One status block framed; the score is blocks per second. */
  @Benchmark
  public void statusBlock(Blackhole blackhole) {
    hole = blackhole;
    for (int at = 0; at < block.length; at += chunk) {
      framer.feed(ByteBuffer.wrap(block, at, Math.min(chunk, block.length - at)), sink);
    }
  }
}
