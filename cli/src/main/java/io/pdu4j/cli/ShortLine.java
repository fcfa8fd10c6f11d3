package io.pdu4j.cli;

import io.pdu4j.api.Durations;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The plain command lines of {@code status}, {@code on} and {@code off} against a device, read and
 * run without picocli: {@code [-v] status URI [--json] [--timeout D] [--plugins DIR] [-v]} and
 * {@code [-v] on|off URI OUTLET... [same options]}. Building picocli's model of even one subcommand
 * (its classes are loaded, verified and reflected on at every start: the class-data-sharing archive
 * cannot hold them) is about a quarter of such a command's start (docs/benchmarks.md, "CLI start").
 * It runs the same command objects as picocli and tells failures through the same {@link Failures},
 * so the output and the exit code are those of the whole command line. Anything else (help,
 * version, another command or option, an option given twice, a bad value, too few or too many
 * arguments, {@code @file} arguments, {@code --server} or {@code --mqtt}, or PDU4J_SERVER or
 * PDU4J_MQTT set) is left to picocli, which parses it, runs it or says what is wrong exactly as
 * before. Refers to no picocli class.
 */
final class ShortLine {
  private ShortLine() {}

  /**
   * Runs the command line when it is one of the plain ones above.
   *
   * @return the exit code, or empty when picocli is to read the command line
   */
  static OptionalInt run(
      String[] args, PrintWriter out, PrintWriter err, Style style, Map<String, String> env) {
    if (set(env.get(ServerClient.SERVER_ENV)) || set(env.get(MqttGateway.MQTT_ENV))) {
      return OptionalInt.empty();
    }
    Parsed p = parse(args);
    if (p == null) {
      return OptionalInt.empty();
    }
    DeviceArgs device = new DeviceArgs();
    device.uri = p.positionals.get(0);
    device.timeout = p.timeout;
    device.plugins = p.plugins;
    try {
      if (p.command.equals("status")) {
        StatusCommand status = new StatusCommand();
        status.device = device;
        status.json = p.json;
        return OptionalInt.of(status.direct(out, err, style));
      }
      SwitchCommand sw = p.command.equals("on") ? new OnCommand() : new OffCommand();
      sw.device = device;
      sw.json = p.json;
      sw.outlets = List.copyOf(p.positionals.subList(1, p.positionals.size()));
      return OptionalInt.of(sw.direct(out, err, style));
    } catch (Exception e) {
      return OptionalInt.of(Failures.report(e, err, p.json, p.verbose));
    }
  }

  /** What a plain command line says. */
  static final class Parsed {
    String command;
    final List<String> positionals = new ArrayList<>();
    boolean json;
    boolean verbose;
    Duration timeout;
    Path plugins;
  }

  /** The plain command line's parts, or null when picocli is to read it. */
  static Parsed parse(String[] args) {
    Parsed p = new Parsed();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.isEmpty() || a.startsWith("@")) {
        return null;
      }
      if (p.command == null) {
        // before the command: only the inherited -v
        if (isVerbose(a) && seen.add("--verbose")) {
          p.verbose = true;
        } else if (a.equals("status") || a.equals("on") || a.equals("off")) {
          p.command = a;
        } else {
          return null;
        }
        continue;
      }
      if (!a.startsWith("-")) {
        p.positionals.add(a);
        continue;
      }
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      if (isVerbose(a)) {
        name = "--verbose";
      }
      if (!seen.add(name)) {
        return null;
      }
      switch (name) {
        case "--verbose", "--json" -> {
          if (value != null) {
            return null;
          }
          p.verbose |= name.equals("--verbose");
          p.json |= name.equals("--json");
        }
        case "--timeout", "--plugins" -> {
          if (value == null) {
            if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
              return null;
            }
            value = args[++i];
          }
          if (value.isEmpty() || value.startsWith("@")) {
            return null;
          }
          if (name.equals("--timeout")) {
            p.timeout = duration(value);
            if (p.timeout == null) {
              return null;
            }
          } else {
            try {
              p.plugins = Path.of(value);
            } catch (InvalidPathException e) {
              return null;
            }
          }
        }
        default -> {
          return null;
        }
      }
    }
    if (p.command == null || p.positionals.isEmpty()) {
      return null;
    }
    boolean status = p.command.equals("status");
    if (status ? p.positionals.size() != 1 : p.positionals.size() < 2) {
      return null;
    }
    return p;
  }

  private static boolean isVerbose(String a) {
    return a.equals("-v") || a.equals("--verbose");
  }

  /** {@code --timeout}'s value as {@link DeviceArgs.DurationConverter} takes it, else null. */
  private static Duration duration(String value) {
    try {
      Duration d = Durations.parse(value, "duration");
      return d.isZero() ? null : d;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean set(String value) {
    return value != null && !value.isBlank();
  }
}
