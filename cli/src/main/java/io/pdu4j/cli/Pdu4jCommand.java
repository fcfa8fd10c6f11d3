package io.pdu4j.cli;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.mqtt.MqttRemote;
import io.pdu4j.runtime.config.MqttConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top of {@code pdu4j}: global options and the list of subcommands. */
@Command(
    name = "pdu4j",
    mixinStandardHelpOptions = true,
    versionProvider = Pdu4jCommand.Version.class,
    description =
        "Reads and switches power devices (PDUs, smart sockets) over TCP, serial and UDP.",
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  success",
      "  1  any other failure",
      "  2  usage error: bad option, address or outlet (nothing was sent)",
      "  3  the device rejected the command or did not confirm it (with --server,",
      "     also: the server refused the token)",
      "  4  timeout, device unreachable or link lost",
      "With --json, results are JSON on stdout and an error is one JSON object on",
      "  stderr: {\"error\": kind, \"message\", \"device\", \"sent\", \"received\"}, the same exit code.",
      "",
      "Addresses: driver:transport://host:port?option=value",
      "  e.g. isotek:tcp://10.0.0.5:501?timeout=2s",
      "",
      "Through a running 'pdu4j serve' (its control API): --server URL or",
      "  PDU4J_SERVER, the token in PDU4J_TOKEN; status, on, off and cycle then",
      "  take a device NAME of the server's devices.yaml instead of an address:",
      "  PDU4J_TOKEN=... pdu4j --server http://127.0.0.1:8080 off rack 3",
      "  (a missing or refused token exits with 3, an unreachable server with 4)",
      "",
      "Through the MQTT bridges of 'pdu4j serve' (docs/mqtt.md): --mqtt URL or",
      "  PDU4J_MQTT, --prefix (default pdu4j), the login in PDU4J_MQTT_USERNAME and",
      "  PDU4J_MQTT_PASSWORD, an ssl:// broker's CAs in PDU4J_MQTT_TRUSTSTORE (and",
      "  PDU4J_MQTT_TRUSTSTORE_PASSWORD); status, on, off and cycle then take a",
      "  device NAME, whichever node (shard) runs it:",
      "  pdu4j --mqtt tcp://broker:1883 off rack 3",
      "  (a device no node answers for exits with 4 after --timeout)",
      "",
      "Try 'pdu4j demo' to see it work against simulated devices."
    })
final class Pdu4jCommand implements Callable<Integer> {
  /**
   * The subcommands, in the order of the help. {@link Cli} adds them (picocli makes and reflects on
   * each one it is given), all of them or only the short command a command line names.
   */
  static final List<Class<?>> SUBCOMMANDS =
      List.of(
          StatusCommand.class,
          OnCommand.class,
          OffCommand.class,
          CycleCommand.class,
          RestartCommand.class,
          OutletsCommand.class,
          ClockCommand.class,
          ScheduleCommand.class,
          DiscoverCommand.class,
          WatchCommand.class,
          SimCommand.class,
          DemoCommand.class,
          ServeCommand.class,
          CompletionCommand.class,
          picocli.CommandLine.HelpCommand.class);

  /**
   * The short commands, by name: a command line that runs one of these needs no other subcommand
   * (the others are the long-running ones, and {@code help} and {@code completion}, which read the
   * whole command tree).
   */
  static final Map<String, Class<?>> SHORT =
      Map.of(
          "status", StatusCommand.class,
          "on", OnCommand.class,
          "off", OffCommand.class,
          "cycle", CycleCommand.class,
          "restart", RestartCommand.class,
          "outlets", OutletsCommand.class,
          "clock", ClockCommand.class,
          "schedule", ScheduleCommand.class,
          "discover", DiscoverCommand.class);

  /** The options of this command that take a value (the rest are flags). */
  static final Set<String> VALUED = Set.of("--server", "--mqtt", "--prefix");

  /** The connect and command timeout of {@code --server} commands without {@code --timeout}. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  final Style style;

  @Spec CommandSpec spec;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Show stack traces and pdu4j's debug log on stderr.")
  boolean verbose;

  @Option(
      names = "--server",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      description =
          "Go through the control API of a running 'pdu4j serve' at URL (e.g."
              + " http://127.0.0.1:8080; default: $PDU4J_SERVER) for status, on, off, cycle and outlets:"
              + " their argument is then a device NAME from the server's configuration, and the"
              + " token is read from $PDU4J_TOKEN.")
  String server;

  @Option(
      names = "--mqtt",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      description =
          "Go through the MQTT bridges of 'pdu4j serve' on the broker at URL (e.g."
              + " tcp://127.0.0.1:1883; default: $PDU4J_MQTT) for status, on, off and cycle:"
              + " their argument is then a device NAME, run by whichever node (shard) owns it;"
              + " the login is read from $PDU4J_MQTT_USERNAME and $PDU4J_MQTT_PASSWORD, an"
              + " ssl:// broker's trust store from $PDU4J_MQTT_TRUSTSTORE (its password from"
              + " $PDU4J_MQTT_TRUSTSTORE_PASSWORD).")
  String mqtt;

  @Option(
      names = "--prefix",
      paramLabel = "TOPIC",
      scope = ScopeType.INHERIT,
      description = "With --mqtt: the bridges' topic root (default: ${DEFAULT-VALUE}).")
  String prefix = MqttConfig.DEFAULT_PREFIX;

  /** The environment: PDU4J_SERVER and PDU4J_TOKEN are read from it. */
  final Map<String, String> env;

