package io.pdu4j.bench.fleet;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.bench.fleet.FleetResults.RoundTrip;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A confirmed switch through the runtime against the same exchange on a raw socket: {@code Sx=s},
 * its {@code OK} and prompt, {@code ?}, the status block with the new state, {@code OK} and the
 * prompt. Both against one {@link IsoTekSimulator} on loopback (pushes once a minute, as in {@code
 * SwitchRoundTripBenchmark}, so that no push confirms a switch early), the runtime on outlet 1 and
 * the raw socket on outlet 2 (the same bytes); the raw side checks the state it reads back, as the
 * driver does.
 *
 * <p>They take turns with a third, the bare Netty loop (outlet 3, {@link BareLoop}), one exchange
 * each a round, so that whatever else runs on the machine, a GC or a compilation falls on all
 * alike; measured one after the other, a burst of other work fell on one side only (the bare loop
 * in rounds of its own once read 1.16× a raw socket that took 102 µs there and 68 µs in the
 * runtime's rounds, while the runtime and the bare loop took 117 and 118 µs). All are warmed up
 * first until the JIT is quiet ({@link #warmUp}): after the 1,000 rounds of earlier versions it was
 * still compiling (some 80 compilations, 31 of them C2, in the first second measured) and two young
 * GCs fell in the runtime's half alone.
 */
final class RoundTripBench {
  /** Rounds run before measuring, at least. */
  static final int MIN_WARMUP = 5_000;

  /** Rounds of warm-up run at a time, until one ran without a compilation. */
  static final int WARMUP_BLOCK = 2_000;

  /** Rounds run before measuring, at most, whether the JIT went quiet or not. */
  static final int MAX_WARMUP = 60_000;

  private RoundTripBench() {}

  static RoundTrip measure(int rounds) throws Exception {
    try (IsoTekSimulator sim =
            IsoTekSimulator.builder().pushInterval(Duration.ofMinutes(1)).build().start();
        PowerRuntime rt = PowerRuntime.builder().build();
        Socket s = new Socket(InetAddress.getLoopbackAddress(), sim.port())) {
      PowerDevice device = rt.open("isotek:tcp://127.0.0.1:" + sim.port());
      s.setTcpNoDelay(true);
      Raw raw = new Raw(new BufferedInputStream(s.getInputStream()), s.getOutputStream());
      double[] runtime = new double[rounds];
      double[] rawUs = new double[rounds];
      double[] bare = new double[rounds];
      int warmup;
      try (BareLoop loop = new BareLoop(sim.port())) {
        warmup = warmUp(() -> rounds(device, loop, raw, WARMUP_BLOCK));
        rounds(device, loop, raw, runtime, bare, rawUs);
      }
      double[] chained = new double[rounds];
      warmUp(() -> chained(device, new double[WARMUP_BLOCK]));
      chained(device, chained);
      double medianRatio = medianRatio(runtime, rawUs);
      double bareMedianRatio = medianRatio(bare, rawUs);
      Arrays.sort(runtime);
      Arrays.sort(rawUs);
      Arrays.sort(chained);
      Arrays.sort(bare);
      return new RoundTrip(
          rounds,
          warmup,
          FleetBench.percentile(runtime, 0.5),
          FleetBench.percentile(runtime, 0.99),
          FleetBench.percentile(rawUs, 0.5),
          FleetBench.percentile(rawUs, 0.99),
          FleetBench.percentile(chained, 0.5),
          FleetBench.percentile(chained, 0.99),
          FleetBench.percentile(bare, 0.5),
          FleetBench.percentile(bare, 0.99),
          medianRatio,
          bareMedianRatio);
    }
  }

  /** Something run to warm up, a block of rounds at a time. */
  private interface Block {
    void run() throws Exception;
  }

  /**
   * Runs {@code block} at least {@value #MIN_WARMUP} rounds' worth and then until a block ran
   * without the JIT compiling anything (its total compilation time did not grow), at most {@value
   * #MAX_WARMUP} rounds; returns the rounds run. A fixed 5,000 rounds left it compiling on two
   * cores now and then: the raw socket's own p99 read 2 to 3 times its settled one in those runs,
   * and the runtime's median a quarter more, with compiler threads taking the cores its I/O thread
   * and the simulator needed.
   */
  private static int warmUp(Block block) throws Exception {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
    int done = 0;
    while (done < MAX_WARMUP) {
      long before = timed ? jit.getTotalCompilationTime() : 0;
      block.run();
      done += WARMUP_BLOCK;
      boolean quiet = !timed || jit.getTotalCompilationTime() == before;
      if (done >= MIN_WARMUP && quiet) {
        break;
      }
    }
    return done;
  }

  /** Runs {@code n} rounds whose times are not kept. */
  private static void rounds(PowerDevice device, BareLoop loop, Raw raw, int n) throws IOException {
    double[] ignored = new double[n];
    rounds(device, loop, raw, ignored, ignored.clone(), ignored.clone());
  }

  /** The median over the rounds of {@code us[i] / rawUs[i]}. */
  static double medianRatio(double[] us, double[] rawUs) {
    double[] ratios = new double[us.length];
    for (int i = 0; i < us.length; i++) {
      ratios[i] = us[i] / rawUs[i];
    }
    Arrays.sort(ratios);
    return FleetBench.percentile(ratios, 0.5);
  }

  /**
   * Fills the arrays with microseconds: one exchange each of the runtime, the bare loop and the raw
   * socket a round, in an order that turns by one each round (each goes first, second and third
   * alike), so that whatever else runs on the machine falls on all three alike.
   */
  private static void rounds(
      PowerDevice device, BareLoop loop, Raw raw, double[] runtime, double[] bare, double[] rawUs)
      throws IOException {
    for (int i = 0; i < runtime.length; i++) {
      boolean on = i % 2 == 1;
      for (int k = 0; k < 3; k++) {
        switch ((i + k) % 3) {
          case 0 -> runtime[i] = runtime(device, on);
          case 1 -> bare[i] = loop.exchange(on);
          default -> rawUs[i] = raw.exchange(on);
        }
      }
    }
  }

  /**
   * A second figure, not the table's: switches chained on completion, each asked for on the I/O
   * thread in the previous one's completion, so that no caller blocks, is woken or hands its
   * command to the I/O thread. What it leaves out of the blocked caller's round trip is those two
   * thread hand-offs. Fills {@code us} with microseconds from asking to completion.
   */
  private static void chained(PowerDevice device, double[] us) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    new Object() {
      private int i;

      void next() {
        OutletState want = i % 2 == 1 ? OutletState.ON : OutletState.OFF;
        long start = System.nanoTime();
        device
            .outlet(1)
            .switchTo(want)
            .whenComplete(
                (s, t) -> {
                  double elapsed = (System.nanoTime() - start) / 1e3;
                  if (t != null) {
                    done.completeExceptionally(t);
                  } else if (s.state() != want) {
                    done.completeExceptionally(
                        new IllegalStateException(
                            "the runtime confirmed " + s.state() + ", not " + want));
                  } else {
                    us[i++] = elapsed;
                    if (i == us.length) {
                      done.complete(null);
                    } else {
                      next();
                    }
                  }
                });
      }
    }.next();
    done.get(10, TimeUnit.MINUTES);
  }

  private static double runtime(PowerDevice device, boolean on) {
    OutletState want = on ? OutletState.ON : OutletState.OFF;
    long start = System.nanoTime();
    OutletStatus s = device.outlet(1).switchTo(want).toCompletableFuture().join();
    double us = (System.nanoTime() - start) / 1e3;
    if (s.state() != want) {
      throw new IllegalStateException("the runtime confirmed " + s.state() + ", not " + want);
    }
    return us;
  }

  /**
   * A third figure, in the table beside the runtime's: the same exchange on outlet 3 through a
   * Netty loop of the kind the runtime uses here (epoll where it runs, else NIO) with nothing of
   * pdu4j on it. The caller hands {@code Sx=s} to the loop and blocks; the loop writes {@code ?}
   * after the first prompt and completes the caller after the second, once the block showed the new
   * state. That is what any design costs whose I/O thread writes and is woken by a blocked caller,
   * before work of its own.
   */
  private static final class BareLoop extends ChannelInboundHandlerAdapter
      implements AutoCloseable {
    private static final byte[] QUERY = "?\n".getBytes(StandardCharsets.US_ASCII);
    private final EventLoopGroup group;
    private final Channel channel;
    // on the loop
    private final StringBuilder line = new StringBuilder();
    private CompletableFuture<Void> pending;
    private boolean queried;
    private char want;
    private boolean seen;

    BareLoop(int port) throws InterruptedException {
      boolean epoll = Epoll.isAvailable();
      group =
          new MultiThreadIoEventLoopGroup(
              1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
      channel =
          new Bootstrap()
              .group(group)
              .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(this)
              .connect(InetAddress.getLoopbackAddress(), port)
              .sync()
              .channel();
    }

    double exchange(boolean on) {
      long start = System.nanoTime();
      byte[] command = ("S3=" + (on ? 1 : 0) + "\n").getBytes(StandardCharsets.US_ASCII);
      CompletableFuture<Void> done = new CompletableFuture<>();
      channel
          .eventLoop()
          .execute(
              () -> {
                pending = done;
                queried = false;
                seen = false;
                want = on ? '1' : '0';
                channel.writeAndFlush(Unpooled.wrappedBuffer(command));
              });
      done.join();
      return (System.nanoTime() - start) / 1e3;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      try {
        while (b.isReadable()) {
          char c = (char) b.readByte();
          if (c == '\n' || c == '\r') {
            line(ctx);
            line.setLength(0);
          } else {
            line.append(c);
          }
        }
      } finally {
        b.release();
      }
    }

    private void line(ChannelHandlerContext ctx) {
      if (pending == null) {
        return;
      }
      if (queried && line.length() > 4 && line.indexOf("CH3=") == 0) {
        seen = line.charAt(4) == want;
      }
      if (line.length() != 1 || line.charAt(0) != '>') {
        return;
      }
      if (!queried) {
        queried = true;
        ctx.writeAndFlush(Unpooled.wrappedBuffer(QUERY));
        return;
      }
      CompletableFuture<Void> p = pending;
      pending = null;
      if (seen) {
        p.complete(null);
      } else {
        p.completeExceptionally(
            new IllegalStateException("the status read back does not show outlet 3 switched"));
      }
    }

    @Override
    public void close() {
      channel.close().syncUninterruptibly();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** The raw side: outlet 2 of the simulator on a socket of its own. */
  private static final class Raw {
    private final InputStream in;
    private final OutputStream out;
    private final StringBuilder line = new StringBuilder();

    Raw(InputStream in, OutputStream out) {
      this.in = in;
      this.out = out;
    }

    double exchange(boolean on) throws IOException {
      long start = System.nanoTime();
      out.write(("S2=" + (on ? 1 : 0) + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      awaitPrompt(in, line, null);
      out.write("?\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String ch2 = awaitPrompt(in, line, "CH2=");
      double us = (System.nanoTime() - start) / 1e3;
      if (ch2 == null || ch2.charAt(4) != (on ? '1' : '0')) {
        throw new IllegalStateException("the status read back says " + ch2 + " after S2=" + on);
      }
      return us;
    }
  }

  /** Reads lines up to the {@code >} prompt; returns the last line starting with {@code want}. */
  private static String awaitPrompt(InputStream in, StringBuilder line, String want)
      throws IOException {
    String found = null;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the simulator closed the connection");
      }
      if (b == '\n' || b == '\r') {
        String l = line.toString();
        line.setLength(0);
        if (l.equals(">")) {
          return found;
        }
        if (want != null && l.startsWith(want)) {
          found = l;
        }
      } else {
        line.append((char) b);
      }
    }
  }
}
