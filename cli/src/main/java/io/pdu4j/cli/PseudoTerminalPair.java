package io.pdu4j.cli;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDeviceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A pair of connected pseudo-terminals made by {@code socat}: the simulator serves one end, and the
 * other is linked at the path the user gave, for a driver to open as a serial port.
 */
final class PseudoTerminalPair implements AutoCloseable {
  private static final long WAIT_MILLIS = 10_000;

  private final Process socat;
  private final Path simulatorEnd;
  private final Path userEnd;
  private final Path dir;

  private PseudoTerminalPair(Process socat, Path dir, Path simulatorEnd, Path userEnd) {
    this.socat = socat;
    this.dir = dir;
    this.simulatorEnd = simulatorEnd;
    this.userEnd = userEnd;
  }

  /**
   * Starts socat and waits until both ends exist.
   *
   * @param userEnd where to link the end a driver opens; must not exist yet
   */
  static PseudoTerminalPair open(Path userEnd) {
    Path absolute = userEnd.toAbsolutePath();
    if (Files.exists(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidArgumentException("--serial-link " + absolute + " already exists");
    }
    Path dir;
    Process p;
    try {
      dir = Files.createTempDirectory("pdu4j-pty");
      Path simEnd = dir.resolve("simulator");
      p =
          new ProcessBuilder(
                  "socat", "pty,raw,echo=0,link=" + simEnd, "pty,raw,echo=0,link=" + absolute)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("socat.log").toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
      while (!(Files.exists(simEnd) && Files.exists(absolute))) {
        if (!p.isAlive()) {
          throw new PowerDeviceException(
              "socat exited: " + Files.readString(dir.resolve("socat.log")).strip());
        }
        if (System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new PowerDeviceException("socat did not create the pseudo-terminals in time");
        }
        Thread.sleep(20);
      }
      return new PseudoTerminalPair(p, dir, simEnd, absolute);
    } catch (IOException e) {
      throw new PowerDeviceException(
          "cannot start socat for --serial-link (is it installed? apt-get install socat): "
              + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PowerDeviceException("interrupted while starting socat", e);
    }
  }

  /** The end the simulator serves. */
  Path simulatorEnd() {
    return simulatorEnd;
  }

  /** Stops socat (which removes both links) and removes the temporary folder. */
  @Override
  public void close() {
    socat.destroy();
    try {
      if (!socat.waitFor(5, TimeUnit.SECONDS)) {
        socat.destroyForcibly();
      }
      Files.deleteIfExists(userEnd);
      Files.deleteIfExists(simulatorEnd);
      Files.deleteIfExists(dir.resolve("socat.log"));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // best effort: a leftover temporary folder is harmless
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
