package io.pdu4j.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.bench.fleet.EnisticBlaster;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Enistic ingest path as {@code pdu4j serve} runs it: one controller's device opened by name
 * through a {@link PowerRuntime} with a Prometheus registry, fed the readings {@code bench/fleet}'s
 * {@code EnisticBlaster} sends (one a datagram, 16 sockets in turn, the power changing with every
 * reading), each reported as a status to the runtime's listeners and one more. The score is per
 * reading; {@code -prof gc} gives the bytes allocated per reading, which do not depend on the load.
 *
 * <ul>
 *   <li>{@code path=link}: the datagrams handed to the device's link listener on the benchmark's
 *       thread, as a transport hands them over: the driver's codec, outlet table and session,
 *       pdu4j's device and the runtime's listeners, without the network.
 *   <li>{@code path=udp}: the same readings sent to the runtime's own {@code udp} transport on
 *       loopback, {@value #BATCH} per operation, the operation ending when the device has reported
 *       all of them: adds the socket's reads (Netty, {@code UdpEndpoints}) and the hand-off to the
 *       device's thread. Its time includes the sender's system calls and the read timer's wait, so
 *       read its allocation, not its time.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@OperationsPerInvocation(EnisticIngestBenchmark.BATCH)
public class EnisticIngestBenchmark {
  static final int BATCH = 32;
  private static final String CONTROLLER = "00A1B2C3D4E";

  @Param({"link", "udp"})
  public String path;

  private PrometheusMeterRegistry registry;
  private PowerRuntime runtime;
  private PowerDevice device;
  private volatile DatagramLink link;
  private final AtomicLong reported = new AtomicLong();
  private byte[][] readings;
  private Datagram[] datagrams;
  private DatagramChannel sender;
  private final ByteBuffer out = ByteBuffer.allocateDirect(256);
  private InetSocketAddress target;
  private long sent;
  private long lost;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    readings = EnisticBlaster.readings(CONTROLLER); // what the fleet benchmark sends, in order
    InetSocketAddress from = new InetSocketAddress(InetAddress.getLoopbackAddress(), 53004);
    datagrams = new Datagram[readings.length];
    for (int i = 0; i < readings.length; i++) {
      datagrams[i] = new Datagram(from, readings[i]);
    }
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PowerRuntime.Builder b =
        PowerRuntime.builder().meterRegistry(registry).defaults(PushPathBenchmark.quietOptions());
    String uri;
    if (path.equals("udp")) {
      int port = freeUdpPort();
      target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      uri = "enistic:udp://127.0.0.1:" + port + "/" + CONTROLLER;
      sender = DatagramChannel.open();
      sender.connect(target);
    } else if (path.equals("link")) {
      b.transport(new InMemory());
      uri = "enistic:benchdatagram://127.0.0.1:53005/" + CONTROLLER;
    } else {
      throw new IllegalArgumentException("path: link or udp, not " + path);
    }
    runtime = b.build();
    device =
        runtime
            .openAsync(DeviceConfig.of("ingest", uri))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    device.subscribe(
        e -> {
          if (e instanceof DeviceEvent.StatusReported) {
            reported.incrementAndGet();
          }
        });
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    runtime.close();
    registry.close();
    if (sender != null) {
      sender.close();
    }
    if (reported.get() == 0) {
      throw new IllegalStateException("no status reached the listener");
    }
    if (lost > 0) {
      System.out.println("readings not reported within 5 s of being sent: " + lost);
    }
  }

  /** {@value #BATCH} readings, each its own datagram, each reported as a status. */
  @Benchmark
  public long readings() throws IOException {
    return path.equals("udp") ? overUdp() : inMemory();
  }

  private long inMemory() {
    LinkListener l = link.listener;
    for (int i = 0; i < BATCH; i++) {
      l.onDatagram(datagrams[next]);
      next = (next + 1) % datagrams.length;
    }
    return reported.get();
  }

  private long overUdp() throws IOException {
    long base = reported.get();
    for (int i = 0; i < BATCH; i++) {
      out.clear();
      out.put(readings[next]).flip();
      sender.write(out);
      next = (next + 1) % readings.length;
    }
    sent += BATCH;
    long deadline = System.nanoTime() + 5_000_000_000L;
    long now = reported.get();
    while (now < base + BATCH) {
      if (System.nanoTime() - deadline > 0) {
        lost += base + BATCH - now;
        break;
      }
      // parked rather than spinning: the device's thread needs the core more (2 cores, loaded)
      LockSupport.parkNanos(50_000);
      now = reported.get();
    }
    return now;
  }

  private static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(null)) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }

  /** A transport whose one link the benchmark feeds datagrams itself. */
  private final class InMemory implements TransportProvider {
    @Override
    public String scheme() {
      return "benchdatagram";
    }

    @Override
    public String description() {
      return "datagrams handed over by the benchmark";
    }

    @Override
    public Set<String> optionNames() {
      return Set.of();
    }

    @Override
    public Link create(DeviceAddress address, TransportContext context) {
      DatagramLink l = new DatagramLink(context.executor());
      link = l;
      return l;
    }
  }

  /** A datagram link that is up once opened and sends nowhere. */
  static final class DatagramLink extends BenchLink {
    DatagramLink(ScheduledExecutorService executor) {
      super(Kind.DATAGRAM, "bench", executor);
    }

    @Override
    public CompletionStage<Void> send(ByteBuffer data) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> send(Datagram datagram) {
      return CompletableFuture.completedFuture(null);
    }
  }
}
