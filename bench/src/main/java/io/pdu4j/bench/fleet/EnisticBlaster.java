package io.pdu4j.bench.fleet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Sends Enistic readings, one a datagram, at a set rate for a set time to two ports at once (the
 * runtime's and the floor's), so both get the same load. Readings cycle over {@value #SOCKETS}
 * sockets of one controller, power changing with every reading, in the format of the Enistic
 * simulator ({@code Controller:Reading:Socket:Power:Channel:State} and CR).
 *
 * <p>Run as its own process: {@code EnisticBlaster CONTROLLER RATE SECONDS PORT [PORT...]}; paces
 * itself in 1 ms slices and prints {@code SENT n} (readings per port) when done.
 */
public final class EnisticBlaster {
  static final int SOCKETS = 16;

  private EnisticBlaster() {}

  /** Sends; see the class comment. */
  public static void main(String[] args) throws IOException, InterruptedException {
    String controller = args[0];
    long rate = Long.parseLong(args[1]);
    double seconds = Double.parseDouble(args[2]);
    InetSocketAddress[] targets = new InetSocketAddress[args.length - 3];
    for (int i = 3; i < args.length; i++) {
      targets[i - 3] =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[i]));
    }
    long total = Math.round(rate * seconds);
    // the readings prepared once, so that the sender spends its time sending
    byte[][] readings = readings(controller);
    DatagramChannel ch = DatagramChannel.open();
    ByteBuffer buf = ByteBuffer.allocateDirect(256);
    long start = System.nanoTime();
    long sent = 0;
    while (sent < total) {
      long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L + 1);
      while (sent < due) {
        byte[] bytes = readings[(int) (sent % readings.length)];
        for (InetSocketAddress to : targets) {
          buf.clear();
          buf.put(bytes).flip();
          ch.send(buf, to);
        }
        sent++;
      }
      Thread.sleep(1); // pacing: the next slice's readings are due in a millisecond
    }
    System.out.println("SENT " + sent);
    System.out.flush();
  }

  /**
   * The readings sent, in their order: one per datagram, cycling over the {@value #SOCKETS} sockets
   * with powers that change from one round to the next (EnisticIngestBenchmark sends the same).
   */
  public static byte[][] readings(String controller) {
    byte[][] readings = new byte[SOCKETS * 100][];
    for (int k = 0; k < readings.length; k++) {
      readings[k] =
          String.format(
                  Locale.ROOT,
                  "%s:Reading:ABCD%012X:%d.%d:1:1\r",
                  controller,
                  k % SOCKETS,
                  10 + k / SOCKETS,
                  k % 10)
              .getBytes(StandardCharsets.US_ASCII);
    }
    return readings;
  }
}
