package io.pdu4j.sim.isotek;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator on a pseudo-terminal: socat makes a linked pair, the simulator serves one end, the
 * test talks on the other. Skipped when socat is missing, except on CI ({@code CI=true}), where a
 * missing socat fails.
 */
class SimulatorSerialTest {
  @TempDir Path dir;
  private Process socat;
  private IsoTekSimulator sim;
  private final StringBuilder received = new StringBuilder();
  private Thread reader;
  private FileChannel in;
  private FileChannel out;

  @BeforeEach
  void pair() throws Exception {
    boolean haveSocat = Files.isExecutable(Path.of("/usr/bin/socat"));
    if (!haveSocat && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("socat is required on CI for the serial simulator test");
    }
    Assumptions.assumeTrue(haveSocat, "socat is not installed");
    Path a = dir.resolve("sim");
    Path b = dir.resolve("client");
    socat =
        new ProcessBuilder("socat", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("socat.log").toFile())
            .start();
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(a) && Files.exists(b));
    in = FileChannel.open(b, StandardOpenOption.READ);
    out = FileChannel.open(b, StandardOpenOption.WRITE);
    reader =
        new Thread(
            () -> {
              ByteBuffer buf = ByteBuffer.allocate(1024);
              try {
                while (in.read(buf) >= 0) {
                  buf.flip();
                  synchronized (received) {
                    received.append(ISO_8859_1.decode(buf));
                  }
                  buf.clear();
                }
              } catch (IOException e) {
                // closed
              }
            },
            "serial-test-reader");
    reader.setDaemon(true);
    reader.start();
    sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .serialDevice(a)
            .pushInterval(Duration.ofMillis(300))
            .build()
            .start();
  }

  @AfterEach
  void close() throws Exception {
    if (sim != null) {
      sim.close();
    }
    if (in != null) {
      in.close();
      out.close();
    }
    if (socat != null) {
      socat.destroy();
      socat.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private String received() {
    synchronized (received) {
      return received.toString();
    }
  }

  @Test
  void answersCommandsAndPushesOnThePseudoTerminal() throws Exception {
    await().atMost(Duration.ofSeconds(5)).until(() -> received().contains("RTC="));
    out.write(ByteBuffer.wrap("S3=0\n".getBytes(ISO_8859_1)));
    await().atMost(Duration.ofSeconds(5)).until(() -> received().contains("OK\n>"));
    assertThat(sim.outletState(3)).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> received().contains("CH3=0|"));
    assertThat(sim.commandsReceived()).contains("S3=0");
    assertThat(sim.describe()).contains("serial device " + dir.resolve("sim"));
  }
}
