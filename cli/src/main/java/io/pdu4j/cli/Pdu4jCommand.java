package io.pdu4j.cli;

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
    subcommands = {
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
      picocli.CommandLine.HelpCommand.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  success",
      "  1  any other failure",
      "  2  usage error: bad option, address or outlet (nothing was sent)",
      "  3  the device rejected the command or did not confirm it",
      "  4  timeout, device unreachable or link lost",
      "",
      "Addresses: driver:transport://host:port?option=value",
      "  e.g. isotek:tcp://10.0.0.5:501?timeout=2s",
      "Try 'pdu4j demo' to see it work against simulated devices."
    })
final class Pdu4jCommand implements Callable<Integer> {
  final Style style;

  @Spec CommandSpec spec;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Show stack traces and pdu4j's debug log on stderr.")
  boolean verbose;

  Pdu4jCommand(Style style) {
    this.style = style;
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
