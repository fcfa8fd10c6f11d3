package io.pdu4j.bench.fleet;

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
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * A confirmed switch through the runtime against the same exchange on a raw socket: {@code Sx=s},
 * its {@code OK} and prompt, {@code ?}, the status block with the new state, {@code OK} and the
 * prompt. Both against one {@link IsoTekSimulator} on loopback (pushes once a minute, as in {@code
 * SwitchRoundTripBenchmark}, so that no push confirms a switch early), one after the other, each
 * warmed up first; the raw side checks the state it reads back, as the driver does.
 */
final class RoundTripBench {
  private RoundTripBench() {}

  static RoundTrip measure(int rounds) throws Exception {
    try (IsoTekSimulator sim =
        IsoTekSimulator.builder().pushInterval(Duration.ofMinutes(1)).build().start()) {
      double[] runtime;
      double[] raw;
      try (PowerRuntime rt = PowerRuntime.builder().build()) {
        PowerDevice device = rt.open("isotek:tcp://127.0.0.1:" + sim.port());
        runtime(device, Math.max(200, rounds / 2));
        runtime = runtime(device, rounds);
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), sim.port())) {
        s.setTcpNoDelay(true);
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        raw(in, out, Math.max(200, rounds / 2));
        raw = raw(in, out, rounds);
      }
      Arrays.sort(runtime);
      Arrays.sort(raw);
      return new RoundTrip(
          rounds,
          FleetBench.percentile(runtime, 0.5),
          FleetBench.percentile(runtime, 0.99),
          FleetBench.percentile(raw, 0.5),
          FleetBench.percentile(raw, 0.99));
    }
  }

  private static double[] runtime(PowerDevice device, int rounds) {
    double[] us = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      OutletState want = i % 2 == 0 ? OutletState.OFF : OutletState.ON;
      long start = System.nanoTime();
      OutletStatus s = device.outlet(1).switchTo(want).toCompletableFuture().join();
      us[i] = (System.nanoTime() - start) / 1e3;
      if (s.state() != want) {
        throw new IllegalStateException("the runtime confirmed " + s.state() + ", not " + want);
      }
    }
    return us;
  }

  private static double[] raw(InputStream in, OutputStream out, int rounds) throws IOException {
    double[] us = new double[rounds];
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < rounds; i++) {
      boolean on = i % 2 == 1;
      long start = System.nanoTime();
      out.write(("S1=" + (on ? 1 : 0) + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      awaitPrompt(in, line, null);
      out.write("?\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String ch1 = awaitPrompt(in, line, "CH1=");
      us[i] = (System.nanoTime() - start) / 1e3;
      if (ch1 == null || ch1.charAt(4) != (on ? '1' : '0')) {
        throw new IllegalStateException("the status read back says " + ch1 + " after S1=" + on);
      }
    }
    return us;
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
