package io.pdu4j.cli;

import io.pdu4j.runtime.config.Pdu4jConfig;
import io.pdu4j.runtime.config.Shard;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pdu4j serve --config devices.yaml}: keeps the configured devices open (the runtime's
 * supervision) and serves their meters for Prometheus at {@code /metrics}, their health at {@code
 * /health} and {@code /health/ready} and, when configured, the control API, until SIGTERM or
 * Ctrl-C.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Keep the devices of a configuration file open and serve their metrics for Prometheus"
          + " (/metrics) and their connection states (/health, /health/ready), until stopped"
          + " (SIGTERM, Ctrl-C). With an api section, also the control API (/api/v1, see"
          + " docs/api.md): switch outlets and groups, with tokens, roles and an audit log.",
      "Devices are kept open: retried with backoff while they cannot be reached, reconnected"
          + " when their link drops or goes quiet; each device's health (CONNECTING, CONNECTED,"
          + " OFFLINE with its problem) is logged on stderr as it changes. See"
          + " docs/configuration.md for the file."
    })
final class ServeCommand implements Callable<Integer> {
  /** How long stopping may take before the JVM goes down anyway. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The configuration file, e.g. devices.yaml.")
  Path config;

  @Option(
      names = "--plugins",
      paramLabel = "DIR",
      description =
          "A directory of plugin jars (drivers, transports); overrides plugins.dir of the file.")
  Path plugins;

  @Option(
      names = "--shard",
      paramLabel = "I/N",
      description =
          "Run only the devices whose name hashes to shard I of N (I from 0), so that N instances"
              + " share one configuration file; each publishes its own devices over MQTT (see"
              + " docs/scaling.md).")
  String shard;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Optional<Shard> flag;
    try {
      flag = shard == null ? Optional.empty() : Optional.of(Shard.parse(shard));
    } catch (io.pdu4j.api.InvalidArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--shard: " + e.getMessage());
    }
    Pdu4jConfig parsed = Pdu4jConfig.load(config);
    Shard part = shard(flag, parsed);
    PrintWriter err = spec.commandLine().getErr();
    FleetServer server =
        FleetServer.start(
            parsed, plugins != null ? Optional.of(plugins) : parsed.pluginsDir(), part, err);
    Thread hook = new Thread(() -> stop(server), "pdu4j-serve-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    server.awaitStopped();
    return ExitCodes.OK;
  }

  /** Closes the server within {@link #STOP_TIMEOUT}, then lets the JVM go regardless. */
  static void stop(FleetServer server) {
    Thread closer = new Thread(server::close, "pdu4j-serve-close");
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(STOP_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closer.isAlive()) {
      System.err.println(
          "pdu4j: did not stop within " + STOP_TIMEOUT.toSeconds() + "s; exiting anyway");
    }
  }

  /**
   * The shard to run: {@code --shard}'s, else the file's {@code shard:}, else all devices. The flag
   * wins, so that one file (with or without the key) can serve every shard.
   */
  static Shard shard(Optional<Shard> flag, Pdu4jConfig config) {
    return flag.or(config::shard).orElse(Shard.ALL);
  }
}
