package io.pdu4j.it;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A pseudo-terminal pair made by socat ({@code pty,raw,echo=0} at both ends, linked at {@link #a}
 * and {@link #b}): a serial line on one machine, for tests that need the real thing.
 */
final class SocatPair implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final Process socat;
  private final Path a;
  private final Path b;

  private SocatPair(Process socat, Path a, Path b) {
    this.socat = socat;
    this.a = a;
    this.b = b;
  }

  /**
   * Skips the calling test when socat is not installed, except under CI ({@code CI=true}), where
   * the test fails instead: CI installs socat, so these tests must run there.
   */
  static void assumeSocat() {
    String path = System.getenv("PATH");
    boolean found = false;
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        found |= !d.isEmpty() && Files.isExecutable(Path.of(d, "socat"));
      }
    }
    if (found) {
      return;
    }
    String reason =
        "socat not installed: the serial tests need it for pseudo-terminal pairs"
            + " (apt-get install socat)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(reason + "; CI=true, so they must run");
    }
    Assumptions.assumeTrue(false, reason);
  }

  /** Starts socat and waits until both links exist; its log goes to {@code dir/socat.log}. */
  static SocatPair start(Path dir, Path a, Path b) throws IOException {
    Path log = dir.resolve("socat.log");
    Process p =
        new ProcessBuilder(
                "socat", "-d", "-d", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new IllegalStateException("socat exited: " + Files.readString(log));
              }
              return Files.exists(a) && Files.exists(b);
            });
    return new SocatPair(p, a, b);
  }

  /** One end. */
  Path a() {
    return a;
  }

  /** The other end. */
  Path b() {
    return b;
  }

  /** Stops socat (both ends go away). */
  @Override
  public void close() throws IOException {
    socat.destroy();
    try {
      if (!socat.waitFor(5, TimeUnit.SECONDS)) {
        socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      socat.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(a);
    Files.deleteIfExists(b);
  }
}
