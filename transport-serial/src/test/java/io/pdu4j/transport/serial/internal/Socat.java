package io.pdu4j.transport.serial.internal;

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
 * A pseudo-terminal pair made by {@code socat}, reachable through two symbolic links, {@link #a()}
 * and {@link #b()}. Stopping it closes both ends, as unplugging a cable would; starting it again
 * makes a new pair behind the same links.
 */
final class Socat {
  private final Path a;
  private final Path b;
  private final Path logFile;
  private Process process;

  Socat(Path dir) {
    this.a = dir.resolve("a");
    this.b = dir.resolve("b");
    this.logFile = dir.resolve("socat.log");
  }

  /**
   * Skips the test when socat is missing, except under CI ({@code CI=true}), where it fails: CI
   * installs socat, so a missing one is a broken CI script, not a reason to run nothing.
   */
  static void assumeInstalled() {
    requireOrSkip(installed(), System.getenv("CI"));
  }

  /** Skips (or, when {@code ci} is {@code true}, fails) unless socat is installed. */
  static void requireOrSkip(boolean installed, String ci) {
    if (installed) {
      return;
    }
    String reason =
        "socat not installed: the serial tests need it for pseudo-terminal pairs"
            + " (apt-get install socat)";
    if ("true".equalsIgnoreCase(ci)) {
      Assertions.fail(reason + "; CI=true, so they must run");
    }
    Assumptions.assumeTrue(false, reason);
  }

  static boolean installed() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "socat"))) {
        return true;
      }
    }
    return false;
  }

  Path a() {
    return a;
  }

  Path b() {
    return b;
  }

  Socat start() throws IOException {
    process =
        new ProcessBuilder(
                "socat", "-d", "-d", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    Process p = process;
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new IllegalStateException(
                    "socat exited with " + p.exitValue() + ": " + Files.readString(logFile));
              }
              return Files.exists(a) && Files.exists(b);
            });
    return this;
  }

  /** Ends socat, closing both ends of the pair, and waits until its links are gone. */
  void stop() throws InterruptedException, IOException {
    Process p = process;
    if (p == null) {
      return;
    }
    process = null;
    p.destroy();
    if (!p.waitFor(5, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    Files.deleteIfExists(a);
    Files.deleteIfExists(b);
  }
}