  Pdu4jCommand(Style style) {
    this(style, System.getenv());
  }

  Pdu4jCommand(Style style, Map<String, String> env) {
    this.style = style;
    this.env = Map.copyOf(env);
  }

  /**
   * The client of the server this invocation goes through: {@code --server}, else {@code
   * PDU4J_SERVER}; empty when neither is set. The token is {@code PDU4J_TOKEN}'s.
   */
  static Optional<ServerClient> server(CommandSpec spec, DeviceArgs device) {
    if (!(spec.root().userObject() instanceof Pdu4jCommand top)) {
      return Optional.empty();
    }
    String url = top.server != null ? top.server : top.env.get(ServerClient.SERVER_ENV);
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    Duration timeout = device.timeout != null ? device.timeout : DEFAULT_TIMEOUT;
    return Optional.of(
        new ServerClient(
            ServerClient.parseBase(url),
            Optional.ofNullable(top.env.get(ServerClient.TOKEN_ENV)),
            timeout));
  }

  /**
   * What this invocation goes through instead of opening the device: the server ({@link #server})
   * or the MQTT broker ({@code --mqtt}, else {@code PDU4J_MQTT}); empty when none is set.
   *
   * @throws InvalidArgumentException when both a server and a broker are given
   */
  static Optional<Gateway> gateway(CommandSpec spec, DeviceArgs device) {
    Optional<ServerClient> server = server(spec, device);
    Optional<String> broker = mqttUrl(spec);
    if (server.isPresent() && broker.isPresent()) {
      throw new InvalidArgumentException(
          "give a server (--server, PDU4J_SERVER) or a broker (--mqtt, PDU4J_MQTT), not both");
    }
    if (server.isPresent()) {
      return Optional.of(server.get());
    }
    if (broker.isEmpty()) {
      return Optional.empty();
    }
    Pdu4jCommand top = (Pdu4jCommand) spec.root().userObject();
    Duration timeout = device.timeout != null ? device.timeout : DEFAULT_TIMEOUT;
    return Optional.of(
        new MqttGateway(
            MqttRemote.connect(
                broker.get(),
                Optional.ofNullable(top.env.get(MqttGateway.USERNAME_ENV))
                    .filter(u -> !u.isBlank()),
                Optional.ofNullable(top.env.get(MqttGateway.PASSWORD_ENV))
                    .filter(p -> !p.isEmpty()),
                MqttGateway.trustStore(top.env),
                top.prefix,
                timeout)));
  }

  /** The broker of {@code --mqtt}, else {@code PDU4J_MQTT}. */
  private static Optional<String> mqttUrl(CommandSpec spec) {
    if (!(spec.root().userObject() instanceof Pdu4jCommand top)) {
      return Optional.empty();
    }
    String url = top.mqtt != null ? top.mqtt : top.env.get(MqttGateway.MQTT_ENV);
    return url == null || url.isBlank() ? Optional.empty() : Optional.of(url);
  }

  /** Whether {@code --mqtt} was given on the command line. */
  static boolean mqttGiven(CommandSpec spec) {
    return spec.root().userObject() instanceof Pdu4jCommand top && top.mqtt != null;
  }

  /** Whether {@code --prefix} was given on the command line. */
  static boolean prefixGiven(CommandSpec spec) {
    return spec.root().userObject() instanceof Pdu4jCommand top
        && !MqttConfig.DEFAULT_PREFIX.equals(top.prefix);
  }

  /** The broker {@code demo} bridges its serve to: {@code --mqtt} only (not the environment). */
  static Optional<String> demoBroker(CommandSpec spec) {
    return spec.root().userObject() instanceof Pdu4jCommand top
        ? Optional.ofNullable(top.mqtt)
        : Optional.empty();
  }

  /** Whether {@code --server} was given on the command line. */
  static boolean serverGiven(CommandSpec spec) {
    return spec.root().userObject() instanceof Pdu4jCommand top && top.server != null;
  }

  /** Without a subcommand: the usage, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** The style of the running command line. */
  static Style style(CommandSpec spec) {
    return spec.root().userObject() instanceof Pdu4jCommand top ? top.style : Style.PLAIN;
  }

  /** The jar's version, from its manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Pdu4jCommand.class.getPackage().getImplementationVersion();
      return new String[] {
        "pdu4j " + (v == null ? "(development build)" : v),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")"
      };
    }
  }
}
