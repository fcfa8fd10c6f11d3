package io.pdu4j.bench;

import io.pdu4j.driver.enistic.internal.EnisticCodec;
import io.pdu4j.driver.isotek.internal.IsoTekParser;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** The drivers' codecs on the lines they parse most: IsoTek status lines, Enistic readings. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
  private final List<String> isoTekLines = Samples.isoTekStatusLines(16);
  private final String enisticReading = "004A3BB5B04:Reading:0021ED0000041319:94031.992:1:1";

  /** Every line of a 16-outlet status block (CH0..CH16, RTC, OK): the score is per block. */
  @Benchmark
  public void isoTekStatusBlock(Blackhole hole) {
    for (String line : isoTekLines) {
      hole.consume(IsoTekParser.parse(line));
    }
  }

  /** One Enistic reading, the seed document's own example. */
  @Benchmark
  public Object enisticReading() {
    return EnisticCodec.parse(enisticReading);
  }
}
