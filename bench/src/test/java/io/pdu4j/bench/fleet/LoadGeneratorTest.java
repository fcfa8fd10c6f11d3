package io.pdu4j.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadGeneratorTest {
  @TempDir Path dir;

  @Test
  void everyUnitHasALoopbackAddressOfItsOwnThatLeadsBackToIt() throws Exception {
    Set<InetAddress> seen = new HashSet<>();
    for (int i = 0; i < LoadGenerator.MAX_UNITS; i++) {
      InetAddress a = LoadGenerator.address(i);
      assertThat(a.isLoopbackAddress()).as("unit %d at %s", i, a).isTrue();
      assertThat(LoadGenerator.unitOf(a)).as("unit %d at %s", i, a).isEqualTo(i);
      seen.add(a);
    }

    assertThat(seen).hasSize(LoadGenerator.MAX_UNITS);
    assertThat(LoadGenerator.address(0).getHostAddress()).isEqualTo("127.0.1.1");
    assertThat(LoadGenerator.address(249).getHostAddress()).isEqualTo("127.0.1.250");
    assertThat(LoadGenerator.address(250).getHostAddress()).isEqualTo("127.0.2.1");
    for (String other :
        List.of("127.0.0.1", "127.0.1.0", "127.0.1.251", "127.0.1.255", "10.0.1.1")) {
      assertThat(LoadGenerator.unitOf(InetAddress.getByName(other))).as(other).isEqualTo(-1);
    }
    assertThatThrownBy(() -> LoadGenerator.address(LoadGenerator.MAX_UNITS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no unit 100000");
  }

  @Test
  void oneListeningSocketServesEveryUnitByTheAddressConnectedTo() throws Exception {
    int n = 2000;
    Path file = dir.resolve("units.txt");
    try (Child generator =
        Child.java(
            "generator",
            List.of("-Xmx256m", "-XX:+UseSerialGC"),
            LoadGenerator.class.getName(),
            List.of(Integer.toString(n), file.toString(), "1"))) {
      generator.await(l -> l.startsWith("READY"), Duration.ofSeconds(60));
      List<String> units = Files.readAllLines(file);
      assertThat(units).hasSize(n);
      int port = FloorReader.parse(units.get(0)).getPort();
      assertThat(units).allMatch(u -> u.endsWith(":" + port));

      // N units, one listening socket: far fewer descriptors than units
      assertThat(ProcessStats.openFiles(generator.pid())).isLessThan(100);

      for (int i : new int[] {0, 1234, n - 1}) {
        InetSocketAddress unit = FloorReader.parse(units.get(i));
        assertThat(unit.getAddress()).isEqualTo(LoadGenerator.address(i));
        try (Socket s = new Socket()) {
          s.connect(unit, 5000);
          s.setSoTimeout(10_000);
          s.getOutputStream().write("A?\r".getBytes(StandardCharsets.US_ASCII));
          String reply = readUntil(s.getInputStream(), "|");
          assertThat(reply).contains(String.format(Locale.ROOT, "A=FLEET%05d|", i));
        }
      }

      // an address that is no unit is closed at once, and counted
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        s.setSoTimeout(10_000);
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      generator.await(
          l -> l.startsWith("STATS") && l.endsWith(" refused 1"), Duration.ofSeconds(10));
    }
  }

  /** Reads until the text after an {@code A=} holds {@code end}; fails at the socket's timeout. */
  private static String readUntil(InputStream in, String end) throws Exception {
    StringBuilder b = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        return b.toString();
      }
      b.append((char) c);
      int a = b.indexOf("A=");
      if (a >= 0 && b.indexOf(end, a) > 0) {
        return b.toString();
      }
    }
  }
}
