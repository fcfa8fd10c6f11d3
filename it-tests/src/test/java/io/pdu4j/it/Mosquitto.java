package io.pdu4j.it;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Mosquitto broker on a free loopback port, with a configuration written for it (anonymous,
 * or with a password file), started and stopped by the test. Without the {@code mosquitto} binary
 * the test is skipped with the reason, except under {@code CI=true}, where it fails: CI installs it
 * ({@code .ci/run}).
 */
final class Mosquitto implements AutoCloseable {
  private static final List<Path> BINARIES =
      List.of(Path.of("/usr/sbin/mosquitto"), Path.of("/usr/bin/mosquitto"));

  private final Path dir;
  private final int port;
  private final Path config;
  private final boolean tls;
  private Process process;

  private Mosquitto(Path dir, int port, Path config, boolean tls) {
    this.dir = dir;
    this.port = port;
    this.config = config;
    this.tls = tls;
  }

  /** The broker binary; skips the test (fails it under CI) when it is not installed. */
  static Path binary() {
    Path found = BINARIES.stream().filter(Files::isExecutable).findFirst().orElse(null);
    if (found == null) {
      String why = "mosquitto is not installed (apt-get install mosquitto mosquitto-clients)";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why + "; CI must install it (.ci/run)");
      }
      Assumptions.abort(why);
    }
    return found;
  }

  /** An anonymous broker on a free port. */
  static Mosquitto start(Path dir) throws Exception {
    return start(dir, null, null);
  }

  /** A broker that wants {@code user} and {@code password} (anonymous refused) when given. */
  static Mosquitto start(Path dir, String user, String password) throws Exception {
    return start(dir, user, password, null, null);
  }

  /**
   * An anonymous broker whose listener speaks TLS only, with the certificate {@code cert} (PEM) and
   * its key {@code key}: its url is {@code ssl://127.0.0.1:PORT}.
   */
  static Mosquitto startTls(Path dir, Path cert, Path key) throws Exception {
    return start(dir, null, null, cert, key);
  }

  private static Mosquitto start(Path dir, String user, String password, Path cert, Path key)
      throws Exception {
    Path bin = binary();
    int port = freePort();
    Path conf = dir.resolve("mosquitto.conf");
    StringBuilder c = new StringBuilder();
    c.append("listener ").append(port).append(" 127.0.0.1\n");
    if (cert != null) {
      c.append("certfile ").append(cert).append('\n');
      c.append("keyfile ").append(key).append('\n');
    }
    c.append("persistence false\n");
    c.append("log_dest stderr\n");
    if ("root".equals(System.getProperty("user.name"))) {
      c.append("user root\n"); // else it drops to a user that may not read the files here
    }
    if (user == null) {
      c.append("allow_anonymous true\n");
    } else {
      Path pw = dir.resolve("passwords");
      Files.writeString(pw, "");
      Process p =
          new ProcessBuilder(
                  Files.isExecutable(Path.of("/usr/bin/mosquitto_passwd"))
                      ? "/usr/bin/mosquitto_passwd"
                      : bin.resolveSibling("mosquitto_passwd").toString(),
                  "-b",
                  pw.toString(),
                  user,
                  password)
              .redirectErrorStream(true)
              .start();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(
            "mosquitto_passwd failed: " + new String(p.getInputStream().readAllBytes()));
      }
      c.append("allow_anonymous false\n");
      c.append("password_file ").append(pw).append('\n');
    }
    Files.writeString(conf, c.toString());
    Mosquitto m = new Mosquitto(dir, port, conf, cert != null);
    m.restart();
    return m;
  }

  /** Starts the broker (again, on the same port), and waits until it accepts connections. */
  void restart() throws IOException {
    process =
        new ProcessBuilder(binary().toString(), "-c", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError(
                    "mosquitto exited: " + Files.readString(dir.resolve("mosquitto.log")));
              }
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
              } catch (IOException e) {
                return false;
              }
            });
  }

  /** Stops the broker (its retained messages go with it: no persistence). */
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  int port() {
    return port;
  }

  String url() {
    return (tls ? "ssl" : "tcp") + "://127.0.0.1:" + port;
  }

  /** What the broker logged. */
  String log() throws IOException {
    Path l = dir.resolve("mosquitto.log");
    return Files.exists(l) ? Files.readString(l) : "";
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static int freePort() throws IOException {
    return Ports.unused();
  }
}
